
package org.fijigan.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * PNG files written byte by byte, for tests that need kinds no Java encoder
 * writes (grey with alpha, a tRNS chunk) or damaged ones.
 */
public final class PngBytes {

	private PngBytes() {}

	/**
	 * A PNG: signature, IHDR, the {@code before} chunks (made with
	 * {@link #chunk}), the given IDAT chunks, IEND.
	 */
	public static byte[] png(int w, int h, int colour, int depth, byte[] before,
		byte[]... idat)
	{
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
			'\n' });
		ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put(
			(byte) depth).put((byte) colour).put((byte) 0).put((byte) 0).put(
				(byte) 0);
		out.writeBytes(chunk("IHDR", ihdr.array()));
		out.writeBytes(before);
		for (byte[] d : idat)
			out.writeBytes(chunk("IDAT", d));
		out.writeBytes(chunk("IEND", new byte[0]));
		return out.toByteArray();
	}

	/** One chunk: length, type, data, CRC. */
	public static byte[] chunk(String type, byte[] data) {
		byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
		CRC32 crc = new CRC32();
		crc.update(t);
		crc.update(data);
		return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(t).put(
			data).putInt((int) crc.getValue()).array();
	}

	/** The zlib stream of {@code raw}, as an IDAT holds it. */
	public static byte[] deflate(byte[] raw) {
		Deflater d = new Deflater();
		d.setInput(raw);
		d.finish();
		byte[] buf = new byte[raw.length + 64];
		int n = d.deflate(buf);
		d.end();
		return Arrays.copyOf(buf, n);
	}
}


package org.fijigan.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** ZIP archives for tests, honest or forged. */
public final class ZipBytes {

	private ZipBytes() {}

	/** An archive of {@code entries}, in name order, deflated. */
	public static byte[] zip(Map<String, byte[]> entries) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream out = new ZipOutputStream(bytes)) {
			for (var e : new TreeMap<>(entries).entrySet()) {
				out.putNextEntry(new ZipEntry(e.getKey()));
				out.write(e.getValue());
				out.closeEntry();
			}
		}
		return bytes.toByteArray();
	}

	/**
	 * {@code zip}, a one-entry archive, with its central directory declaring
	 * {@code size} bytes unzipped, whatever the entry holds.
	 */
	public static byte[] declaringUnzippedSize(byte[] zip, int size) {
		byte[] b = zip.clone();
		for (int i = 0; i + 28 <= b.length; i++)
			if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] == 1 && b[i + 3] == 2) {
				ByteBuffer.wrap(b, i + 24, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(
					size);
				return b;
			}
		throw new AssertionError("no central directory entry");
	}

	/**
	 * An archive of {@code entries}, in name order, stored (not compressed) and
	 * written as a stream writes it: each local header leaves the sizes and
	 * CRC-32 to a data descriptor after the data, and the central directory gives
	 * them.
	 */
	public static byte[] storedStreamed(Map<String, byte[]> entries) {
		return storedStreamed(java.util.List.copyOf(new TreeMap<>(entries)
			.entrySet()));
	}

	/**
	 * As {@link #storedStreamed(Map)}, the entries in the order given, a name
	 * more than once where it comes so.
	 */
	public static byte[] storedStreamed(
		java.util.List<Map.Entry<String, byte[]>> entries)
	{
		ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
		ByteArrayOutputStream cen = new ByteArrayOutputStream();
		ByteBuffer c = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
		for (var e : entries) {
			byte[] name = e.getKey().getBytes(
				java.nio.charset.StandardCharsets.UTF_8);
			byte[] data = e.getValue();
			java.util.zip.CRC32 crc = new java.util.zip.CRC32();
			crc.update(data);
			int offset = b.position();
			b.putInt(0x04034b50).putShort((short) 20).putShort((short) 0x0808)
				.putShort((short) 0).putShort((short) 0).putShort((short) 0x21).putInt(
					0).putInt(0).putInt(0).putShort((short) name.length).putShort(
						(short) 0).put(name).put(data);
			b.putInt(0x08074b50).putInt((int) crc.getValue()).putInt(data.length)
				.putInt(data.length);
			c.clear();
			c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort(
				(short) 0x0808).putShort((short) 0).putShort((short) 0).putShort(
					(short) 0x21).putInt((int) crc.getValue()).putInt(data.length).putInt(
						data.length).putShort((short) name.length).putShort((short) 0)
				.putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
				.putInt(offset).put(name);
			cen.write(c.array(), 0, c.position());
		}
		int cenOffset = b.position();
		b.put(cen.toByteArray());
		b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort(
			(short) entries.size()).putShort((short) entries.size()).putInt(cen
				.size()).putInt(cenOffset).putShort((short) 0);
		return java.util.Arrays.copyOf(b.array(), b.position());
	}

	/**
	 * {@code zip} with every entry's compression method, in its local header and
	 * in the central directory, set to {@code method}.
	 */
	public static byte[] withMethod(byte[] zip, int method) {
		byte[] b = zip.clone();
		ByteBuffer w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i + 12 <= b.length; i++)
			if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] == 3 && b[i + 3] == 4) w
				.putShort(i + 8, (short) method);
			else if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] == 1 && b[i + 3] == 2)
				w.putShort(i + 10, (short) method);
		return b;
	}

	/**
	 * {@code zip}, a one-entry archive, with the CRC-32 its central directory
	 * gives changed, the local header and data left alone.
	 */
	public static byte[] withWrongCentralCrc(byte[] zip) {
		byte[] b = zip.clone();
		for (int i = 0; i + 20 <= b.length; i++)
			if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] == 1 && b[i + 3] == 2) {
				b[i + 16] ^= 1;
				return b;
			}
		throw new AssertionError("no central directory entry");
	}
}


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
}

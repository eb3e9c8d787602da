
package org.fijigan.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Positional reads that fill a buffer, for the format checks and readers. */
public final class FileChannels {

	private FileChannels() {}

	/**
	 * Reads from byte {@code at} of the file into {@code b}, from its position,
	 * until it is full or the file ends (one {@code read} may return fewer bytes
	 * than asked for without being at the end).
	 *
	 * @return the bytes read: fewer than {@code b} had room for only where the
	 *         file ends
	 */
	public static int readAt(FileChannel ch, ByteBuffer b, long at)
		throws IOException
	{
		int start = b.position();
		while (b.hasRemaining())
			if (ch.read(b, at + b.position() - start) < 0) break;
		return b.position() - start;
	}
}

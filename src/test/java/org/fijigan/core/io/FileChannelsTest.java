
package org.fijigan.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileChannelsTest {

	@TempDir
	Path dir;

	@Test
	void fillsFromTheBuffersPositionAndStopsAtTheFilesEnd() throws Exception {
		Path file = dir.resolve("ten.bin");
		Files.write(file, new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 });
		try (FileChannel ch = FileChannel.open(file)) {
			ByteBuffer b = ByteBuffer.allocate(6);
			b.position(2); // the first two bytes are the caller's
			assertEquals(4, FileChannels.readAt(ch, b, 3));
			assertArrayEquals(new byte[] { 0, 0, 3, 4, 5, 6 }, b.array());

			ByteBuffer tail = ByteBuffer.allocate(8);
			assertEquals(3, FileChannels.readAt(ch, tail, 7)); // the file ends
			assertArrayEquals(new byte[] { 7, 8, 9 }, Arrays.copyOf(tail.array(), 3));
			assertEquals(3, tail.position());

			assertEquals(0, FileChannels.readAt(ch, ByteBuffer.allocate(4), 10));
			assertEquals(0, FileChannels.readAt(ch, ByteBuffer.allocate(4), 99));
		}
	}

	@Test
	void readsAFileLargerThanOneCallReturns() throws Exception {
		byte[] data = new byte[3 << 20];
		new java.util.Random(7).nextBytes(data);
		Path file = dir.resolve("big.bin");
		Files.write(file, data);
		try (FileChannel ch = FileChannel.open(file)) {
			ByteBuffer b = ByteBuffer.allocate(data.length - 5);
			assertEquals(data.length - 5, FileChannels.readAt(ch, b, 5));
			assertArrayEquals(Arrays.copyOfRange(data, 5, data.length), b.array());
		}
	}
}


package org.fijigan.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpaceTest {

	@TempDir
	Path dir;

	@Test
	void aPathNotYetThereCountsOnItsNearestExistingParentsDisk()
		throws IOException
	{
		Path deep = dir.resolve("a").resolve("b").resolve("c.tif");
		assertNotNull(DiskSpace.storeOf(deep));
		assertEquals(Files.getFileStore(dir).name(), DiskSpace.storeOf(deep)
			.name());
	}

	@Test
	void aWriteThatFoundNoRoomIsNamedAFullDisk() {
		assertNull(DiskSpace.fullUnlessRoomFor(dir, 0));
		IOException full = DiskSpace.fullUnlessRoomFor(dir, Long.MAX_VALUE);
		assertTrue(full.getMessage().startsWith("No space left on device ("), full
			.getMessage());
		assertTrue(DiskSpace.saysFull("cannot write a.tif: " + full.getMessage()));
		assertTrue(DiskSpace.saysFull("write failed: Disk quota exceeded"));
		assertFalse(DiskSpace.saysFull("permission denied: a.tif"));
		assertFalse(DiskSpace.saysFull(null));
	}

	@Test
	void productsSaturateInsteadOfWrapping() {
		assertEquals(12, DiskSpace.times(3, 4));
		assertEquals(Long.MAX_VALUE, DiskSpace.times(Long.MAX_VALUE / 2, 3));
		assertEquals(Long.MAX_VALUE, DiskSpace.times(1L << 32, 1L << 31));
		assertEquals(Long.MAX_VALUE - 1, DiskSpace.times(Long.MAX_VALUE / 2, 2));
	}
}

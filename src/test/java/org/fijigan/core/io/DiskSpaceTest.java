
package org.fijigan.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

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
	void productsSaturateInsteadOfWrapping() {
		assertEquals(12, DiskSpace.times(3, 4));
		assertEquals(Long.MAX_VALUE, DiskSpace.times(Long.MAX_VALUE / 2, 3));
		assertEquals(Long.MAX_VALUE, DiskSpace.times(1L << 32, 1L << 31));
		assertEquals(Long.MAX_VALUE - 1, DiskSpace.times(Long.MAX_VALUE / 2, 2));
	}
}


package org.fijigan.core.batch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claims of an output folder, as concurrent runs make them. */
class OutputFolderLockTest {

	@TempDir
	Path dir;

	/**
	 * A draft claim is unlocked for a moment after another run creates it: a
	 * claim made then leaves it alone, while a draft left by a run killed long
	 * ago is deleted.
	 */
	@Test
	void aClaimDeletesOldDeadDraftsButNotOneAnotherRunIsMaking()
		throws IOException
	{
		Path fresh = Files.createFile(dir.resolve(OutputFolderLock.DRAFT_PREFIX +
			"12345-1"));
		Path old = Files.createFile(dir.resolve(OutputFolderLock.DRAFT_PREFIX +
			"12345-2"));
		Files.setLastModifiedTime(old, FileTime.fromMillis(System
			.currentTimeMillis() - 2 * OutputFolderLock.DRAFT_AGE_MS));
		try (OutputFolderLock lock = OutputFolderLock.acquire(dir,
			OutputFolderLock.Owner.of("denoise", "m", "0123456789abcdef", new Shard(0,
				1), "b")))
		{
			assertTrue(Files.exists(fresh),
				"another run's draft, about to be locked");
			assertFalse(Files.exists(old), "a dead run's draft");
		}
	}
}

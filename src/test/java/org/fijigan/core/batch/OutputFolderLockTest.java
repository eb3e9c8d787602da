
package org.fijigan.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.fijigan.core.GanException;
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

	private static OutputFolderLock.Owner owner(String command, String batch) {
		return OutputFolderLock.Owner.of(command, "m", "0123456789abcdef",
			new Shard(0, 1), batch);
	}

	/**
	 * A folder inside, or around, one that a live run holds is refused, naming
	 * that run; once it has ended, it may be claimed.
	 */
	@Test
	void aFolderInsideOrAroundAnotherRunsIsRefused() throws IOException {
		Path outer = dir.resolve("o"), inner = Files.createDirectories(outer
			.resolve("g0")), deeper = Files.createDirectories(inner.resolve("x/y"));
		try (OutputFolderLock a = OutputFolderLock.acquire(inner, owner(
			"denoise -o o/g0", "a")))
		{
			GanException around = assertThrows(GanException.class,
				() -> OutputFolderLock.acquire(outer, owner("denoise -o o", "b")));
			assertTrue(around.getMessage().startsWith("output folder " + outer +
				" holds " + inner.toRealPath() + ", the output folder of another run " +
				"(pid "), around.getMessage());
			assertTrue(around.getMessage().contains(": denoise -o o/g0 (model m"),
				around.getMessage());
			GanException inside = assertThrows(GanException.class,
				() -> OutputFolderLock.acquire(deeper, owner("denoise -o o/g0/x/y",
					"c")));
			assertTrue(inside.getMessage().startsWith("output folder " + deeper +
				" is inside " + inner.toRealPath() + ", the output folder of " +
				"another run (pid "), inside.getMessage());
			// the refused runs leave no claim behind
			try (var s = Files.walk(outer)) {
				assertEquals(1, s.filter(p -> p.getFileName().toString().startsWith(
					".fiji-gan.")).count());
			}
		}
		try (OutputFolderLock b = OutputFolderLock.acquire(outer, owner(
			"denoise -o o", "b")))
		{
			assertTrue(Files.isDirectory(outer));
		}
	}
}

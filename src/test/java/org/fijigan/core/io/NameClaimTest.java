
package org.fijigan.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.fijigan.core.GanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NameClaimTest {

	@TempDir
	Path dir;

	/**
	 * A claim's file is made, marked and deleted on close; an empty one (a killed
	 * run's, or an earlier version's) is taken and deleted.
	 */
	@Test
	void aClaimMarksItsFileAndDeletesItWhenDone() throws IOException {
		Path target = dir.resolve("out.onnx"), file = dir.resolve(".out.onnx.lock");
		assertEquals(file, NameClaim.fileFor(target));
		try (NameClaim claim = NameClaim.claim(target)) {
			assertEquals(NameClaim.MARK, Files.readString(file));
		}
		assertFalse(Files.exists(file));
		Files.createFile(file);
		try (NameClaim claim = NameClaim.claim(target)) {
			assertEquals(NameClaim.MARK, Files.readString(file));
		}
		assertFalse(Files.exists(file));
	}

	/**
	 * A file of the claim's name that is someone's own, or a link, is refused and
	 * left as it is; nothing is made where the link points.
	 */
	@Test
	void aFileOfTheClaimsNameThatIsNotOneIsRefusedAndKept() throws IOException {
		Path target = dir.resolve("out.onnx"), file = dir.resolve(".out.onnx.lock");
		Files.writeString(file, "my notes");
		GanException e = assertThrows(GanException.class, () -> NameClaim.claim(
			target));
		assertEquals(file + " is not fiji-gan's: fiji-gan claims the name beside " +
			"it with a file of that name; move or rename it", e.getMessage());
		assertEquals("my notes", Files.readString(file));
		GanException early = assertThrows(GanException.class, () -> NameClaim
			.requireClaimable(target));
		assertEquals(e.getMessage(), early.getMessage());

		Files.delete(file);
		Path elsewhere = dir.resolve("elsewhere.txt");
		Files.createSymbolicLink(file, elsewhere);
		e = assertThrows(GanException.class, () -> NameClaim.claim(target));
		assertEquals(file + " is a symbolic link to " + elsewhere + ": fiji-gan " +
			"claims the name beside it with a file of that name and does not " +
			"follow a link there; the link is kept: remove or rename it", e
				.getMessage());
		assertFalse(Files.exists(elsewhere));
		assertTrue(Files.isSymbolicLink(file));
		early = assertThrows(GanException.class, () -> NameClaim.requireClaimable(
			target));
		assertEquals(e.getMessage(), early.getMessage());
		assertFalse(Files.exists(elsewhere));
		// the claim after a refusal is not held: a later claim is not blocked
		Files.delete(file);
		NameClaim.requireClaimable(target); // none there
		try (NameClaim claim = NameClaim.claim(target)) {
			assertTrue(Files.exists(file, LinkOption.NOFOLLOW_LINKS));
			NameClaim.requireClaimable(target); // a live claim's: waited for
		}
	}
}

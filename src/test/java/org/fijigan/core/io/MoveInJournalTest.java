
package org.fijigan.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MoveInJournalTest {

	@TempDir
	Path dir;

	/**
	 * An earlier file whose name, read from its folder, is not valid UTF-8 does
	 * not name its file again: taken for gone, it stayed among the new set's
	 * files (an earlier image in a new training set). The move is refused before
	 * anything is moved.
	 */
	@Test
	void anEarlierFileWhoseNameDoesNotSurviveIsRefusedBeforeAnyMove()
		throws IOException
	{
		Path target = Files.createDirectories(dir.resolve("set/train")).getParent();
		Files.writeString(target.resolve("train/a.png"), "earlier");
		Path staging = Files.createDirectories(dir.resolve(".set.tmp"));
		Files.createDirectories(staging.resolve("train"));
		Files.writeString(staging.resolve("train/b.png"), "new");
		GanException e = assertThrows(GanException.class, () -> MoveInJournal
			.moveIn(target, staging, List.of("train/a.png", "train/x\uFFFD.png"), List
				.of("train/b.png"), new MoveInJournal.Kind("prepare-data", "data set",
					"its", "earlier set"), target, CancellationToken.none()));
		assertEquals("cannot move the earlier files of " + target + " aside: " +
			"train/x\uFFFD.png " + FileNameEncoding.why() +
			"; nothing of this run was written", e.getMessage());
		assertEquals("earlier", Files.readString(target.resolve("train/a.png")));
		assertEquals(List.of("a.png"), Files.list(target.resolve("train")).map(
			p -> p.getFileName().toString()).toList());
		assertEquals("new", Files.readString(staging.resolve("train/b.png")));
	}
}

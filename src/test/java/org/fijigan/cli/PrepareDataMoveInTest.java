
package org.fijigan.cli;

import static org.fijigan.cli.MainTest.cli;
import static org.fijigan.cli.PrepareDataTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.fijigan.cli.MainTest.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

/**
 * A {@code prepare-data --overwrite} stopped while it moves its set into the
 * output folder, after each number of renames in turn: killed (the move stops
 * there, nothing undone in the run), the next {@code prepare-data} run on the
 * folder puts the earlier set back byte for byte before it does anything else;
 * a rename that fails is undone in the run itself. The earlier move-in deleted
 * the earlier set's files first and then moved the new ones in: a run killed
 * half-way left neither set whole.
 */
class PrepareDataMoveInTest {

	@TempDir
	Path dir;

	/** Stands for a kill: nothing of the run after it happens. */
	static final class Killed extends Error {

		private static final long serialVersionUID = 1L;
	}

	@AfterEach
	void noStop() {
		org.fijigan.core.io.MoveInJournal.beforeRename = n -> {};
	}

	static final Object[] EARLIER = { "--train", 2, "--test", 1, "--size", 32,
		"--seed", 0 };
	static final Object[] LATER = { "--train", 3, "--test", 1, "--tune", 1,
		"--size", 32, "--seed", 1, "--noisy", "photons=20" };

	static Result fluorescence(Path out, Object[] set, Object... more) {
		List<Object> args = new ArrayList<>(List.of("prepare-data", "fluorescence",
			"--output", out));
		args.addAll(List.of(set));
		args.addAll(List.of(more));
		return cli(args.toArray());
	}

	/** Every file under {@code folder}, relative, with its SHA-256. */
	static Map<String, String> tree(Path folder) throws IOException {
		Map<String, String> files = new TreeMap<>();
		try (Stream<Path> s = Files.walk(folder)) {
			for (Path p : s.filter(Files::isRegularFile).toList())
				files.put(folder.relativize(p).toString(),
					org.fijigan.core.io.FileHashes.sha256(p, ""));
		}
		return files;
	}

	/** {@code set}'s files with the user's own two notes. */
	static Map<String, String> withNotes(Map<String, String> set,
		Map<String, String> folder)
	{
		Map<String, String> all = new TreeMap<>(set);
		for (String n : List.of("notes.txt", "train/notes.txt"))
			all.put(n, folder.get(n));
		return all;
	}

	@Test
	void aRunKilledAfterAnyRenameIsUndoneByTheNextRun() throws IOException {
		Path earlierRef = dir.resolve("ref0"), laterRef = dir.resolve("ref1");
		assertEquals(0, fluorescence(earlierRef, EARLIER).exitCode());
		assertEquals(0, fluorescence(laterRef, LATER).exitCode());
		Path in = Files.createDirectories(dir.resolve("in"));
		new FileSaver(new ImagePlus("a", new ByteProcessor(4, 2))).saveAsPng(in
			.resolve("a.png").toString());

		Path out = dir.resolve("fl");
		assertEquals(0, fluorescence(out, EARLIER).exitCode());
		Files.writeString(out.resolve("notes.txt"), "my notes");
		Files.writeString(out.resolve("train/notes.txt"), "x");
		Map<String, String> earlier = tree(out);
		assertEquals(withNotes(tree(earlierRef), earlier), earlier);
		String note = "note: a prepare-data run was killed while it moved its " +
			"set into " + out + "; the earlier set is put back as it was";

		int kills = 0;
		for (int n = 0;; n++) {
			int stop = n;
			boolean[] stopped = { false };
			org.fijigan.core.io.MoveInJournal.beforeRename = done -> {
				if (done == stop) {
					stopped[0] = true;
					throw new Killed();
				}
			};
			Result r;
			try {
				r = fluorescence(out, LATER, "--overwrite");
			}
			catch (Killed k) {
				r = null;
			}
			org.fijigan.core.io.MoveInJournal.beforeRename = done -> {};
			if (!stopped[0]) {
				// past the last rename: the run ends, with the later set in place
				assertEquals(0, r.exitCode(), r.err());
				break;
			}
			kills++;
			List<String> beside = names(dir);
			// the next run, of any mode, refused as the folder is not empty, puts
			// the earlier set back first
			Result next = n % 2 == 0 ? fluorescence(out, new Object[] { "--train",
				1 }) : cli("prepare-data", "photos", "-i", in, "-o", out);
			assertEquals(earlier, tree(out), "after " + n + " renames");
			assertEquals(1, next.exitCode(), "after " + n + " renames");
			assertTrue(next.err().strip().startsWith("fiji-gan: output folder " +
				out + " is not empty; pass --overwrite"), next.err());
			assertEquals(note, next.out().strip(), "after " + n + " renames");
			assertEquals(5, beside.size(), "the killed run's hidden folder was " +
				"left beside the output: " + beside);
			assertEquals(List.of("fl", "in", "ref0", "ref1"), names(dir),
				"no hidden folder left");
		}
		// 7 of the earlier set aside (4 TIFFs, and 3 sources.csv the later set
		// replaces), 13 in (5 of them new noisy/ TIFFs, in folders the move makes),
		// and the end: the journal not yet deleted
		assertEquals(21, kills);
		Map<String, String> later = tree(out);
		assertEquals(withNotes(tree(laterRef), earlier), later);
		assertEquals(List.of("fl", "in", "ref0", "ref1"), names(dir));

		// a killed --overwrite, then the same command again: the note, then the
		// set the command makes
		org.fijigan.core.io.MoveInJournal.beforeRename = done -> {
			if (done == 7) throw new Killed();
		};
		assertThrows(Killed.class, () -> fluorescence(out, EARLIER, "--overwrite"));
		org.fijigan.core.io.MoveInJournal.beforeRename = done -> {};
		Result again = fluorescence(out, EARLIER, "--overwrite");
		assertEquals(0, again.exitCode(), again.err());
		assertTrue(again.out().startsWith(note + "\n"), again.out());
		// the set replaced whole: the noisy/ copies of the later set, in folders
		// this set does not fill, went with the rest
		assertTrue(later.keySet().stream().anyMatch(n -> n.startsWith("noisy/")));
		assertEquals(withNotes(tree(earlierRef), earlier), tree(out));
		assertFalse(Files.exists(out.resolve("noisy")));
		assertEquals(List.of("fl", "in", "ref0", "ref1"), names(dir));
	}

	@Test
	void aRenameThatFailsIsUndoneInTheRun() throws IOException {
		Path out = dir.resolve("fl");
		assertEquals(0, fluorescence(out, EARLIER).exitCode());
		Files.writeString(out.resolve("train/notes.txt"), "x");
		Files.writeString(out.resolve("notes.txt"), "my notes");
		Map<String, String> earlier = tree(out);
		for (int n : new int[] { 3, 7, 12, 20, 0 }) {
			int stop = n;
			org.fijigan.core.io.MoveInJournal.beforeRename = done -> {
				if (done == stop) throw new IOException("No space left on device");
			};
			Result r = fluorescence(out, LATER, "--overwrite");
			assertEquals(earlier, tree(out), "after " + n + " renames");
			assertEquals(1, r.exitCode(), "after " + n + " renames");
			assertEquals("fiji-gan: cannot move the data set into " + out +
				": No space left on device; nothing of this run was written, and " +
				"the earlier set is as it was", r.err().strip());
			assertEquals(List.of("fl"), names(dir), "no hidden folder left");
		}
	}
}

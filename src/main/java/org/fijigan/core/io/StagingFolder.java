
package org.fijigan.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A hidden folder beside an output folder (on its file system) in which a set
 * of files is made whole before it is moved into place, so that a run that
 * fails or is killed half-way leaves the output folder as it was. Its name is
 * an {@link AtomicFile#temporaryFor} name of the output folder's, so that a
 * later run recognises one a killed run left and removes it once stale (unless
 * it holds a {@link MoveInJournal} journal: an earlier set to put back).
 * prepare-data, package-model and the demo make their files this way.
 */
public final class StagingFolder {

	private StagingFolder() {}

	/**
	 * A fresh hidden folder beside {@code target}, created; the stale ones
	 * earlier runs killed while writing left there are deleted first.
	 *
	 * @throws org.fijigan.core.GanException when it cannot be created
	 */
	public static Path beside(Path target) {
		removeStale(target);
		Path staging = AtomicFile.temporaryFor(target.toAbsolutePath());
		AtomicFile.createFolder(staging);
		return staging;
	}

	/**
	 * Deletes the hidden folders beside {@code target} that runs killed while
	 * writing left, once stale ({@link AtomicFile#isStale}: a younger one may be
	 * another run's at work); never one with a journal, which holds an earlier
	 * set to put back ({@link MoveInJournal#putBackKilled}).
	 */
	public static void removeStale(Path target) {
		Path parent = target.toAbsolutePath().getParent();
		String name = target.getFileName().toString();
		if (parent == null || !Files.isDirectory(parent)) return;
		try (var leftovers = Files.newDirectoryStream(parent, p -> AtomicFile
			.isTemporaryOf(p.getFileName().toString(), name) && Files.isDirectory(p,
				LinkOption.NOFOLLOW_LINKS)))
		{
			for (Path p : leftovers)
				if (AtomicFile.isStale(p)) delete(p);
		}
		catch (IOException e) {
			// a leftover is hidden and harmless
		}
	}

	/**
	 * Deletes the staging folder with everything in it; one that cannot be
	 * deleted is left (hidden, and removed by a later run), and so is one with a
	 * journal (a move-in that failed and could not be undone), for the next run
	 * to put back ({@link MoveInJournal#putBackKilled}).
	 */
	public static void delete(Path staging) {
		if (MoveInJournal.isMovingIn(staging)) return;
		try {
			CacheFolder.deleteTree(staging);
		}
		catch (IOException | java.io.UncheckedIOException e) {
			// a leftover is hidden, and removed by a later run
		}
	}

	/**
	 * Moves {@code from} to {@code to} in one step (a rename on one file system),
	 * replacing a file there; {@code to}'s folder is created when absent. Where
	 * the staging folder lies on another file system than {@code to} (an output
	 * folder that is a mount point, or a link to another disk), the file is
	 * copied beside {@code to} first and renamed onto it, so that {@code to} is
	 * still never half-written.
	 */
	public static void moveReplacing(Path from, Path to) throws IOException {
		if (to.getParent() != null) Files.createDirectories(to.getParent());
		try {
			Files.move(from, to, StandardCopyOption.REPLACE_EXISTING,
				StandardCopyOption.ATOMIC_MOVE);
		}
		catch (java.nio.file.AtomicMoveNotSupportedException e) {
			Path copy = AtomicFile.temporaryFor(to);
			try {
				Files.copy(from, copy, StandardCopyOption.REPLACE_EXISTING);
				Files.move(copy, to, StandardCopyOption.REPLACE_EXISTING,
					StandardCopyOption.ATOMIC_MOVE);
				Files.delete(from);
			}
			finally {
				Files.deleteIfExists(copy);
			}
		}
	}
}

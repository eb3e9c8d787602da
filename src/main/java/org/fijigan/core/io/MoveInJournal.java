
package org.fijigan.core.io;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;

/**
 * Moves a set of files made in a hidden folder ({@link StagingFolder}) into an
 * existing folder so that the earlier set is never lost: the earlier files (the
 * ones the new set replaces, and the ones it removes) are moved aside into the
 * hidden folder, the new ones moved in, and only then the earlier ones deleted.
 * A journal written in the hidden folder before the first rename says what is
 * being swapped: a rename that fails, or a cancellation (Ctrl-C, SIGTERM)
 * between two renames, is undone at once ({@link #rollBack}), and a move a
 * killed run left half-done is undone by the next run on the folder
 * ({@link #putBackKilled}), byte for byte. prepare-data, package-model and the
 * demo move their sets in this way. The caller holds its claim on the folder
 * around {@link #moveIn} and {@link #putBackKilled}; a hidden folder with a
 * journal is never removed as stale ({@link StagingFolder#removeStale}).
 */
public final class MoveInJournal {

	/**
	 * In the hidden folder while its set is being moved in: the new files and the
	 * folders the move makes, one name a line ({@link #encode}d).
	 */
	public static final String JOURNAL = ".fiji-gan.moving-in";
	/** In the hidden folder: the earlier set's files, moved aside. */
	public static final String EARLIER = ".fiji-gan.earlier-set";
	private static final String NEW = "new ", MADE = "made ";

	/**
	 * What is moved in, for messages.
	 *
	 * @param command the command, e.g. "prepare-data"
	 * @param what what is moved, e.g. "the data set"
	 * @param its what the command moves, e.g. "its set"
	 * @param earlier what is put back, e.g. "the earlier set"
	 */
	public record Kind(String command, String what, String its, String earlier) {
	}

	/** A step of a move-in, for tests. */
	@FunctionalInterface
	public interface Step {

		void before(int renamesDone) throws IOException;
	}

	/**
	 * Called before each rename of a move-in with how many were done, and once
	 * more when all are; for tests, which stop the move there as a kill or a
	 * failed rename would.
	 */
	public static volatile Step beforeRename = n -> {};

	private MoveInJournal() {}

	/**
	 * Into the existing folder {@code target} (shown to the user as
	 * {@code shown}), claimed by the caller: the files {@code earlier} (relative
	 * to {@code target}; those that exist) are moved aside into {@code staging},
	 * the files {@code fresh} (relative to {@code staging}) moved in, in their
	 * order, and only then the journal deleted and the earlier files with it. Up
	 * to that point a failed rename or {@code cancel} undoes the move, and a kill
	 * leaves it for {@link #putBackKilled}.
	 *
	 * @throws GanException when a rename fails (the earlier set put back, or, if
	 *           that fails too, kept in {@code staging} for the next run)
	 * @throws CancellationToken.CancelledException when cancelled, the earlier
	 *           set put back
	 */
	public static void moveIn(Path target, Path staging,
		Collection<String> earlier, List<String> fresh, Kind kind, Path shown,
		CancellationToken cancel)
	{
		Set<String> aside = new LinkedHashSet<>();
		for (String rel : earlier) {
			// a name read from the folder that does not name its file again (not
			// valid UTF-8) would look gone and stay among the new set's files
			if (rel.indexOf('\uFFFD') >= 0) throw new GanException("cannot move " +
				"the earlier files of " + shown + " aside: " + rel + " " +
				FileNameEncoding.why() + "; nothing of this run was written");
			if (Files.exists(target.resolve(rel), LinkOption.NOFOLLOW_LINKS) && !Files
				.isDirectory(target.resolve(rel), LinkOption.NOFOLLOW_LINKS)) aside.add(
					rel);
		}
		// a file the set replaces is kept aside as well
		Set<String> made = new LinkedHashSet<>();
		for (String rel : fresh) {
			Path to = target.resolve(rel);
			if (Files.exists(to, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(to,
				LinkOption.NOFOLLOW_LINKS)) aside.add(rel);
			List<String> above = new ArrayList<>();
			for (Path d = to.getParent(); !d.equals(target) && !Files.exists(d,
				LinkOption.NOFOLLOW_LINKS); d = d.getParent())
				above.add(0, relative(target, d));
			made.addAll(above);
		}
		StringBuilder journal = new StringBuilder();
		for (String rel : fresh)
			journal.append(NEW).append(encode(rel)).append('\n');
		for (String rel : made)
			journal.append(MADE).append(encode(rel)).append('\n');
		byte[] bytes = journal.toString().getBytes(StandardCharsets.UTF_8);
		AtomicFile.writeStream(staging.resolve(JOURNAL), false, o -> o.write(
			bytes));
		Path earlierFolder = staging.resolve(EARLIER);
		int renames = 0;
		try {
			for (String rel : aside) {
				step(renames++, cancel);
				StagingFolder.moveReplacing(target.resolve(rel), earlierFolder.resolve(
					rel));
			}
			for (String rel : fresh) {
				step(renames++, cancel);
				StagingFolder.moveReplacing(staging.resolve(rel), target.resolve(rel));
			}
			step(renames, cancel);
		}
		catch (IOException | RuntimeException e) {
			try {
				rollBack(target, staging);
			}
			catch (IOException | RuntimeException again) {
				e.addSuppressed(again);
				throw new GanException("cannot move " + kind.what() + " into " + shown +
					": " + reason(e) + "; nor could " + kind.earlier() +
					" be put back (" + reason(again) + "): it is kept in " + staging +
					", and the next " + kind.command() + " run on " + shown +
					" puts it back", e);
			}
			if (e instanceof CancellationToken.CancelledException c) throw c;
			throw new GanException("cannot move " + kind.what() + " into " + shown +
				": " + reason(e) + "; nothing of this run was written, and " + kind
					.earlier() + " is as it was", e);
		}
		try {
			Files.delete(staging.resolve(JOURNAL)); // the new set stands
		}
		catch (IOException e) {
			throw new GanException("cannot move " + kind.what() + " into " + shown +
				": " + AtomicFile.describe(e) + "; it is in place, but the next " + kind
					.command() + " run on " + shown + " puts " + kind.earlier() + " back",
				e);
		}
		try {
			CacheFolder.deleteTree(earlierFolder);
		}
		catch (IOException e) {
			// the hidden folder is deleted by the caller, or by a later run
		}
	}

	private static void step(int renamesDone, CancellationToken cancel)
		throws IOException
	{
		beforeRename.before(renamesDone);
		cancel.throwIfCancelled();
	}

	private static String reason(Exception e) {
		return e instanceof IOException io ? AtomicFile.describe(io) : e
			.getMessage();
	}

	/** Whether {@code staging} holds a journal: a move-in not done. */
	public static boolean isMovingIn(Path staging) {
		return Files.exists(staging.resolve(JOURNAL), LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * Undoes the half-done move-in whose journal is in {@code staging}: the new
	 * files moved in go back into the hidden folder, the earlier set's files back
	 * where they were, the folders the move made go if empty, and the journal
	 * last. Exact from any point of the move, and safe to repeat after a kill
	 * while undoing: a new file is in the output folder only once it is no longer
	 * in the hidden one, and the move of new files starts once every earlier file
	 * is aside.
	 */
	public static void rollBack(Path target, Path staging) throws IOException {
		Path journal = staging.resolve(JOURNAL), aside = staging.resolve(EARLIER);
		List<String> fresh = new ArrayList<>(), made = new ArrayList<>();
		for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
			if (line.startsWith(NEW)) fresh.add(decode(line.substring(NEW.length())));
			else if (line.startsWith(MADE)) made.add(decode(line.substring(MADE
				.length())));
		}
		for (int i = fresh.size() - 1; i >= 0; i--) {
			String rel = fresh.get(i);
			Path back = staging.resolve(rel), in = target.resolve(rel);
			if (Files.exists(back, LinkOption.NOFOLLOW_LINKS) || !Files.exists(in,
				LinkOption.NOFOLLOW_LINKS)) continue;
			StagingFolder.moveReplacing(in, back);
		}
		if (Files.isDirectory(aside, LinkOption.NOFOLLOW_LINKS)) {
			List<Path> kept;
			try (Stream<Path> s = Files.walk(aside)) {
				kept = s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
					.sorted().toList();
			}
			for (Path p : kept)
				StagingFolder.moveReplacing(p, target.resolve(relative(aside, p)));
		}
		for (int i = made.size() - 1; i >= 0; i--)
			try {
				Files.deleteIfExists(target.resolve(made.get(i)));
			}
			catch (java.nio.file.DirectoryNotEmptyException e) {
				// something else was put there meanwhile: kept
			}
		Files.delete(journal);
	}

	/**
	 * The hidden folders beside {@code target} that hold a journal: move-ins that
	 * killed runs left half-done (or, while a run holds the folder, its own).
	 */
	public static List<Path> killed(Path target) {
		List<Path> found = new ArrayList<>();
		Path parent = target.toAbsolutePath().getParent();
		if (parent == null || target.getFileName() == null) return found;
		String name = target.getFileName().toString();
		try (DirectoryStream<Path> s = Files.newDirectoryStream(parent,
			p -> AtomicFile.isTemporaryOf(p.getFileName().toString(), name) && Files
				.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && isMovingIn(p)))
		{
			for (Path p : s)
				found.add(p);
		}
		catch (IOException | java.nio.file.DirectoryIteratorException e) {
			// an unreadable parent: the run's own checks say why
		}
		found.sort(null);
		return found;
	}

	/**
	 * Undoes the move-ins that runs killed while moving their set into
	 * {@code target} left half-done (hidden folders beside it with a journal), so
	 * that the folder holds its earlier set again; the caller holds its claim on
	 * the folder, so that no live run's move-in is among them.
	 *
	 * @return a note for each set put back, without "note: "
	 * @throws GanException when one cannot be put back (it is kept)
	 */
	public static List<String> putBackKilled(Path target, Path shown, Kind kind) {
		List<String> notes = new ArrayList<>();
		for (Path staging : killed(target)) {
			try {
				rollBack(target, staging);
			}
			catch (IOException e) {
				throw new GanException("cannot put back " + kind.earlier() + " of " +
					shown + ", which a " + kind.command() + " run killed while moving " +
					kind.its() + " in left half-moved: " + AtomicFile.describe(e) +
					"; it is kept in " + staging, e);
			}
			StagingFolder.delete(staging);
			notes.add("a " + kind.command() + " run was killed while it moved " + kind
				.its() + " into " + shown + "; " + kind.earlier() +
				" is put back as it was");
		}
		return notes;
	}

	/** {@code p} relative to {@code dir}, with / between names. */
	public static String relative(Path dir, Path p) {
		StringBuilder sb = new StringBuilder();
		for (Path name : dir.relativize(p))
			sb.append(sb.length() == 0 ? "" : "/").append(name);
		return sb.toString();
	}

	/** A relative name as one line of the journal, whatever characters it has. */
	static String encode(String rel) {
		return URLEncoder.encode(rel, StandardCharsets.UTF_8);
	}

	static String decode(String line) {
		return URLDecoder.decode(line, StandardCharsets.UTF_8);
	}
}

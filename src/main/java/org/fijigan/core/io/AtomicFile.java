
package org.fijigan.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.text.Canonical;
import org.fijigan.core.text.JavaNames;

/**
 * Writes a file so that its path either holds the whole content or is
 * untouched: the content goes to a hidden temporary file in the same folder
 * ({@code .NAME.HEX.tmp.EXT}), which is then renamed into place in one atomic
 * step. A process killed while writing leaves only the temporary file, which
 * {@link #targetOfTemporary} recognises so a rerun can delete it.
 */
public final class AtomicFile {

	private static final Pattern TEMPORARY = Pattern.compile(
		"\\.(.+)\\.[0-9a-f]{1,16}\\.tmp(\\..*)?");

	/** Writes the content to a stream it need not close. */
	@FunctionalInterface
	public interface Content {

		void writeTo(OutputStream out) throws IOException;
	}

	/** Writes {@code target} from a stream, replacing an existing file. */
	public static void write(Path target, Content content) {
		writeStream(target, true, content);
	}

	/**
	 * Writes {@code target} from a stream; with {@code replace} false an existing
	 * file (or one that appears while writing) is kept and this method throws.
	 */
	public static void writeStream(Path target, boolean replace,
		Content content)
	{
		write(target, replace, tmp -> {
			try (OutputStream out = Files.newOutputStream(tmp)) {
				content.writeTo(out);
			}
		});
	}

	/**
	 * How long a temporary file must have gone unchanged before it counts as left
	 * by a killed process: one being written now (by another process writing the
	 * same target) changes all the time, and a write never pauses for an hour.
	 */
	public static final java.time.Duration STALE_AFTER = java.time.Duration
		.ofHours(1);

	/**
	 * Deletes the temporary files that earlier writes of {@code target} left (a
	 * process killed while writing): those unchanged for {@link #STALE_AFTER}.
	 * Only names {@link #targetOfTemporary} maps to {@code target}'s name are
	 * touched.
	 *
	 * @return how many were deleted
	 */
	public static int removeStaleTemporaries(Path target) {
		return removeStaleTemporaries(target, STALE_AFTER);
	}

	/**
	 * As {@link #removeStaleTemporaries(Path)}, for temporary files unchanged for
	 * {@code unchangedFor}: {@link java.time.Duration#ZERO} removes every one,
	 * for a caller that holds a lock no other writer of {@code target} can pass.
	 */
	public static int removeStaleTemporaries(Path target,
		java.time.Duration unchangedFor)
	{
		String name = target.getFileName().toString();
		Path dir = target.toAbsolutePath().getParent();
		int n = 0;
		try (var stale = Files.newDirectoryStream(dir, p -> isTemporaryOf(p
			.getFileName().toString(), name)))
		{
			for (Path p : stale)
				if (isStale(p, unchangedFor) && Files.deleteIfExists(p)) n++;
		}
		catch (IOException e) {
			// a leftover is harmless: hidden, and never mistaken for a result
		}
		return n;
	}

	/**
	 * Whether the temporary file {@code p} has gone unchanged for
	 * {@link #STALE_AFTER}: left by a killed process, not being written by a live
	 * one.
	 */
	public static boolean isStale(Path p) {
		return isStale(p, STALE_AFTER);
	}

	private static boolean isStale(Path p, java.time.Duration unchangedFor) {
		if (unchangedFor.isZero()) return true;
		try {
			return Files.getLastModifiedTime(p).toInstant().isBefore(java.time.Instant
				.now().minus(unchangedFor));
		}
		catch (IOException e) {
			return false; // gone, or unreadable: leave it
		}
	}

	/** Writes the content into the (new, empty-named) file it is given. */
	@FunctionalInterface
	public interface Writer {

		void writeTo(Path file) throws IOException;
	}

	private AtomicFile() {}

	/**
	 * Writes {@code target} through {@code writer}. No temporary file outlives
	 * the call.
	 *
	 * @param replace whether an existing {@code target} may be replaced; when
	 *          false, a file that appears at {@code target} while writing is kept
	 *          and this method throws
	 * @throws GanException when the file cannot be written or would replace an
	 *           existing one
	 * @throws CancellationToken.CancelledException when the JVM is shutting down
	 *           (Ctrl-C, SIGTERM): nothing is written then
	 */
	public static void write(Path target, boolean replace, Writer writer) {
		try (Staged staged = stage(target, writer)) {
			staged.place(replace);
		}
	}

	/**
	 * A file written whole under its temporary name beside its target, not yet in
	 * place: so that several files appear together or not at all, each is staged,
	 * and once all are, each is placed. The caller closes it, which deletes the
	 * temporary file unless it was placed.
	 */
	public static final class Staged implements AutoCloseable {

		private final Path target;
		private final Path tmp;

		private Staged(Path target, Path tmp) {
			this.target = target;
			this.tmp = tmp;
		}

		public Path target() {
			return target;
		}

		/**
		 * Gives the staged file its target's name, in one step.
		 *
		 * @param replace whether an existing target may be replaced; when false, a
		 *          file there (one that appeared since the caller's check too) is
		 *          kept and this method throws
		 * @throws GanException when the file cannot be put in place
		 */
		public void place(boolean replace) {
			try {
				if (replace) Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
				else placeNew(tmp, target);
			}
			catch (IOException e) {
				throw failure(target, e);
			}
		}

		/** Deletes the temporary file, if it is still there; safe to call twice. */
		@Override
		public void close() {
			try {
				Files.deleteIfExists(tmp);
			}
			catch (IOException e) {
				// an error that brought us here matters more; a leftover is hidden
			}
		}
	}

	/**
	 * Writes {@code target}'s content to its temporary file, on disk, without
	 * putting it in place ({@link Staged#place}); on failure nothing is left.
	 *
	 * @throws GanException when the content cannot be written (a full disk)
	 * @throws CancellationToken.CancelledException when the JVM is shutting down
	 *           (Ctrl-C, SIGTERM): nothing is written then
	 */
	public static Staged stage(Path target, Writer writer) {
		FileNameEncoding.requireWritable(target);
		Staged staged = new Staged(target, temporaryFor(target));
		try {
			staged.tmp.toFile().deleteOnExit(); // on Ctrl-C while writing
		}
		catch (IllegalStateException shuttingDown) {
			throw new CancellationToken.CancelledException();
		}
		boolean written = false;
		try {
			writer.writeTo(staged.tmp);
			try (FileChannel ch = FileChannel.open(staged.tmp,
				StandardOpenOption.WRITE))
			{
				ch.force(true); // on disk before the rename makes it visible
			}
			written = true;
			return staged;
		}
		catch (IOException e) {
			throw failure(target, e);
		}
		catch (java.io.UncheckedIOException e) {
			throw new GanException("cannot write " + target + ": " + describe(e
				.getCause()), e);
		}
		catch (GanException e) {
			// a writer's own message names the temporary file; the user knows the
			// target
			if (e.getCause() instanceof IOException io) throw new GanException(
				"cannot write " + target + ": " + describe(io), e);
			throw e;
		}
		finally {
			if (!written) staged.close();
		}
	}

	/** As {@link #stage}, from a stream. */
	public static Staged stageStream(Path target, Content content) {
		return stage(target, tmp -> {
			try (OutputStream out = Files.newOutputStream(tmp)) {
				content.writeTo(out);
			}
		});
	}

	/** The error for a failed write of {@code target}. */
	private static GanException failure(Path target, IOException e) {
		Path folder = target.toAbsolutePath().getParent();
		if (e instanceof java.nio.file.NoSuchFileException && folder != null &&
			!Files.isDirectory(folder)) return new GanException("cannot write " +
				target + ": the folder " + target.getParent() + " does not exist", e);
		return new GanException("cannot write " + target + ": " + describe(e), e);
	}

	/**
	 * Gives the finished {@code tmp} the name {@code target} unless something has
	 * that name, in one step: a hard link fails when the name exists, so of two
	 * processes writing the same new file exactly one wins and the other is told,
	 * where a check before a rename lets the second replace the first. Where the
	 * file system has no hard links, the check and the rename.
	 */
	private static void placeNew(Path tmp, Path target) throws IOException {
		try {
			Files.createLink(target, tmp);
			return; // tmp, its other name, is deleted by the caller
		}
		catch (java.nio.file.FileAlreadyExistsException e) {
			refuseExisting(target);
			throw e; // gone again meanwhile: still not ours to replace
		}
		catch (UnsupportedOperationException
				| java.nio.file.FileSystemException e)
		{
			// no hard links here (FAT, some network file systems)
		}
		refuseExisting(target); // appeared meanwhile
		Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
	}

	/**
	 * @throws GanException when the folder an output goes into is not there, or
	 *           is a file
	 */
	public static void requireOutputFolder(Path folder) {
		FileNameEncoding.requireWritable(folder);
		if (Files.isDirectory(folder)) return;
		String dangling = danglingLink(folder);
		if (dangling != null) throw new GanException("output folder " + dangling);
		throw new GanException("output folder " + folder + (Files.exists(folder)
			? " is a file, not a folder" : " does not exist"));
	}

	/**
	 * What {@code path} is when it is a symbolic link to nothing (a folder
	 * removed or renamed, a typo in the link), which neither a file nor a folder
	 * can be made through: "{@code path} is a symbolic link to {@code target},
	 * which does not exist"; null when it is not such a link.
	 */
	public static String danglingLink(Path path) {
		if (!Files.isSymbolicLink(path) || Files.exists(path)) return null;
		try {
			return path + " is a symbolic link to " + Files.readSymbolicLink(path) +
				", which does not exist";
		}
		catch (IOException e) {
			return path + " is a symbolic link to something that does not exist";
		}
	}

	/**
	 * Refuses an output folder that no file can be made in (a read-only mount, an
	 * immutable folder, another user's), so that a run that would write there
	 * fails before it starts rather than after.
	 *
	 * @throws GanException when {@code folder} is not writable
	 */
	public static void requireWritableFolder(Path folder) {
		if (!Files.isWritable(folder)) throw new GanException(
			"cannot write to the output folder " + folder +
				": it is read-only or not yours");
	}

	/**
	 * As {@link #requireWritableFolder}, for a folder that a run creates when it
	 * is missing: the folder itself when it exists, else the nearest folder above
	 * it that does, where it would be created.
	 */
	public static void requireWritableOrCreatable(Path folder) {
		FileNameEncoding.requireWritable(folder);
		Path existing = folder.toAbsolutePath();
		while (existing != null && !Files.exists(existing))
			existing = existing.getParent();
		if (existing != null && Files.isDirectory(existing)) requireWritableFolder(
			existing);
	}

	/**
	 * @throws Taken when something exists at {@code path} (a link counts)
	 */
	public static void refuseExisting(Path path) {
		if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) throw new Taken(path +
			" already exists; pass --overwrite to replace it");
	}

	/**
	 * The refusal of a write that may not replace what is at its target: the file
	 * there is kept, and nothing was written.
	 */
	public static final class Taken extends GanException {

		private static final long serialVersionUID = 1L;

		Taken(String message) {
			super(message);
		}
	}

	/**
	 * A fresh temporary name next to {@code target}, ending in the target's own
	 * extension.
	 */
	public static Path temporaryFor(Path target) {
		String name = target.getFileName().toString();
		String hex = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
		return target.resolveSibling("." + temporaryStem(name) + "." + hex +
			".tmp" + temporaryExtension(name));
	}

	/**
	 * The most bytes (UTF-8) in one file name on common file systems (ext4, XFS,
	 * APFS, NTFS counts 255 UTF-16 units, which is never fewer).
	 */
	public static final int MAX_NAME_BYTES = 255;

	/**
	 * A temporary name's bytes besides its stem and extension: ".", ".HEX",
	 * ".tmp".
	 */
	private static final int TEMPORARY_OVERHEAD = 1 + 1 + 16 + 4;

	/** The "~" and the 16 hex digits that stand for the rest of a long name. */
	private static final int HASH_SUFFIX = 1 + 16;

	/**
	 * The part of the temporary name for {@code name} that
	 * {@link #targetOfTemporary} gives back: {@code name} itself, or, where the
	 * temporary name would exceed {@link #MAX_NAME_BYTES}, a prefix of it, "~"
	 * and 16 hex digits of a hash of the whole name, so that the temporary file
	 * of a valid name can always be created.
	 */
	public static String temporaryStem(String name) {
		int budget = MAX_NAME_BYTES - TEMPORARY_OVERHEAD - utf8Length(
			temporaryExtension(name));
		if (utf8Length(name) <= budget) return name;
		int prefixBytes = budget - HASH_SUFFIX;
		StringBuilder prefix = new StringBuilder();
		int used = 0;
		for (int i = 0; i < name.length();) {
			int cp = name.codePointAt(i);
			int n = utf8Length(new String(Character.toChars(cp)));
			if (used + n > prefixBytes) break;
			prefix.appendCodePoint(cp);
			used += n;
			i += Character.charCount(cp);
		}
		return prefix + "~" + Canonical.fingerprint(name);
	}

	/**
	 * The extension a temporary file ends in, which writers that choose a format
	 * by name need: the target's, unless it is too long to leave room for a stem.
	 */
	private static String temporaryExtension(String name) {
		String ext = extensionOf(name);
		return utf8Length(ext) <= MAX_NAME_BYTES - TEMPORARY_OVERHEAD -
			HASH_SUFFIX - 32 ? ext : "";
	}

	/** The bytes of {@code file}'s name in UTF-8 (0 for a root). */
	public static int nameBytes(Path file) {
		Path name = file.getFileName();
		return name == null ? 0 : utf8Length(name.toString());
	}

	/**
	 * Refuses a file name longer than {@link #MAX_NAME_BYTES}, which the file
	 * system would refuse only when the run has written its result, and one that
	 * would be written under another name
	 * ({@link FileNameEncoding#requireWritable}).
	 *
	 * @throws GanException naming the file and the limit
	 */
	public static void requireNameFits(Path file) {
		FileNameEncoding.requireWritable(file);
		int bytes = nameBytes(file);
		if (bytes > MAX_NAME_BYTES) throw new GanException("cannot write " + file +
			": its name is " + bytes + " bytes long, over the " + MAX_NAME_BYTES +
			" bytes (UTF-8) a file name may have");
	}

	/**
	 * Refuses a CSV output whose name does not end in {@code .csv} (any case):
	 * CSV text under another name misleads, and with {@code --overwrite} it would
	 * replace whatever file was named, an image or a model.
	 *
	 * @param what the output, for the message ("the merged manifest")
	 * @throws GanException naming the output
	 */
	public static void requireCsvName(Path file, String what) {
		Path name = file.getFileName();
		if (name == null || !name.toString().toLowerCase(java.util.Locale.ROOT)
			.endsWith(".csv")) throw new GanException(what + " " + file +
				" must end in .csv");
	}

	private static int utf8Length(String s) {
		return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
	}

	/**
	 * Whether {@code name} is the name of a temporary file that
	 * {@link #temporaryFor} gave for a target named {@code targetName}.
	 */
	public static boolean isTemporaryOf(String name, String targetName) {
		return temporaryStem(targetName).equals(targetOfTemporary(name));
	}

	/**
	 * The name of the file that the temporary file {@code name} was to become, or
	 * null; for a long name, its {@link #temporaryStem} (compare with
	 * {@link #isTemporaryOf}).
	 */
	public static String targetOfTemporary(String name) {
		Matcher m = TEMPORARY.matcher(name);
		return m.matches() ? m.group(1) : null;
	}

	/**
	 * The extension of a file name, with its dot ({@code .nii.gz} counts as one),
	 * or "".
	 */
	public static String extensionOf(String name) {
		String lower = name.toLowerCase(java.util.Locale.ROOT);
		if (lower.endsWith(".nii.gz")) return name.substring(name.length() - 7);
		int dot = name.lastIndexOf('.');
		return dot > 0 ? name.substring(dot) : "";
	}

	/**
	 * Whether a rename onto {@code target} failed because something is there now.
	 * Java gives Linux's ENOTEMPTY (a folder renamed onto a folder that is not
	 * empty) as a plain {@link java.nio.file.FileSystemException}, not as a
	 * {@link java.nio.file.DirectoryNotEmptyException}.
	 */
	public static boolean isTaken(IOException e, Path target) {
		return e instanceof java.nio.file.FileAlreadyExistsException ||
			e instanceof java.nio.file.DirectoryNotEmptyException || e
				.getClass() == java.nio.file.FileSystemException.class && Files.exists(
					target, java.nio.file.LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * As {@link #describe}, for a file the caller names in its own message and
	 * that was there when the run listed it: a missing file is said to be
	 * missing, not named again.
	 */
	public static String describeRead(IOException e) {
		return e instanceof java.nio.file.NoSuchFileException
			? "no such file (removed during the run?)" : describe(e);
	}

	/**
	 * Creates {@code dir} and its missing parents, failing with one message that
	 * names the folder and what went wrong (e.g. a file where a folder was to
	 * be).
	 */
	public static void createFolder(Path dir) {
		FileNameEncoding.requireWritable(dir);
		try {
			Files.createDirectories(dir);
		}
		catch (IOException e) {
			throw new GanException("cannot create folder " + dir + ": " + describe(e),
				e);
		}
	}

	/**
	 * One line for the user about a failed file operation: what went wrong, never
	 * the Java class that said so.
	 */
	public static String describe(IOException e) {
		if (e instanceof java.nio.file.NoSuchFileException f)
			return "file not found: " + f.getFile();
		if (e instanceof java.nio.file.FileAlreadyExistsException f) {
			// a folder was to be made where something is: a file, or a link to
			// nothing
			String dangling = f.getFile() == null ? null : danglingLink(Path.of(f
				.getFile()));
			return dangling != null ? dangling : f.getFile() +
				" is a file, not a folder";
		}
		if (e instanceof java.nio.file.NotDirectoryException f) return f.getFile() +
			" is not a folder";
		if (e instanceof java.nio.file.FileSystemLoopException f) return f
			.getFile() + " is a link back to a folder that holds it (a loop)";
		if (e instanceof java.nio.file.AccessDeniedException f)
			return "permission denied: " + f.getFile();
		if (e instanceof java.nio.file.FileSystemException) return e.getMessage();
		String m = e.getMessage();
		// a stream cut short: Java's Inflater says "Unexpected end of ZLIB input
		// stream", DataInputStream nothing
		if (e instanceof java.io.EOFException) return m != null && m.matches(
			"(?i).*(zlib|gzip|compressed).*") ? "unexpected end of compressed data"
				: "unexpected end of the file";
		return m == null || m.isBlank() ? "an input or output error" : JavaNames
			.stripped(m);
	}
}

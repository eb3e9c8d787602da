
package org.fijigan.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.fijigan.core.GanException;

/** Digests of files, streamed. */
public final class FileHashes {

	private FileHashes() {}

	/**
	 * The first file under {@code these} folders that is a file under
	 * {@code those} (sub-folders included, hidden files left out, links followed
	 * as the image folders follow them): the same file under another name (a
	 * symbolic or hard link, a folder reached through a link), or a copy with the
	 * same bytes; with that file, or null when no file is in both. Copies are
	 * found by size first, and hashed only when sizes meet.
	 *
	 * @throws GanException when a folder cannot be listed, naming it
	 */
	public static Path[] firstCopy(List<Path> these, List<Path> those) {
		Map<Long, List<Path>> bySize = new HashMap<>();
		Map<Object, Path> byIdentity = new HashMap<>();
		for (Path p : files(those)) {
			bySize.computeIfAbsent(size(p), k -> new ArrayList<>()).add(p);
			Object id = FileIdentity.of(p);
			if (id != null) byIdentity.putIfAbsent(id, p);
		}
		Map<Path, String> hashes = new HashMap<>();
		for (Path p : files(these)) {
			Object id = FileIdentity.of(p);
			Path itself = id == null ? null : byIdentity.get(id);
			if (itself != null) return new Path[] { p, itself };
			List<Path> same = bySize.get(size(p));
			if (same == null) continue;
			String mine = hashes.computeIfAbsent(p, f -> sha256(f, ""));
			for (Path q : same)
				if (mine.equals(hashes.computeIfAbsent(q, f -> sha256(f, ""))))
					return new Path[] { p, q };
		}
		return null;
	}

	/**
	 * Each of {@code files} whose bytes are those of an earlier one, with the
	 * first file of those bytes, in the order given; files are hashed only when
	 * their sizes meet. Files the caller has checked are distinct: one file under
	 * two names is a copy of itself here.
	 *
	 * @throws GanException when a file cannot be read, naming it
	 */
	public static Map<Path, Path> earlierCopies(List<Path> files) {
		Map<Long, List<Path>> firstsBySize = new HashMap<>();
		Map<Path, String> hashes = new HashMap<>();
		Map<Path, Path> copies = new java.util.LinkedHashMap<>();
		for (Path p : files) {
			List<Path> firsts = firstsBySize.computeIfAbsent(size(p),
				k -> new ArrayList<>());
			Path first = null;
			for (Path q : firsts)
				if (hashes.computeIfAbsent(q, f -> sha256(f, "")).equals(hashes
					.computeIfAbsent(p, f -> sha256(f, ""))))
				{
					first = q;
					break;
				}
			if (first != null) copies.put(p, first);
			else firsts.add(p);
		}
		return copies;
	}

	/**
	 * The two files {@link #firstCopy} found, for a message: "A is B, byte for
	 * byte", or for one file under two names "A is B, the same file through a
	 * symbolic link" (or hard link).
	 */
	public static String describe(Path[] copy) {
		if (!FileIdentity.same(copy[0], copy[1])) return copy[0] + " is " +
			copy[1] + ", byte for byte";
		boolean symbolic;
		try {
			symbolic = copy[0].toRealPath().equals(copy[1].toRealPath());
		}
		catch (IOException e) {
			symbolic = false;
		}
		return copy[0] + " is " + copy[1] + ", the same file through a " + (symbolic
			? "symbolic" : "hard") + " link";
	}

	/** Whether the two files {@link #firstCopy} found are one file. */
	public static boolean oneFile(Path[] copy) {
		return FileIdentity.same(copy[0], copy[1]);
	}

	private static List<Path> files(List<Path> folders) {
		List<Path> files = new ArrayList<>();
		for (Path folder : folders)
			try (Stream<Path> walk = Files.walk(folder,
				java.nio.file.FileVisitOption.FOLLOW_LINKS))
			{
				walk.filter(Files::isRegularFile).filter(p -> !p.getFileName()
					.toString().startsWith(".")).sorted().forEach(files::add);
			}
			catch (IOException | java.io.UncheckedIOException e) {
				throw new GanException("cannot list " + folder + ": " + e.getMessage(),
					e);
			}
		return files;
	}

	private static long size(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException e) {
			throw new GanException("cannot read " + file + ": " + AtomicFile
				.describeRead(e), e);
		}
	}

	/**
	 * A SHA-256 digest to feed (e.g. by a
	 * {@link java.security.DigestOutputStream} while a file is written);
	 * {@link #hex} gives the value as {@link #sha256(Path, String)} does.
	 */
	public static MessageDigest newSha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every Java has SHA-256", e);
		}
	}

	/** The digest of what {@code digest} was fed, lower-case hex. */
	public static String hex(MessageDigest digest) {
		return HexFormat.of().formatHex(digest.digest());
	}

	/**
	 * SHA-256 of a file, lower-case hex.
	 *
	 * @param what the file's role for the message, with a trailing space, or ""
	 * @throws GanException when it cannot be read, naming it
	 */
	public static String sha256(Path file, String what) {
		return sha256(List.of(file), what);
	}

	/**
	 * SHA-256 of the bytes of {@code files} one after the other, lower-case hex:
	 * for one file, that file's SHA-256.
	 *
	 * @param what the files' role for the message, with a trailing space, or ""
	 * @throws GanException when one cannot be read, naming it
	 */
	public static String sha256(List<Path> files, String what) {
		MessageDigest digest = newSha256();
		byte[] buffer = new byte[1 << 16];
		for (Path file : files) {
			// a named pipe would block the read, a device never end it
			InputFile.refuseSpecial(file, what.isEmpty() ? "file" : what.strip());
			try (InputStream in = Files.newInputStream(file)) {
				for (int n; (n = in.read(buffer)) > 0;)
					digest.update(buffer, 0, n);
			}
			catch (IOException e) {
				throw new GanException("cannot read " + what + file + ": " + AtomicFile
					.describeRead(e), e);
			}
		}
		return hex(digest);
	}

	/**
	 * The bytes of {@code file}, which must still have the SHA-256 it had when
	 * the run first read it: what runs is then what the run records.
	 *
	 * @param what the file's role, e.g. "model file"
	 * @throws GanException "WHAT not found: FILE", or the one line of
	 *           {@link #changedDuringRun} when the bytes have another SHA-256
	 */
	public static byte[] readUnchanged(Path file, String sha256, String what) {
		byte[] bytes;
		try {
			InputFile.refuseSpecial(file, what);
			bytes = Files.readAllBytes(file);
		}
		catch (java.nio.file.NoSuchFileException e) {
			throw new GanException(what + " not found: " + file);
		}
		catch (IOException e) {
			throw new GanException("cannot read the " + what + " " + file + ": " +
				AtomicFile.describeRead(e), e);
		}
		String now = sha256(bytes);
		if (!now.equals(sha256)) throw changedDuringRun(file, sha256, now, what);
		return bytes;
	}

	/**
	 * "the WHAT FILE changed during the run (its SHA-256 was ... when the run
	 * loaded it, and is ... now); run again to use the new file".
	 */
	public static GanException changedDuringRun(Path file, String was, String now,
		String what)
	{
		return new GanException("the " + what + " " + file +
			" changed during the run (its SHA-256 was " + was.substring(0, 12) +
			"... when the run loaded it, and is " + now.substring(0, 12) +
			"... now); run again to use the new file");
	}

	/** SHA-256 of bytes held in memory, lower-case hex. */
	public static String sha256(byte[] bytes) {
		MessageDigest digest = newSha256();
		digest.update(bytes);
		return hex(digest);
	}
}

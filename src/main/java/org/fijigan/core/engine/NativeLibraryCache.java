
package org.fijigan.core.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.CacheFolder;

/**
 * ONNX Runtime's native libraries, unpacked from its jar once into a folder of
 * a per-user cache, {@code ROOT/VERSION-FLAVOUR-PLATFORM/} (e.g.
 * {@code 1.29.0-gpu-linux-x64}), so that a process loads them from there
 * instead of unpacking them into the temp folder on every start. The folder's
 * making, locking and privacy are {@link CacheFolder}'s; what is particular to
 * libraries is how they are checked and repaired.
 * <ul>
 * <li>The folder appears whole or not at all: the libraries are unpacked into a
 * private hidden folder next to it ({@code .NAME.HEX.tmp}), each checked
 * against the size and CRC-32 its jar records, and that folder is then renamed
 * into place in one atomic step.</li>
 * <li>Several processes starting at once unpack it once: a file lock
 * ({@code .NAME.lock}) lets one unpack while the others wait, then find it
 * complete. Where the file system has no locks, the rename decides and the
 * losers' copies are deleted. A hidden folder of a process killed while
 * unpacking is deleted by the next one that takes the lock.</li>
 * <li>Every open checks each library: its size, and its CRC-32 unless the file
 * is unchanged since it was last checked (same size, modification and
 * status-change times and file number, recorded in {@code .verified}). A
 * damaged library (truncated, bytes changed) is unpacked again and renamed over
 * it; a process that has the old one loaded keeps it.</li>
 * <li>The folders are created readable and writable by their owner only; an
 * existing one that another user (other than root) owns, or that others may
 * write to, is refused, since whoever can write a library there runs code in
 * every fiji-gan process. So is a folder on a Linux file system mounted
 * {@code noexec}, from which no library loads.</li>
 * </ul>
 * Thread-safe: {@link #open()} is serialised within the process, as a file lock
 * belongs to the process, not to a thread.
 */
final class NativeLibraryCache {

	/** What {@link #open()} found. */
	enum Outcome {
			/** every library was there and intact */
			FOUND,
			/** the folder was made now */
			UNPACKED,
			/** damaged or missing libraries were replaced */
			REPAIRED
	}

	/**
	 * @param folder the folder holding the libraries
	 * @param replaced the libraries that were damaged or missing and are replaced
	 *          now
	 */
	record Result(Path folder, Outcome outcome, List<String> replaced) {

		Result {
			replaced = List.copyOf(replaced);
		}
	}

	/**
	 * The cache cannot be used here; the message says why, in words for the user.
	 */
	static final class UnusableException extends Exception {

		private static final long serialVersionUID = 1L;

		UnusableException(String message) {
			super(message);
		}

		UnusableException(String message, Throwable cause) {
			super(message, cause);
		}
	}

	static final String VERIFIED_FILE = ".verified";
	private static final Set<PosixFilePermission> PRIVATE_FILE =
		PosixFilePermissions.fromString("rw-------");

	private final Path root;
	private final OnnxRuntimeBundle bundle;

	/**
	 * @param root the folder that holds one folder per bundle, e.g.
	 *          {@code ~/.cache/fiji-gan/native}
	 */
	NativeLibraryCache(Path root, OnnxRuntimeBundle bundle) {
		this.root = root.toAbsolutePath().normalize();
		this.bundle = bundle;
	}

	/**
	 * Makes sure the bundle's folder holds every library of the bundle intact,
	 * unpacking or repairing what it must. Blocks while another process unpacks.
	 *
	 * @throws UnusableException when the folder cannot be made, written or
	 *           trusted
	 */
	Result open() throws UnusableException {
		if (bundle.libraries().isEmpty()) throw new UnusableException(
			"the ONNX Runtime jar holds no libraries for " + bundle.platform());
		CacheFolder cache;
		try {
			cache = CacheFolder.privateRoot(root);
		}
		catch (CacheFolder.UnusableException e) {
			throw new UnusableException(e.getMessage(), e);
		}
		checkExecutable(cache.root());
		try {
			CacheFolder.Result r = cache.open(bundle.folderName(), new Libraries());
			return switch (r.outcome()) {
				case FOUND -> new Result(r.folder(), Outcome.FOUND, List.of());
				case MADE -> new Result(r.folder(), Outcome.UNPACKED, List.of());
				case REPAIRED -> new Result(r.folder(), Outcome.REPAIRED, r.damage());
			};
		}
		catch (CacheFolder.UnusableException e) {
			throw new UnusableException(e.getMessage(), e);
		}
		catch (IOException e) {
			throw new UnusableException("cannot write to " + cache.root() + ": " +
				AtomicFile.describe(e), e);
		}
	}

	/**
	 * The bundle's libraries as a {@link CacheFolder}: checked, unpacked, and
	 * repaired file by file.
	 */
	private final class Libraries implements CacheFolder.Maker {

		/**
		 * The file names of the libraries that are missing or differ from the
		 * jar's.
		 */
		@Override
		public List<String> damage(Path folder) {
			return damaged(folder).stream().map(OnnxRuntimeBundle.Library::fileName)
				.toList();
		}

		@Override
		public void fill(Path staging) throws IOException {
			Map<String, String> verified = new HashMap<>();
			for (OnnxRuntimeBundle.Library lib : bundle.libraries()) {
				Path file = staging.resolve(lib.fileName());
				extract(lib, file);
				verified.put(lib.fileName(), Long.toHexString(lib.crc32()) + " " +
					CacheFolder.stamp(file));
			}
			writeVerified(staging, verified);
		}

		/**
		 * Unpacks each damaged library again and renames it over the damaged one.
		 */
		@Override
		public boolean repairInPlace(Path folder, List<String> damage)
			throws IOException
		{
			// under the cache's lock no one else writes here: every temporary file is
			// a killed repair's
			for (OnnxRuntimeBundle.Library lib : bundle.libraries())
				AtomicFile.removeStaleTemporaries(folder.resolve(lib.fileName()),
					java.time.Duration.ZERO);
			AtomicFile.removeStaleTemporaries(folder.resolve(VERIFIED_FILE),
				java.time.Duration.ZERO);
			Map<String, String> verified = readVerified(folder);
			for (OnnxRuntimeBundle.Library lib : bundle.libraries()) {
				if (!damage.contains(lib.fileName())) continue;
				Path target = folder.resolve(lib.fileName());
				Path tmp = AtomicFile.temporaryFor(target);
				try {
					extract(lib, tmp); // checked on the way: recorded as checked once in
															// place
					Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
						StandardCopyOption.REPLACE_EXISTING);
				}
				finally {
					Files.deleteIfExists(tmp);
				}
				verified.put(lib.fileName(), Long.toHexString(lib.crc32()) + " " +
					CacheFolder.stamp(target));
			}
			writeVerified(folder, verified);
			return true;
		}
	}

	/**
	 * The libraries in {@code folder} that are missing or differ from the jar's;
	 * records the ones checked.
	 */
	List<OnnxRuntimeBundle.Library> damaged(Path folder) {
		Map<String, String> verified = readVerified(folder);
		Map<String, String> now = new HashMap<>(verified);
		List<OnnxRuntimeBundle.Library> bad = new ArrayList<>();
		for (OnnxRuntimeBundle.Library lib : bundle.libraries()) {
			Path file = folder.resolve(lib.fileName());
			String stamp = CacheFolder.stamp(file);
			String expected = Long.toHexString(lib.crc32()) + " " + stamp;
			if (stamp == null) bad.add(lib);
			else if (!expected.equals(verified.get(lib.fileName()))) {
				if (size(file) == lib.size() && CacheFolder.crc32(file) == lib.crc32())
					now.put(lib.fileName(), expected);
				else bad.add(lib);
			}
		}
		if (!now.equals(verified)) writeVerified(folder, now);
		return bad;
	}

	/**
	 * Copies one library out of the jar into a new file, checking size and CRC-32
	 * on the way.
	 */
	private static void extract(OnnxRuntimeBundle.Library lib, Path file)
		throws IOException
	{
		Files.deleteIfExists(file);
		if (CacheFolder.isPosix(file)) Files.createFile(file, PosixFilePermissions
			.asFileAttribute(PRIVATE_FILE));
		CRC32 crc = new CRC32();
		long size = 0;
		try (InputStream in = lib.content().open();
				OutputStream out = Files.newOutputStream(file,
					StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
					StandardOpenOption.WRITE))
		{
			byte[] buffer = new byte[1 << 16];
			for (int n; (n = in.read(buffer)) > 0; size += n) {
				crc.update(buffer, 0, n);
				out.write(buffer, 0, n);
			}
		}
		if (size != lib.size() || crc.getValue() != lib.crc32())
			throw new IOException(lib.fileName() +
				" read from the ONNX Runtime jar (" + lib.origin() + ") has " + size +
				" bytes and CRC-32 " + Long.toHexString(crc.getValue()) +
				", its jar records " + lib.size() + " and " + Long.toHexString(lib
					.crc32()) + ": the jar is damaged");
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
			ch.force(true); // on disk before a rename makes it visible
		}
	}

	/**
	 * Refuses a Linux file system mounted {@code noexec}: the loader cannot map
	 * libraries from it.
	 */
	private static void checkExecutable(Path realRoot) throws UnusableException {
		String mount = mountOptions(realRoot, readMounts());
		if (mount != null && List.of(mount.split(",")).contains("noexec"))
			throw new UnusableException(realRoot +
				" is on a file system mounted noexec, from which no library can be loaded");
	}

	private static String readMounts() {
		try {
			return Files.readString(Path.of("/proc/self/mounts"),
				StandardCharsets.ISO_8859_1);
		}
		catch (IOException | RuntimeException e) {
			return "";
		}
	}

	/**
	 * The options of the mount that holds {@code path}, from a
	 * {@code /proc/self/mounts} listing, or null.
	 */
	static String mountOptions(Path path, String mounts) {
		String best = null, options = null;
		for (String line : mounts.split("\n")) {
			String[] f = line.split(" ");
			if (f.length < 4) continue;
			String point = f[1].replace("\\040", " ").replace("\\011", "\t").replace(
				"\\134", "\\");
			if (path.startsWith(point) && (best == null || point.length() >= best
				.length()))
			{
				best = point;
				options = f[3];
			}
		}
		return options;
	}

	private static Map<String, String> readVerified(Path folder) {
		Map<String, String> m = new HashMap<>();
		try {
			for (String line : Files.readAllLines(folder.resolve(VERIFIED_FILE),
				StandardCharsets.UTF_8))
			{
				int tab = line.indexOf('\t');
				if (tab > 0) m.put(line.substring(0, tab), line.substring(tab + 1));
			}
		}
		catch (IOException | RuntimeException e) {
			// none yet, or unreadable: every library is checked in full
		}
		return m;
	}

	private static void writeVerified(Path folder, Map<String, String> verified) {
		StringBuilder sb = new StringBuilder();
		verified.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(
			e -> sb.append(e.getKey()).append('\t').append(e.getValue()).append(
				'\n'));
		try {
			AtomicFile.write(folder.resolve(VERIFIED_FILE), out -> out.write(sb
				.toString().getBytes(StandardCharsets.UTF_8)));
		}
		catch (RuntimeException e) {
			// a read-only cache: the libraries are checked in full again next time
		}
	}

	private static long size(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException e) {
			return -1;
		}
	}
}

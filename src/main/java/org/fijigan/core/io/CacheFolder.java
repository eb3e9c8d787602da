
package org.fijigan.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Folders in a cache of this user's that several processes may ask for at the
 * same moment (a job array, two Fiji instances): each is made once, appears
 * whole or not at all, and is checked on every open. What goes into a folder
 * and how it is checked is the caller's {@link Maker}; the mechanics are here.
 * <ul>
 * <li>The cache's root and the folders above it that are missing are created
 * readable and writable by their owner only; a root or folder that another user
 * (other than root) owns, or that others may write to, is refused.</li>
 * <li>A folder is made in a private hidden folder next to it
 * ({@code .NAME.HEX.tmp}) and renamed into place in one atomic step, so that no
 * process sees a half-made one.</li>
 * <li>A file lock ({@code .NAME.lock}, left in place) lets one process make or
 * repair a folder while the others wait, then find it whole. Where the file
 * system has no locks, the rename decides: the loser's copy is deleted and the
 * winner's checked. The leftovers of killed processes are deleted by the next
 * process that holds the lock.</li>
 * <li>A damaged folder is repaired under the lock: by the maker in place, or
 * else by a fresh copy that replaces it whole (the damaged one is renamed
 * aside, {@code .NAME.HEX.old}, and deleted); a process that has files of the
 * old one open keeps reading them.</li>
 * </ul>
 * Thread-safe: opens of one folder are serialised within the process, since a
 * file lock belongs to the process, not to a thread.
 */
public final class CacheFolder {

	/** What {@link #open} found. */
	public enum Outcome {
			/** the folder was there and whole */
			FOUND,
			/** the folder was made now */
			MADE,
			/** the folder was damaged and is repaired now */
			REPAIRED
	}

	/**
	 * @param folder the folder, whole
	 * @param damage what was wrong with it before a repair, as the maker said;
	 *          empty unless {@link Outcome#REPAIRED}
	 */
	public record Result(Path folder, Outcome outcome, List<String> damage) {

		public Result {
			damage = List.copyOf(damage);
		}
	}

	/** Makes, checks and (optionally) repairs the content of one folder. */
	public interface Maker {

		/**
		 * What is wrong with {@code folder} as found, in words (one entry per
		 * problem); empty when it is whole. Called without the lock too, so it must
		 * only read, or write atomically.
		 */
		List<String> damage(Path folder) throws IOException;

		/**
		 * Fills the new, empty, private folder {@code staging}, which is then
		 * renamed into place.
		 */
		void fill(Path staging) throws IOException;

		/**
		 * Repairs {@code folder} in place, holding the lock, and says whether it
		 * did; when it did not, a fresh copy replaces the whole folder. The default
		 * repairs nothing in place.
		 */
		default boolean repairInPlace(Path folder, List<String> damage)
			throws IOException
		{
			return false;
		}
	}

	/** The cache cannot be used; the message says why, in words for the user. */
	public static final class UnusableException extends IOException {

		private static final long serialVersionUID = 1L;

		public UnusableException(String message) {
			super(message);
		}

		public UnusableException(String message, Throwable cause) {
			super(message, cause);
		}
	}

	private static final Set<PosixFilePermission> PRIVATE_FOLDER =
		PosixFilePermissions.fromString("rwx------");
	/**
	 * One monitor per folder: opens of a folder are serialised within the
	 * process.
	 */
	private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

	private final Path root;

	private CacheFolder(Path realRoot) {
		this.root = realRoot;
	}

	/**
	 * The cache whose folders live in {@code root}: creates {@code root} and the
	 * missing folders above it, private, and checks that {@code root} is private.
	 *
	 * @throws UnusableException when it cannot be created or is not private
	 */
	public static CacheFolder privateRoot(Path root) throws UnusableException {
		Path absolute = root.toAbsolutePath().normalize();
		Path real;
		try {
			List<Path> missing = new ArrayList<>();
			for (Path p = absolute; p != null && !Files.exists(p); p = p.getParent())
				missing.add(0, p);
			for (Path p : missing)
				createPrivateFolder(p);
			real = absolute.toRealPath();
		}
		catch (IOException e) {
			throw new UnusableException("cannot create " + absolute + ": " +
				AtomicFile.describe(e), e);
		}
		checkPrivate(real);
		return new CacheFolder(real);
	}

	/** The root, as a real path. */
	public Path root() {
		return root;
	}

	/**
	 * The whole folder {@code name} of this cache: found, made by {@code maker},
	 * or repaired. Blocks while another process makes or repairs it.
	 *
	 * @throws UnusableException when the folder is not private, or something else
	 *           is in its way
	 * @throws IOException when the cache cannot be written, or from the maker
	 */
	public Result open(String name, Maker maker) throws IOException {
		Path folder = root.resolve(name);
		synchronized (MONITORS.computeIfAbsent(folder, k -> new Object())) {
			if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
				checkPrivate(folder);
				if (maker.damage(folder).isEmpty()) return new Result(folder,
					Outcome.FOUND, List.of());
			}
			try (FileChannel lock = lock(name)) {
				if (lock != null) removeLeftovers(name); // only lock holders make
																									// folders
				if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) return repair(
					folder, maker);
				if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS))
					throw new UnusableException(folder +
						" is in the way: it is not a folder");
				Path staging = make(name, maker);
				try {
					Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
					return new Result(folder, Outcome.MADE, List.of());
				}
				catch (IOException e) {
					if (!AtomicFile.isTaken(e, folder)) throw e;
					return repair(folder, maker); // made meanwhile by a process that got
																				// no lock
				}
				finally {
					deleteTree(staging);
				}
			}
		}
	}

	private Result repair(Path folder, Maker maker) throws IOException {
		checkPrivate(folder);
		List<String> damage = maker.damage(folder); // again: another process may
																								// have repaired it
		if (damage.isEmpty()) return new Result(folder, Outcome.FOUND, List.of());
		if (!maker.repairInPlace(folder, damage)) replace(folder, maker);
		return new Result(folder, Outcome.REPAIRED, damage);
	}

	/**
	 * Replaces a damaged folder with a fresh copy: the old one is renamed aside,
	 * the new one in.
	 */
	private void replace(Path folder, Maker maker) throws IOException {
		String name = folder.getFileName().toString();
		Path staging = make(name, maker);
		Path aside = root.resolve("." + name + "." + randomHex() + ".old");
		try {
			try {
				Files.move(folder, aside, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (NoSuchFileException e) {
				// moved meanwhile by a process that got no lock
			}
			try {
				Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (IOException e) {
				if (!AtomicFile.isTaken(e, folder)) throw e;
				// put there meanwhile by a process that got no lock
				checkPrivate(folder);
				List<String> damage = maker.damage(folder);
				if (!damage.isEmpty()) throw new IOException(folder +
					" is being replaced by another process (" + String.join("; ",
						damage) + "); try again");
			}
		}
		finally {
			deleteTree(staging);
			deleteTree(aside);
		}
	}

	/** A new private staging folder next to {@code name}, filled by the maker. */
	private Path make(String name, Maker maker) throws IOException {
		Path staging = root.resolve("." + name + "." + randomHex() + ".tmp");
		createPrivateFolder(staging);
		try {
			maker.fill(staging);
			return staging;
		}
		catch (IOException | RuntimeException | Error e) {
			try {
				deleteTree(staging);
			}
			catch (IOException suppressed) {
				e.addSuppressed(suppressed);
			}
			throw e;
		}
	}

	/**
	 * The folder's lock file, locked; closing it releases the lock. Null where
	 * the file system has no locks: the rename decides then.
	 */
	private FileChannel lock(String name) throws IOException {
		FileChannel ch = FileChannel.open(root.resolve("." + name + ".lock"),
			StandardOpenOption.CREATE, StandardOpenOption.WRITE);
		try {
			ch.lock();
			return ch;
		}
		catch (IOException e) {
			ch.close();
			return null;
		}
	}

	/**
	 * Deletes the staging and set-aside folders of processes killed while making
	 * or repairing {@code name}.
	 */
	private void removeLeftovers(String name) throws IOException {
		Pattern leftover = Pattern.compile("\\." + Pattern.quote(name) +
			"\\.[0-9a-f]{1,16}\\.(tmp|old)");
		try (Stream<Path> s = Files.list(root)) {
			for (Path p : s.toList())
				if (leftover.matcher(p.getFileName().toString()).matches()) deleteTree(
					p);
		}
	}

	private static String randomHex() {
		return Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
	}

	/**
	 * Creates a folder readable and writable by its owner only; one made
	 * meanwhile is left as it is.
	 */
	public static void createPrivateFolder(Path p) throws IOException {
		try {
			FileAttribute<?>[] attrs = isPosix(p) ? new FileAttribute<?>[] {
				PosixFilePermissions.asFileAttribute(PRIVATE_FOLDER) }
				: new FileAttribute<?>[0];
			Files.createDirectory(p, attrs);
		}
		catch (FileAlreadyExistsException e) {
			// made meanwhile by another process: checked like any other
		}
	}

	/** Refuses a folder that someone else could write into. */
	public static void checkPrivate(Path folder) throws UnusableException {
		if (!isPosix(folder)) return;
		try {
			PosixFileAttributes a = Files.readAttributes(folder,
				PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
			Set<PosixFilePermission> p = a.permissions();
			UserPrincipal me = currentUser(folder);
			boolean ours = me == null || a.owner().equals(me) || a.owner().getName()
				.equals("root");
			if (!a.isDirectory() || !ours || p.contains(
				PosixFilePermission.GROUP_WRITE) || p.contains(
					PosixFilePermission.OTHERS_WRITE)) throw new UnusableException(
						folder + " is not a private folder of this user (owner " + a.owner()
							.getName() + ", " + PosixFilePermissions.toString(p) + ")");
		}
		catch (UnusableException e) {
			throw e;
		}
		catch (IOException e) {
			throw new UnusableException("cannot read the permissions of " + folder +
				": " + AtomicFile.describe(e), e);
		}
	}

	/**
	 * This process's user: (Linux) the owner of {@code /proc/self}, else by its
	 * name; null if unknown.
	 */
	private static UserPrincipal currentUser(Path onFileSystem) {
		try {
			return Files.getOwner(Path.of("/proc/self"));
		}
		catch (IOException | RuntimeException e) {
			try {
				return onFileSystem.getFileSystem().getUserPrincipalLookupService()
					.lookupPrincipalByName(System.getProperty("user.name"));
			}
			catch (IOException | RuntimeException e2) {
				return null;
			}
		}
	}

	/**
	 * What changes whenever the file's content is written: size, modification and
	 * status-change times and file number. Null when it is missing or not a plain
	 * file.
	 */
	public static String stamp(Path file) {
		try {
			if (file.getFileSystem().supportedFileAttributeViews().contains("unix")) {
				Map<String, Object> a = Files.readAttributes(file,
					"unix:size,lastModifiedTime,ctime,ino,dev,mode",
					LinkOption.NOFOLLOW_LINKS);
				if (((Integer) a.get("mode") & 0170000) != 0100000) return null; // S_IFREG
				return a.get("size") + " " + nanos(a.get("lastModifiedTime")) + " " +
					nanos(a.get("ctime")) + " " + a.get("dev") + ":" + a.get("ino");
			}
			BasicFileAttributes a = Files.readAttributes(file,
				BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
			if (!a.isRegularFile()) return null;
			return a.size() + " " + nanos(a.lastModifiedTime()) + " " + nanos(a
				.creationTime()) + " " + a.fileKey();
		}
		catch (IOException | RuntimeException e) {
			return null; // missing or unreadable: checked in full, or made again
		}
	}

	private static long nanos(Object time) {
		return ((FileTime) time).to(TimeUnit.NANOSECONDS);
	}

	/** The CRC-32 of a file's content, or -1 when it cannot be read. */
	public static long crc32(Path file) {
		try (FileChannel ch = FileChannel.open(file)) {
			CRC32 crc = new CRC32();
			ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
			while (ch.read(b) > 0) {
				crc.update(b.flip());
				b.clear();
			}
			return crc.getValue();
		}
		catch (IOException e) {
			return -1;
		}
	}

	public static boolean isPosix(Path p) {
		return p.getFileSystem().supportedFileAttributeViews().contains("posix");
	}

	/**
	 * Deletes a file or a folder with everything in it, not following links;
	 * nothing there is fine.
	 */
	public static void deleteTree(Path path) throws IOException {
		if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
		try (Stream<Path> s = Files.walk(path)) {
			for (Path p : s.sorted(Comparator.reverseOrder()).toList())
				Files.deleteIfExists(p);
		}
		catch (NoSuchFileException e) {
			// deleted meanwhile
		}
	}
}


package org.fijigan.core.io;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The room on the disk a path will be written to, for refusing a run before it
 * writes anything it cannot finish.
 */
public final class DiskSpace {

	private DiskSpace() {}

	/**
	 * The file store of {@code path}, or of its nearest existing parent when it
	 * does not exist yet; null when none exists or the store cannot be read.
	 */
	public static FileStore storeOf(Path path) {
		Path existing = path.toAbsolutePath();
		while (existing != null && !Files.exists(existing))
			existing = existing.getParent();
		if (existing == null) return null;
		try {
			return Files.getFileStore(existing);
		}
		catch (IOException e) {
			return null;
		}
	}

	/**
	 * The bytes free to this process on the disk {@code path} will be written to
	 * ({@link #storeOf}); {@link Long#MAX_VALUE} when that cannot be read, so
	 * that the writes themselves tell.
	 */
	public static long usableBytes(Path path) {
		FileStore store = storeOf(path);
		try {
			return store == null ? Long.MAX_VALUE : store.getUsableSpace();
		}
		catch (IOException e) {
			return Long.MAX_VALUE;
		}
	}

	/** What the operating system says when a disk is full (Linux, macOS). */
	public static final String FULL = "No space left on device";

	/**
	 * Whether a failure's message says the disk is full or the user's quota
	 * spent: every later write to that disk fails too.
	 */
	public static boolean saysFull(String message) {
		return message != null && (message.contains(FULL) || message.contains(
			"Disk quota exceeded"));
	}

	/**
	 * The cause to give a failed write when a writer that hides its errors (one
	 * that only says it failed) left the disk with less than {@code needed}
	 * bytes: "No space left on device"; null when there is room, so the failure
	 * is something else.
	 */
	public static IOException fullUnlessRoomFor(Path file, long needed) {
		long free = usableBytes(file);
		if (free >= needed) return null;
		return new java.nio.file.FileSystemException(null, null, FULL + " (" +
			free + " bytes free)");
	}

	/** {@code each * count}, or {@link Long#MAX_VALUE} where that overflows. */
	public static long times(long each, long count) {
		return Math.multiplyHigh(each, count) != 0 || each * count < 0
			? Long.MAX_VALUE : each * count;
	}
}

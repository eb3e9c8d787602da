
package org.fijigan.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.fijigan.core.GanException;

/**
 * One process's claim on a folder while it writes there: an OS file lock on a
 * hidden file in the folder, which is left in place. The OS drops the lock when
 * the process ends, however it ends, so a killed run never blocks the next. The
 * file is opened nowhere else, since closing any descriptor of a file drops
 * this process's lock on it; it is never deleted, since a run that opened it
 * just before would then lock a file that no longer has the name, beside a
 * third run locking the new one.
 */
public final class FolderLock implements AutoCloseable {

	private final FileChannel channel;

	private FolderLock(FileChannel channel) {
		this.channel = channel;
	}

	/**
	 * Locks {@code dir/file}, making both where missing.
	 *
	 * @param what the folder for the user ("the checkpoint folder"), for the
	 *          message when it cannot be used
	 * @param busy the message when another run, in this or another process, holds
	 *          the lock
	 * @throws GanException when another run holds it, or it cannot be made
	 */
	public static FolderLock acquire(Path dir, String file, String what,
		String busy)
	{
		FileChannel ch = null;
		try {
			Files.createDirectories(dir);
			ch = FileChannel.open(dir.resolve(file), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE);
			FileLock lock;
			try {
				lock = ch.tryLock();
			}
			catch (OverlappingFileLockException e) {
				lock = null; // a run in this JVM holds it
			}
			if (lock == null) throw new GanException(busy);
			return new FolderLock(ch);
		}
		catch (IOException | GanException e) {
			try {
				if (ch != null) ch.close();
			}
			catch (IOException ignored) {
				// the error below matters more
			}
			if (e instanceof GanException g) throw g;
			throw new GanException("cannot use " + what + " " + dir + ": " +
				AtomicFile.describe((IOException) e), e);
		}
	}

	@Override
	public void close() {
		try {
			channel.close(); // releases the lock
		}
		catch (IOException e) {
			// closing releases the lock in any case
		}
	}
}

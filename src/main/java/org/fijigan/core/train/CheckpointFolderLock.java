
package org.fijigan.core.train;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;

/**
 * A checkpoint folder is one training run's while it runs: two runs writing one
 * folder would overwrite each other's checkpoints, and a resume would then
 * continue the wrong run. An OS file lock on {@code .fiji-gan.training.lock} in
 * the folder (left in place, like a cache folder's) marks the owner; the OS
 * drops it when the process ends, however it ends, so a killed run never blocks
 * the next. The file is opened nowhere else, since closing any descriptor of a
 * file drops this process's lock on it.
 */
final class CheckpointFolderLock implements AutoCloseable {

	static final String FILE = ".fiji-gan.training.lock";

	private final FileChannel channel;

	private CheckpointFolderLock(FileChannel channel) {
		this.channel = channel;
	}

	/**
	 * @throws GanException when another run (in this or another process) holds
	 *           the folder, or it cannot be made
	 */
	static CheckpointFolderLock acquire(Path dir) {
		FileChannel ch = null;
		try {
			Files.createDirectories(dir);
			ch = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE);
			FileLock lock;
			try {
				lock = ch.tryLock();
			}
			catch (OverlappingFileLockException e) {
				lock = null; // a run in this JVM holds it
			}
			if (lock == null) {
				ch.close();
				throw new GanException("the checkpoint folder " + dir +
					" is in use by another fine-tune run: wait for it to end, or give " +
					"this one another --checkpoint-dir");
			}
			return new CheckpointFolderLock(ch);
		}
		catch (IOException e) {
			try {
				if (ch != null) ch.close();
			}
			catch (IOException ignored) {
				// the error below matters more
			}
			throw new GanException("cannot use the checkpoint folder " + dir + ": " +
				AtomicFile.describe(e), e);
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

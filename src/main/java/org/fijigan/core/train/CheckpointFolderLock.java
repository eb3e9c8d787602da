
package org.fijigan.core.train;

import java.nio.file.Path;

import org.fijigan.core.GanException;
import org.fijigan.core.io.FolderLock;

/**
 * A checkpoint folder is one training run's while it runs: two runs writing one
 * folder would overwrite each other's checkpoints, and a resume would then
 * continue the wrong run. A {@link FolderLock} on
 * {@code .fiji-gan.training.lock} in the folder marks the owner.
 */
final class CheckpointFolderLock {

	static final String FILE = ".fiji-gan.training.lock";

	private CheckpointFolderLock() {}

	/**
	 * @throws GanException when another run (in this or another process) holds
	 *           the folder, or it cannot be made
	 */
	static FolderLock acquire(Path dir) {
		return FolderLock.acquire(dir, FILE, "the checkpoint folder",
			"the checkpoint folder " + dir +
				" is in use by another fine-tune run: wait for it to end, or give " +
				"this one another --checkpoint-dir");
	}
}

package org.fijigan.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import org.fijigan.core.GanException;

/**
 * Writes a file so that it appears whole or not at all: into a hidden temporary file in the same
 * folder, flushed to disk, then renamed over the target. A failure or a kill leaves the target as
 * it was, and the temporary file is removed on any error the JVM survives.
 */
public final class AtomicWrite {
	/** Writes the content to a stream it does not close. */
	@FunctionalInterface
	public interface Content {
		void writeTo(OutputStream out) throws IOException;
	}

	private AtomicWrite() {}

	public static void write(Path target, Content content) {
		Path dir = target.toAbsolutePath().getParent();
		Path tmp = null;
		try {
			tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
			try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE); OutputStream out = Channels
				.newOutputStream(ch))
			{
				content.writeTo(out);
				out.flush();
				ch.force(true);
			}
			Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException e) {
			throw new GanException("cannot write " + target + ": " + e.getMessage(), e);
		}
		finally {
			if (tmp != null) try {
				Files.deleteIfExists(tmp);
			}
			catch (IOException ignored) {
				// nothing more to do
			}
		}
	}
}

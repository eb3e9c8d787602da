
package org.fijigan.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

import org.fijigan.core.GanException;

/**
 * One process's claim on a file name while it decides what it may replace there
 * and puts its files in place: an OS file lock on a hidden file beside it,
 * {@code .NAME.lock}, which another claim of the same name waits for. The OS
 * drops the lock when the process ends, however it ends, so a killed run never
 * blocks the next. Closing deletes the file, then releases the lock; a claimant
 * that meanwhile locked the deleted file sees that the name no longer names it
 * and claims again, so that two never hold one name. Within one JVM claims are
 * taken one at a time (a file lock is the whole JVM's).
 */
public final class NameClaim implements AutoCloseable {

	private static final ReentrantLock IN_THIS_JVM = new ReentrantLock(true);
	/** What a claim's file holds. */
	static final String MARK = "fiji-gan name claim\n";

	private final Path file;
	private final FileChannel channel;
	private final Object key;
	private boolean closed;

	private NameClaim(Path file, FileChannel channel, Object key) {
		this.file = file;
		this.channel = channel;
		this.key = key;
	}

	/** The hidden file whose lock claims {@code target}'s name. */
	public static Path fileFor(Path target) {
		return target.resolveSibling("." + AtomicFile.temporaryStem(target
			.getFileName().toString()) + ".lock");
	}

	/**
	 * Claims {@code target}'s name until {@link #close()}, waiting while another
	 * run, in this or another process, holds it.
	 *
	 * @throws GanException when the claim's file cannot be made or locked
	 */
	public static NameClaim claim(Path target) {
		Path file = fileFor(target.toAbsolutePath());
		IN_THIS_JVM.lock();
		try {
			while (true) {
				Object before = key(file);
				FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
					StandardOpenOption.READ, StandardOpenOption.WRITE,
					LinkOption.NOFOLLOW_LINKS);
				boolean held = false;
				try {
					Object opened = key(file);
					// the name changed hands while it was opened: look again
					if (before != null && !before.equals(opened)) continue;
					ch.lock(); // waits for the run that holds it
					Object now = key(file);
					if (opened == null || opened.equals(now)) {
						refuseOthers(ch, file);
						held = true;
						return new NameClaim(file, ch, now);
					}
					// its holder deleted it when done: claim the name anew
				}
				finally {
					if (!held) ch.close();
				}
			}
		}
		catch (IOException e) {
			IN_THIS_JVM.unlock();
			// not opened through a link (the OS says only "too many levels of
			// symbolic links"): say what it is
			if (Files.isSymbolicLink(file)) throw linkRefused(file, e);
			throw new GanException("cannot claim " + target + " for writing: " +
				AtomicFile.describe(e), e);
		}
		catch (RuntimeException | Error e) {
			IN_THIS_JVM.unlock();
			throw e;
		}
	}

	/**
	 * Refuses, before any work that would end in a claim, a file at the claim's
	 * name that a claim would refuse: a link, or a file that is not a claim's. It
	 * is kept as it is.
	 *
	 * @throws GanException naming the file
	 */
	public static void requireClaimable(Path target) {
		Path file = fileFor(target.toAbsolutePath());
		if (Files.isSymbolicLink(file)) throw linkRefused(file, null);
		if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return;
		boolean ours;
		try {
			ours = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && (Files
				.size(file) == 0 || Arrays.equals(Files.readAllBytes(file), MARK
					.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (IOException e) {
			return; // gone meanwhile, or unreadable: the claim says why
		}
		if (!ours) throw notOurs(file);
	}

	private static GanException linkRefused(Path file, IOException cause) {
		return new GanException(file + " is a symbolic link" + FileIdentity
			.linkTarget(file) + ": fiji-gan claims the name beside it with a " +
			"file of that name and does not follow a link there; the link is " +
			"kept: remove or rename it", cause);
	}

	private static GanException notOurs(Path file) {
		return new GanException(file + " is not fiji-gan's: fiji-gan claims " +
			"the name beside it with a file of that name; move or rename it");
	}

	/**
	 * Marks a claim's file as one, or refuses a file of that name that is not one
	 * (someone's own file, which closing would delete): a claim's file is empty
	 * (a claim being made, or one of an earlier version) or holds {@link #MARK}.
	 */
	private static void refuseOthers(FileChannel ch, Path file)
		throws IOException
	{
		if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw notOurs(
			file);
		long size = ch.size();
		byte[] mark = MARK.getBytes(StandardCharsets.US_ASCII);
		if (size == 0) {
			ch.write(ByteBuffer.wrap(mark), 0);
			return;
		}
		ByteBuffer held = ByteBuffer.allocate(mark.length);
		while (held.hasRemaining() && ch.read(held, held.position()) > 0) {
			// read the start of the file
		}
		if (size != mark.length || !Arrays.equals(held.array(), mark))
			throw notOurs(file);
	}

	/**
	 * The file's identity (device and inode), or null where it is gone or the
	 * file system gives none.
	 */
	private static Object key(Path file) throws IOException {
		try {
			return Files.readAttributes(file, BasicFileAttributes.class,
				LinkOption.NOFOLLOW_LINKS).fileKey();
		}
		catch (NoSuchFileException e) {
			return null;
		}
	}

	/**
	 * Gives the name up: the file is deleted (where its identity is known to be
	 * this claim's), then its lock released. Safe to call twice.
	 */
	@Override
	public void close() {
		if (closed) return;
		closed = true;
		try {
			if (key != null && Objects.equals(key, key(file))) Files.deleteIfExists(
				file);
		}
		catch (IOException e) {
			// a leftover file is unlocked, and the next claim takes it
		}
		finally {
			try {
				channel.close(); // releases the lock
			}
			catch (IOException e) {
				// closing releases the lock in any case
			}
			IN_THIS_JVM.unlock();
		}
	}
}

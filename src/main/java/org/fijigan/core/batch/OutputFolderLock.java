
package org.fijigan.core.batch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;

/**
 * Claims an output folder for one batch run, across processes on one machine
 * (and across machines where the file system passes file locks on). Each run
 * holds an OS file lock on a file of its own,
 * {@code .fiji-gan.run.PID-HEX.lock}, that says who it is (process, host, start
 * time, command, model, shard). A run that finds a live claim of an
 * incompatible run fails at once, naming it, as does one that finds a live
 * claim in a folder above its own or inside it (the two would write the same
 * files); only the shards of one batch may share a folder: the same model
 * (SHA-256), inputs and settings ({@link BatchSettings}) and the same shard
 * count, each with its own index.
 * <p>
 * A claim is live exactly while its owner holds the file's lock, which the OS
 * drops when the process ends however it ends (also kill -9): a file whose lock
 * can be taken is a dead run's, and is deleted; a run deletes its own claim
 * when it ends. A claim is locked under a temporary name and only then renamed
 * to its claim name, so every claim another run can see is locked while its
 * owner lives. A run makes its claim before it looks at the others', so of two
 * runs starting together at least one sees the other (both may refuse; neither
 * goes on unseen). The files are hidden, so a folder run never takes them for
 * images.
 * <p>
 * The locks are {@link FileChannel#tryLock() FileChannel} locks: {@code fcntl}
 * locks on Linux and macOS. On NFS they need a working lock service (NFSv4, or
 * {@code lockd} for v3); on file systems that keep locks per node (Lustre
 * mounted with {@code localflock}, some BeeGFS set-ups) runs on different nodes
 * do not see each other.
 */
public final class OutputFolderLock implements AutoCloseable {

	static final String PREFIX = ".fiji-gan.run.";
	static final String SUFFIX = ".lock";
	/** A claim being made: locked, then renamed to its claim name. */
	static final String DRAFT_PREFIX = ".fiji-gan.new.";

	/** How old a draft claim must be before a claim may delete it as dead. */
	static final long DRAFT_AGE_MS = 60_000;
	/**
	 * Claims held by this JVM, by file: never opened again here (closing any
	 * descriptor of a file drops this process's locks on it).
	 */
	private static final Map<Path, Owner> HELD_HERE = new HashMap<>();

	/**
	 * Who claims a folder.
	 *
	 * @param pid the process
	 * @param host the machine
	 * @param started when the run started (UTC, seconds)
	 * @param command the command as typed, or what the Fiji command says
	 * @param model the model's name
	 * @param modelSha256 the model's SHA-256
	 * @param shard the part of the batch the run does, {@code I/N}
	 * @param batch the batch's fingerprint ({@link BatchSettings#batch}): its
	 *          inputs or samples, and the settings
	 */
	public record Owner(long pid, String host, String started, String command,
			String model, String modelSha256, Shard shard, String batch) {

		/** This process, now. */
		public static Owner of(String command, String model, String modelSha256,
			Shard shard, String batch)
		{
			return new Owner(ProcessHandle.current().pid(), hostName(), Instant.now()
				.truncatedTo(ChronoUnit.SECONDS).toString(), command, model,
				modelSha256, shard, batch);
		}

		/**
		 * Whether this run and {@code other} may write to one folder at once:
		 * shards of one batch (the same inputs, model and settings).
		 */
		boolean mayShareWith(Owner other) {
			return shard.count() > 1 && shard.count() == other.shard.count() && shard
				.index() != other.shard.index() && modelSha256.equals(
					other.modelSha256) && batch.equals(other.batch);
		}

		String text() {
			Map<String, String> m = new LinkedHashMap<>();
			m.put("pid", Long.toString(pid));
			m.put("host", host);
			m.put("started", started);
			m.put("command", command);
			m.put("model", model);
			m.put("model_sha256", modelSha256);
			m.put("shard", shard.toString());
			m.put("batch", batch);
			StringBuilder sb = new StringBuilder();
			m.forEach((k, v) -> sb.append(k).append('=').append(v.replace('\n', ' '))
				.append('\n'));
			return sb.toString();
		}

		static Owner parse(String text) {
			Map<String, String> m = new HashMap<>();
			for (String line : text.split("\n")) {
				int eq = line.indexOf('=');
				if (eq > 0) m.put(line.substring(0, eq), line.substring(eq + 1));
			}
			long pid;
			Shard shard;
			try {
				pid = Long.parseLong(m.getOrDefault("pid", "-1"));
				shard = Shard.parse(m.getOrDefault("shard", "0/1"));
			}
			catch (NumberFormatException | GanException e) {
				pid = -1;
				shard = Shard.ALL;
			}
			return new Owner(pid, m.getOrDefault("host", "?"), m.getOrDefault(
				"started", "?"), m.getOrDefault("command", "?"), m.getOrDefault("model",
					"?"), m.getOrDefault("model_sha256", "?"), shard, m.getOrDefault(
						"batch", "?"));
		}

		/** For the message: who, where, since when, doing what. */
		String describe() {
			String who = "pid " + (pid < 0 ? "?" : pid) + " on " + host +
				", started " + started + ": " + command;
			if (modelSha256.isEmpty()) return who; // a merge of manifests
			return who + " (model " + model + ", sha256 " + modelSha256.substring(0,
				Math.min(12, modelSha256.length())) + "..., " + (shard.isAll()
					? "all items" : "shard " + shard) + ")";
		}
	}

	private final Path file;
	private final FileChannel channel;
	private final Set<String> endedBatches = new HashSet<>();
	private boolean closed;

	private OutputFolderLock(Path file, FileChannel channel) {
		this.file = file;
		this.channel = channel;
	}

	/**
	 * The batches of the runs whose claims this claim found dead and deleted:
	 * runs that were killed. A result of such a run of this run's own batch that
	 * it renamed into place and had not yet recorded is this run's to replace.
	 */
	Set<String> endedBatches() {
		return Set.copyOf(endedBatches);
	}

	/**
	 * Claims {@code folder} (which must exist) for {@code me} until
	 * {@link #close()}.
	 *
	 * @throws GanException naming the other run, when a live run that may not
	 *           share the folder holds it
	 */
	public static OutputFolderLock acquire(Path folder, Owner me) {
		Path dir;
		try {
			dir = folder.toRealPath();
		}
		catch (IOException e) {
			throw new GanException("cannot use output folder " + folder + ": " +
				AtomicFile.describe(e), e);
		}
		synchronized (HELD_HERE) {
			String name = me.pid() + "-" + Long.toHexString(ThreadLocalRandom
				.current().nextLong() >>> 1);
			Path file = dir.resolve(PREFIX + name + SUFFIX), draft = dir.resolve(
				DRAFT_PREFIX + name);
			FileChannel ch = null;
			try {
				ch = FileChannel.open(draft, StandardOpenOption.CREATE_NEW,
					StandardOpenOption.READ, StandardOpenOption.WRITE);
				if (ch.tryLock() == null) throw new IOException(
					"a new file is locked by someone else");
				ch.write(java.nio.ByteBuffer.wrap(me.text().getBytes(
					StandardCharsets.UTF_8)));
				ch.force(true);
				Files.move(draft, file, StandardCopyOption.ATOMIC_MOVE); // the lock
																																	// stays with
																																	// the file
				HELD_HERE.put(file, me);
				OutputFolderLock lock = new OutputFolderLock(file, ch);
				try (DirectoryStream<Path> claims = Files.newDirectoryStream(dir,
					PREFIX + "*" + SUFFIX))
				{
					for (Path claim : claims) {
						if (claim.equals(file)) continue;
						Owner other = liveOwner(claim, lock.endedBatches);
						if (other != null && !me.mayShareWith(other)) {
							lock.close();
							throw new GanException("output folder " + folder +
								" is in use by another run (" + other.describe() +
								"): wait for it to end or choose another output folder; only " +
								"the shards of one batch (the same inputs, model and settings, --shard I/N " +
								"with one N) may write to a folder at once");
						}
					}
				}
				catch (IOException | RuntimeException e) {
					lock.close();
					throw e;
				}
				try {
					refuseNested(folder, dir);
				}
				catch (RuntimeException e) {
					lock.close();
					throw e;
				}
				removeDeadDrafts(dir, draft);
				return lock;
			}
			catch (IOException e) {
				try {
					if (ch != null && !HELD_HERE.containsKey(file)) ch.close();
					Files.deleteIfExists(draft);
				}
				catch (IOException ignored) {
					// the error below matters more
				}
				throw new GanException("cannot claim output folder " + folder + ": " +
					AtomicFile.describe(e), e);
			}
		}
	}

	/**
	 * Creates {@code folder} (and its missing parents) when absent and claims it
	 * for {@code me} ({@link #acquire}). When the claim is refused (another run
	 * holds it, or a folder above or inside it), the folders this call created
	 * are removed again, so that a refused run leaves nothing behind.
	 *
	 * @throws GanException when it cannot be created, or as {@link #acquire}
	 */
	public static OutputFolderLock acquireCreating(Path folder, Owner me) {
		Path abs = folder.toAbsolutePath().normalize();
		Path top = null; // the highest of the folders this call creates
		for (Path p = abs; p != null && !Files.exists(p,
			java.nio.file.LinkOption.NOFOLLOW_LINKS); p = p.getParent())
			top = p;
		AtomicFile.createFolder(folder);
		try {
			return acquire(folder, me);
		}
		catch (RuntimeException e) {
			for (Path p = abs; top != null && p != null; p = p.getParent()) {
				try {
					Files.delete(p); // empty once the refused claim is gone
				}
				catch (IOException notEmpty) {
					break; // another run's meanwhile: left as it is
				}
				if (p.equals(top)) break;
			}
			throw e;
		}
	}

	/**
	 * Refuses a claim of {@code dir} while a live run holds a folder above it or
	 * inside it: the two runs would write the same files, and one folder would
	 * hold results made two ways. Made after this run's own claim, as the check
	 * of the folder itself is, so of two such runs starting together at least one
	 * sees the other. The claims of other folders are only looked at, never
	 * deleted: a dead one is left to a run into its own folder.
	 */
	private static void refuseNested(Path folder, Path dir) {
		for (Path above = dir.getParent(); above != null; above = above
			.getParent())
		{
			Owner other = liveOwnerIn(above);
			if (other != null) throw new GanException("output folder " + folder +
				" is inside " + above + ", the output folder of another run (" + other
					.describe() + "): wait for it to end or choose a folder outside " +
				"it; a run's output folder may not hold, nor lie inside, another's");
		}
		Path[] inside = { null };
		Owner[] owner = { null };
		try {
			Files.walkFileTree(dir, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
					String name = f.getFileName().toString();
					if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX) || f
						.getParent().equals(dir)) return FileVisitResult.CONTINUE;
					Owner other = liveOwnerOf(f);
					if (other == null) return FileVisitResult.CONTINUE;
					inside[0] = f.getParent();
					owner[0] = other;
					return FileVisitResult.TERMINATE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path f, IOException e) {
					return FileVisitResult.CONTINUE; // an unreadable sub-folder: no
																						// run can be seen there
				}
			});
		}
		catch (IOException e) {
			// unreadable: no run is known to hold a folder in it
		}
		if (owner[0] != null) throw new GanException("output folder " + folder +
			" holds " + inside[0] + ", the output folder of another run (" + owner[0]
				.describe() + "): wait for it to end or choose another output " +
			"folder; a run's output folder may not hold, nor lie inside, another's");
	}

	/**
	 * A live run that holds {@code dir}, another folder than this run's; null
	 * when there is none. A dead run's claim is left where it is.
	 */
	private static Owner liveOwnerIn(Path dir) {
		try (DirectoryStream<Path> claims = Files.newDirectoryStream(dir, PREFIX +
			"*" + SUFFIX))
		{
			for (Path claim : claims) {
				Owner owner = liveOwnerOf(claim);
				if (owner != null) return owner;
			}
		}
		catch (IOException | java.nio.file.DirectoryIteratorException e) {
			// unreadable: no run is known to hold it
		}
		return null;
	}

	/**
	 * The owner of a claim in a folder that is not this run's while it is live,
	 * or null; looked at through a shared lock on a read-only channel, so that
	 * the claim is never written or deleted.
	 */
	private static Owner liveOwnerOf(Path claim) {
		Owner here = HELD_HERE.get(claim);
		if (here != null) return here;
		try (FileChannel ch = FileChannel.open(claim, StandardOpenOption.READ)) {
			FileLock probe;
			try {
				probe = ch.tryLock(0, Long.MAX_VALUE, true);
			}
			catch (OverlappingFileLockException e) {
				probe = null; // held in this JVM: live
			}
			if (probe != null) {
				probe.release();
				return null; // its run has ended
			}
			return Owner.parse(new String(Files.readAllBytes(claim),
				StandardCharsets.UTF_8));
		}
		catch (IOException e) {
			return null; // gone meanwhile, or not readable: not known to be live
		}
	}

	/**
	 * The runs that hold {@code folder} now, described (process, host, start,
	 * command, model, shard); claims of runs that ended are deleted on the way.
	 */
	public static List<String> liveRuns(Path folder) {
		List<String> live = new ArrayList<>();
		if (!Files.isDirectory(folder)) return live;
		try (DirectoryStream<Path> claims = Files.newDirectoryStream(folder,
			PREFIX + "*" + SUFFIX))
		{
			for (Path claim : claims) {
				Owner owner = liveOwner(claim, null);
				if (owner != null) live.add(owner.describe());
			}
		}
		catch (IOException e) {
			// an unreadable folder: no run is known to hold it
		}
		return live;
	}

	/**
	 * Whether {@code file} is a claim, or a claim being made: a file of this
	 * class's, not of the folder's contents.
	 */
	public static boolean isClaimFile(Path file) {
		String name = file.getFileName().toString();
		return name.startsWith(PREFIX) && name.endsWith(SUFFIX) || name.startsWith(
			DRAFT_PREFIX);
	}

	/** Deletes the drafts of claims that runs killed while claiming left. */
	private static void removeDeadDrafts(Path dir, Path mine) {
		long youngest = System.currentTimeMillis() - DRAFT_AGE_MS;
		try (DirectoryStream<Path> drafts = Files.newDirectoryStream(dir,
			DRAFT_PREFIX + "*"))
		{
			// a draft lives between its creation and its rename, unlocked for a
			// moment after it is made: one that new may be another run's, about to be
			// locked and renamed
			for (Path d : drafts)
				if (!d.equals(mine) && Files.getLastModifiedTime(d)
					.toMillis() < youngest) liveOwner(d, null);
		}
		catch (IOException e) {
			// a leftover draft is hidden and harmless
		}
	}

	/**
	 * The owner of a claim while it is live, or null after deleting a dead run's
	 * claim, whose batch is added to {@code ended} (where not null).
	 */
	private static Owner liveOwner(Path claim, Set<String> ended)
		throws IOException
	{
		Owner here = HELD_HERE.get(claim);
		if (here != null) return here;
		for (int attempt = 0;; attempt++) {
			try (FileChannel ch = FileChannel.open(claim, StandardOpenOption.READ,
				StandardOpenOption.WRITE))
			{
				FileLock probe;
				try {
					probe = ch.tryLock();
				}
				catch (OverlappingFileLockException e) {
					probe = null; // held in this JVM under a name we did not record:
												// treat as live
				}
				if (probe != null) {
					if (ended != null) {
						String batch = Owner.parse(new String(Files.readAllBytes(claim),
							StandardCharsets.UTF_8)).batch();
						if (!batch.isEmpty() && !batch.equals("?")) ended.add(batch);
					}
					probe.release();
					Files.deleteIfExists(claim); // its run has ended: the OS dropped the
																				// lock
					return null;
				}
				// locked by its live owner, or for a moment by another run that
				// probes the same dead claim (two shards starting at once): asked
				// again, a probe has let go and deleted it, an owner still holds it
				if (attempt < PROBE_RETRIES && pause()) continue;
				return Owner.parse(new String(Files.readAllBytes(claim),
					StandardCharsets.UTF_8));
			}
			catch (java.nio.file.NoSuchFileException e) {
				return null;
			}
		}
	}

	/** How often a locked claim is probed again before it is taken as live. */
	static final int PROBE_RETRIES = 5;

	/**
	 * Waits a moment between probes; false when interrupted (the claim is then
	 * taken as live).
	 */
	private static boolean pause() {
		try {
			Thread.sleep(20);
			return true;
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Gives the folder up: the claim file is deleted, then its lock released.
	 * Safe to call twice.
	 */
	@Override
	public void close() {
		synchronized (HELD_HERE) {
			if (closed) return;
			closed = true;
			HELD_HERE.remove(file);
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException e) {
				// a leftover claim is unlocked, so the next run deletes it
			}
			try {
				channel.close();
			}
			catch (IOException e) {
				// closing releases the lock in any case
			}
		}
	}

	/**
	 * This machine's name, without a DNS lookup (which can hang on a
	 * misconfigured node).
	 */
	static String hostName() {
		for (String v : new String[] { System.getenv("HOSTNAME"), System.getenv(
			"COMPUTERNAME") })
			if (v != null && !v.isBlank()) return v.trim();
		try {
			String name = Files.readString(Path.of("/proc/sys/kernel/hostname"))
				.trim();
			if (!name.isEmpty()) return name;
		}
		catch (IOException | RuntimeException e) {
			// below
		}
		try {
			return java.net.InetAddress.getLocalHost().getHostName();
		}
		catch (IOException e) {
			return "unknown host";
		}
	}
}

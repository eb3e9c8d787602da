
package org.fijigan.core.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;

/**
 * Keeps recently used {@link ModelSession}s open, so that a second command on
 * the same model does not pay for loading it again. A session is keyed by the
 * model file (path, size, modification time), the model's SHA-256 (which covers
 * its external data files, whose change the file's size and time do not show),
 * the device and the thread count. Callers {@link #acquire} a lease and close
 * it when done; the cache closes an evicted session only once no lease on it is
 * open. Thread-safe.
 */
public final class SessionCache implements AutoCloseable {

	private static final SessionCache SHARED = new SessionCache(4);

	static {
		try {
			Runtime.getRuntime().addShutdownHook(new Thread(SHARED::close,
				"fiji-gan session cache"));
		}
		catch (IllegalStateException shuttingDown) {
			// first used after Ctrl-C or SIGTERM: the cache opens nothing then
			// (acquire), so there is nothing to close
		}
	}

	/** The process-wide cache used by the commands and the CLI. */
	public static SessionCache shared() {
		return SHARED;
	}

	private record Key(Path file, long size, long modified, String sha256,
			DeviceSpec device, int threads) {
	}

	private static final class Entry {

		final ModelSession session;
		int leases;
		boolean evicted;

		Entry(ModelSession session) {
			this.session = session;
		}
	}

	private final int capacity;
	private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16,
		0.75f, true);

	public SessionCache(int capacity) {
		this.capacity = capacity;
	}

	/**
	 * A lease on an open session; closing it hands the session back to the cache.
	 */
	public final class Lease implements AutoCloseable {

		private final Entry entry;
		private boolean released;

		private Lease(Entry entry) {
			this.entry = entry;
		}

		public ModelSession session() {
			return entry.session;
		}

		@Override
		public void close() {
			synchronized (SessionCache.this) {
				if (released) return;
				released = true;
				entry.leases--;
				if (entry.evicted && entry.leases == 0) entry.session.close();
			}
		}
	}

	/**
	 * Returns an open session for the model, creating it if needed.
	 *
	 * @throws CancellationToken.CancelledException when the JVM is shutting down
	 */
	public Lease acquire(Path onnxFile, DeviceSpec device, int threads) {
		return acquire(onnxFile, "", device, threads);
	}

	/**
	 * Returns an open session for the model whose SHA-256 (as its descriptor
	 * gives it) is {@code modelSha256}, creating it if needed: a model whose
	 * external data changed since its session opened gets a new one.
	 *
	 * @throws CancellationToken.CancelledException when the JVM is shutting down
	 */
	public Lease acquire(Path onnxFile, String modelSha256, DeviceSpec device,
		int threads)
	{
		// once the JVM shuts down (Ctrl-C, SIGTERM) the shared cache opens no
		// session: ONNX Runtime's own environment is going away beside it
		if (this == SHARED) CancellationToken.throwIfShuttingDown();
		Key key;
		try {
			Path real = onnxFile.toRealPath();
			key = new Key(real, Files.size(real), Files.getLastModifiedTime(real)
				.toMillis(), modelSha256, Objects.requireNonNull(device), threads);
		}
		catch (IOException e) {
			throw new GanException("model file not found: " + onnxFile);
		}
		synchronized (this) {
			Entry e = entries.get(key);
			if (e != null) {
				e.leases++;
				return new Lease(e);
			}
		}
		// Open outside the lock: loading a model can take seconds.
		ModelSession opened = ModelSession.open(onnxFile, device, threads);
		synchronized (this) {
			Entry e = entries.get(key);
			if (e != null) opened.close();
			else {
				e = new Entry(opened);
				entries.put(key, e);
				evictBeyondCapacity();
			}
			e.leases++;
			return new Lease(e);
		}
	}

	private void evictBeyondCapacity() {
		Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
		while (entries.size() > capacity && it.hasNext()) {
			Entry e = it.next().getValue();
			it.remove();
			e.evicted = true;
			if (e.leases == 0) e.session.close();
		}
	}

	/** Number of sessions held open. */
	public synchronized int size() {
		return entries.size();
	}

	/**
	 * Number of leases handed out and not yet closed, over all cached sessions.
	 */
	public synchronized int openLeases() {
		int n = 0;
		for (Entry e : entries.values())
			n += e.leases;
		return n;
	}

	/** Closes every session without an open lease and forgets all of them. */
	@Override
	public synchronized void close() {
		for (Entry e : entries.values()) {
			e.evicted = true;
			if (e.leases == 0) e.session.close();
		}
		entries.clear();
	}
}


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
import org.fijigan.core.io.FileHashes;

/**
 * Keeps recently used {@link ModelSession}s open, so that a second command on
 * the same model does not pay for loading it again. A session is keyed by the
 * model's SHA-256 (which covers its external data files), the device and the
 * thread count: it is opened from the bytes that have that SHA-256, and a run
 * that records the SHA-256 so runs those bytes to its end, whatever becomes of
 * the file meanwhile. A session asked for without a SHA-256 is keyed by the
 * model file (path, size, modification time) instead. Callers {@link #acquire}
 * a lease and close it when done; the cache closes an evicted session only once
 * no lease on it is open. Thread-safe.
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
		Key key;
		try {
			Path real = onnxFile.toRealPath();
			key = new Key(real, Files.size(real), Files.getLastModifiedTime(real)
				.toMillis(), "", Objects.requireNonNull(device), threads);
		}
		catch (IOException e) {
			throw new GanException("model file not found: " + onnxFile);
		}
		return acquire(key, () -> ModelSession.open(onnxFile, device, threads));
	}

	/**
	 * Returns an open session of the model whose SHA-256 (as its descriptor gives
	 * it) is {@code modelSha256}, over the bytes of {@code sha256Files} (the ONNX
	 * file, then its external data files), creating it if needed. Sessions so
	 * opened are kept by that SHA-256, not by the file: a run that holds a lease
	 * gets that session for each later acquire with the same SHA-256 although the
	 * file has since been replaced or removed, and a model whose external data
	 * changed gets a new one. A new session is of the bytes hashed: a model
	 * without external data is opened from the bytes whose SHA-256 was checked;
	 * one with external data is hashed again once opened.
	 *
	 * @throws GanException "the model file X changed during the run" when the
	 *           files no longer have that SHA-256, or "model file not found"
	 * @throws CancellationToken.CancelledException when the JVM is shutting down
	 */
	public Lease acquire(Path onnxFile, java.util.List<Path> sha256Files,
		String modelSha256, DeviceSpec device, int threads)
	{
		// a model built in memory names no SHA-256
		if (modelSha256 == null || modelSha256.isEmpty()) return acquire(onnxFile,
			device, threads);
		return acquire(new Key(null, 0, 0, modelSha256, Objects.requireNonNull(
			device), threads), () -> openVerified(onnxFile, sha256Files, modelSha256,
				device, threads));
	}

	private Lease acquire(Key key,
		java.util.function.Supplier<ModelSession> open)
	{
		// once the JVM shuts down (Ctrl-C, SIGTERM) the shared cache opens no
		// session: ONNX Runtime's own environment is going away beside it
		if (this == SHARED) CancellationToken.throwIfShuttingDown();
		synchronized (this) {
			Entry e = entries.get(key);
			if (e != null) {
				e.leases++;
				return new Lease(e);
			}
		}
		// Open outside the lock: loading a model can take seconds.
		ModelSession opened = open.get();
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

	/**
	 * A session of the bytes of {@code files} whose SHA-256 is {@code sha256}, or
	 * a {@link GanException} saying the model file changed.
	 */
	private static ModelSession openVerified(Path onnxFile,
		java.util.List<Path> files, String sha256, DeviceSpec device, int threads)
	{
		if (files.equals(java.util.List.of(onnxFile))) return ModelSession.open(
			onnxFile, FileHashes.readUnchanged(onnxFile, sha256, "model file"),
			device, threads);
		ModelSession s = ModelSession.open(onnxFile, device, threads);
		try {
			String now = FileHashes.sha256(files, "");
			if (!now.equals(sha256)) throw FileHashes.changedDuringRun(onnxFile,
				sha256, now, "model file");
			return s;
		}
		catch (RuntimeException e) {
			s.close();
			throw e;
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

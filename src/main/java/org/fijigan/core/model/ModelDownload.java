
package org.fijigan.core.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.io.FileHashes;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.core.ProgressListener.Stage;

/**
 * One model download over http(s): redirects followed, bounded in size (by the
 * announced Content-Length and again while reading), hashed while written,
 * cancellable between chunks, with {@code download} progress events in bytes.
 */
final class ModelDownload {

	private ModelDownload() {}

	/** Why a download failed, in words rather than an exception's name. */
	static String reason(IOException e, URI uri) {
		for (Throwable t = e; t != null; t = t.getCause())
			if (t instanceof java.nio.channels.UnresolvedAddressException ||
				t instanceof java.net.UnknownHostException) return "the host " + uri
					.getHost() + " is not known (check the address and the network)";
		if (e instanceof java.net.http.HttpConnectTimeoutException)
			return "no connection to " + uri.getHost() + " within 30 s";
		if (e instanceof java.net.http.HttpTimeoutException)
			return "the server did not answer within 2 minutes";
		if (e instanceof java.net.ConnectException) return "could not connect to " +
			uri.getHost() + " (no network, a proxy needed, or the server is down)";
		if (e instanceof java.io.EOFException || "closed".equals(e.getMessage()))
			return "the server closed the connection before the download ended; " +
				"try again";
		return e.getMessage() == null ? e.getClass().getSimpleName() : e
			.getMessage();
	}

	/**
	 * How long a download may go without a byte (or the headers) before it is
	 * given up: a server that stalls would otherwise hold the install, and Fiji's
	 * cancel, for ever.
	 */
	static final Duration STALL = Duration.ofMinutes(2);

	/**
	 * Downloads {@code uri} to {@code file}, refusing more than {@code maxBytes};
	 * returns the SHA-256.
	 */
	static String download(URI uri, Path file, long maxBytes,
		ProgressListener progress, CancellationToken token)
	{
		return download(uri, file, maxBytes, progress, token, STALL);
	}

	/**
	 * As {@link #download(URI, Path, long, ProgressListener, CancellationToken)},
	 * giving up after {@code stall} without a byte. A watch closes the response
	 * body and interrupts the reading thread then, or as soon as {@code token} is
	 * cancelled: a read that waits for the server returns only so (the HTTP
	 * client's body stream carries on waiting after an interrupt alone, and ends
	 * only once it is closed).
	 */
	static String download(URI uri, Path file, long maxBytes,
		ProgressListener progress, CancellationToken token, Duration stall)
	{
		Thread reader = Thread.currentThread();
		AtomicLong lastByte = new AtomicLong(System.nanoTime());
		java.util.concurrent.atomic.AtomicReference<InputStream> body =
			new java.util.concurrent.atomic.AtomicReference<>();
		AtomicBoolean stalled = new AtomicBoolean(), interrupted =
			new AtomicBoolean();
		ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(
			r -> {
				Thread t = new Thread(r, "fiji-gan download watch");
				t.setDaemon(true);
				return t;
			});
		long period = Math.max(1, Math.min(1000, stall.toMillis() / 4));
		watch.scheduleAtFixedRate(() -> {
			boolean late = System.nanoTime() - lastByte.get() > stall.toNanos();
			if (late) stalled.set(true);
			if (late || token.isCancelled()) {
				InputStream in = body.get();
				if (in != null) try {
					in.close();
				}
				catch (IOException e) {
					// closed as far as it goes: the interrupt follows
				}
				interrupted.set(true);
				reader.interrupt();
			}
		}, period, period, TimeUnit.MILLISECONDS);
		try {
			return download(uri, file, maxBytes, progress, token, lastByte, body);
		}
		catch (GanException e) {
			if (!stalled.get() || token.isCancelled()) throw e;
			throw new GanException("cannot download " + uri + ": the server sent " +
				"nothing for " + describe(stall) + "; try again", e);
		}
		finally {
			watch.shutdownNow();
			try {
				watch.awaitTermination(1, TimeUnit.MINUTES);
			}
			catch (InterruptedException e) {
				reader.interrupt();
			}
			// the watch's own interrupt is spent; one from elsewhere is kept
			if (interrupted.get()) Thread.interrupted();
		}
	}

	private static String describe(Duration d) {
		return d.toSeconds() % 60 == 0 && d.toMinutes() > 0 ? d.toMinutes() +
			" minute" + (d.toMinutes() == 1 ? "" : "s") : d.toMillis() / 1000.0 +
				" s";
	}

	private static String download(URI uri, Path file, long maxBytes,
		ProgressListener progress, CancellationToken token, AtomicLong lastByte,
		java.util.concurrent.atomic.AtomicReference<InputStream> body)
	{
		HttpClient client = HttpClient.newBuilder().followRedirects(
			HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(30))
			.build();
		HttpRequest request = HttpRequest.newBuilder(uri).GET().header("User-Agent",
			"fiji-gan").timeout(Duration.ofMinutes(2)).build(); // until the headers
																													// arrive
		String what = lastSegment(uri);
		try {
			HttpResponse<InputStream> response = client.send(request,
				HttpResponse.BodyHandlers.ofInputStream());
			try (InputStream in = response.body()) {
				body.set(in);
				if (response.statusCode() != 200) throw new GanException(
					"cannot download " + uri + ": HTTP " + response.statusCode() +
						(response.statusCode() / 100 == 3
							? " (redirected too often, or in a loop)" : ""));
				long total = response.headers().firstValueAsLong("Content-Length")
					.orElse(-1);
				if (total > maxBytes) throw tooLarge(uri, total, maxBytes);
				MessageDigest md = FileHashes.newSha256();
				long done = 0;
				try (OutputStream out = new DigestOutputStream(Files.newOutputStream(
					file), md))
				{
					byte[] buffer = new byte[1 << 16];
					for (int n; (n = in.read(buffer)) > 0;) {
						lastByte.set(System.nanoTime());
						token.throwIfCancelled();
						done += n;
						if (done > maxBytes) throw tooLarge(uri, done, maxBytes);
						out.write(buffer, 0, n);
						progress.onProgress(new ProgressEvent(Stage.DOWNLOAD, done, Math
							.max(total, 0), String.format(Locale.ROOT,
								"downloading %s: %.1f MB%s", what, done / 1e6, total > 0
									? String.format(Locale.ROOT, " of %.1f MB", total / 1e6)
									: "")));
					}
				}
				if (total >= 0 && done != total) throw new GanException(
					"the download of " + uri + " ended after " + done + " of " + total +
						" bytes; try again");
				return HexFormat.of().formatHex(md.digest());
			}
		}
		catch (IOException e) {
			token.throwIfCancelled(); // the watch interrupted a read for it
			throw new GanException("cannot download " + uri + ": " + reason(e, uri),
				e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new CancellationToken.CancelledException();
		}
	}

	private static GanException tooLarge(URI uri, long bytes, long maxBytes) {
		return new GanException("the download of " + uri + " is larger than " +
			maxBytes + " bytes (" + bytes + " so far); refusing it");
	}

	/** {@code s} as a URL with a host. */
	static URI uri(String s) {
		try {
			URI uri = URI.create(s);
			if (uri.getHost() == null) throw new IllegalArgumentException("no host");
			return uri;
		}
		catch (IllegalArgumentException e) {
			throw new GanException("'" + s + "' is not a valid URL: " + e
				.getMessage());
		}
	}

	/** The last segment of the URL's path, or "model" when it has none. */
	static String lastSegment(URI uri) {
		String path = uri.getPath() == null ? "" : uri.getPath();
		String last = path.substring(path.lastIndexOf('/') + 1);
		return last.isEmpty() ? "model" : last;
	}
}

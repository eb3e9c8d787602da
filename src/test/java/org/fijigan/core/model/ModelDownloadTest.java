
package org.fijigan.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that sends the headers and a few bytes, then nothing: the download
 * gives up after its stall time with one line saying so, and a cancel ends it
 * at once (a read that waits for the server returned only when bytes came).
 */
class ModelDownloadTest {

	@TempDir
	Path dir;

	@Test
	@org.junit.jupiter.api.Timeout(60)
	void aStalledServerIsGivenUpAndACancelEndsTheWait() throws Exception {
		CountDownLatch done = new CountDownLatch(1);
		// the sockets are kept: one collected as garbage would close, and the
		// download would end for that, not for its stall
		List<Socket> open = java.util.Collections.synchronizedList(
			new ArrayList<>());
		try (ServerSocket server = new ServerSocket(0, 4, InetAddress
			.getLoopbackAddress()))
		{
			Thread serve = new Thread(() -> {
				for (int i = 0; i < 2; i++)
					try {
						Socket s = server.accept();
						open.add(s);
						InputStream in = s.getInputStream();
						StringBuilder head = new StringBuilder();
						while (head.indexOf("\r\n\r\n") < 0) {
							int b = in.read();
							if (b < 0) break;
							head.append((char) b);
						}
						OutputStream out = s.getOutputStream();
						out.write(("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" +
							"0123456789").getBytes(StandardCharsets.ISO_8859_1));
						out.flush(); // and then nothing, the socket left open
					}
					catch (IOException e) {
						return;
					}
				try {
					done.await();
				}
				catch (InterruptedException e) {
					// the test ends
				}
			});
			serve.setDaemon(true);
			serve.start();
			URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() +
				"/m.onnx");
			Path file = dir.resolve("m.onnx");

			GanException e = assertThrows(GanException.class, () -> ModelDownload
				.download(uri, file, 1 << 20, ProgressListener.NONE, CancellationToken
					.none(), Duration.ofMillis(800)));
			assertEquals("cannot download " + uri + ": the server sent nothing " +
				"for 0.8 s; try again", e.getMessage());
			assertFalse(Thread.currentThread().isInterrupted());

			CancellationToken token = new CancellationToken();
			Thread cancel = new Thread(() -> {
				try {
					Thread.sleep(300);
				}
				catch (InterruptedException x) {
					return;
				}
				token.cancel();
			});
			cancel.start();
			assertThrows(CancellationToken.CancelledException.class,
				() -> ModelDownload.download(uri, file, 1 << 20, ProgressListener.NONE,
					token, Duration.ofMinutes(5)));
			cancel.join();
			assertFalse(Thread.currentThread().isInterrupted());
		}
		finally {
			done.countDown();
			synchronized (open) {
				for (Socket s : open)
					s.close();
			}
		}
	}
}

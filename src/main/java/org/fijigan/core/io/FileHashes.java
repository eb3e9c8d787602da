
package org.fijigan.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.fijigan.core.GanException;

/** Digests of files, streamed. */
public final class FileHashes {

	private FileHashes() {}

	/**
	 * SHA-256 of a file, lower-case hex.
	 *
	 * @param what the file's role for the message, with a trailing space, or ""
	 * @throws GanException when it cannot be read, naming it
	 */
	public static String sha256(Path file, String what) {
		try (InputStream in = Files.newInputStream(file)) {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			byte[] buffer = new byte[1 << 16];
			for (int n; (n = in.read(buffer)) > 0;)
				digest.update(buffer, 0, n);
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (IOException e) {
			throw new GanException("cannot read " + what + file + ": " + e
				.getMessage(), e);
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every Java has SHA-256", e);
		}
	}
}

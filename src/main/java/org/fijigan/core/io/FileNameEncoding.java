
package org.fijigan.core.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import org.fijigan.core.GanException;

/**
 * The encoding that Java turns file names into text with: on Linux the locale's
 * (LC_ALL, LC_CTYPE, LANG), fixed when Java starts. A name whose bytes are not
 * valid in it (an accented name under the C locale, a byte that is not UTF-8
 * under a UTF-8 one) reads as text that names another file, or none: such a
 * file cannot be opened by its name.
 */
public final class FileNameEncoding {

	private FileNameEncoding() {}

	/** The encoding's name ("UTF-8", "US-ASCII"). */
	public static String name() {
		String jnu = System.getProperty("sun.jnu.encoding");
		try {
			return jnu == null ? Charset.defaultCharset().name() : Charset.forName(
				jnu).name();
		}
		catch (IllegalArgumentException e) {
			return jnu;
		}
	}

	/**
	 * Whether {@code relative}, its parts joined with {@code /}, names
	 * {@code file} under {@code dir}: false when a part's name does not survive
	 * being read as text.
	 */
	public static boolean survives(Path dir, String relative, Path file) {
		try {
			Path p = dir;
			for (String part : relative.split("/"))
				p = p.resolve(part);
			return p.equals(file);
		}
		catch (InvalidPathException e) {
			return false;
		}
	}

	/**
	 * Whether this process's command line holds bytes that are not valid in the
	 * encoding (Linux's {@code /proc/self/cmdline}, read once): only then can a
	 * U+FFFD in a name stand for bytes the user gave, rather than be the
	 * character itself (a valid UTF-8 name such as a mangled copy's, or a working
	 * folder's). False where it cannot be read. Tests set
	 * {@link #undecodableArguments}.
	 */
	static boolean argumentsUndecodable() {
		Boolean known = undecodableArguments;
		if (known != null) return known;
		boolean bad = false;
		try {
			byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
			Charset.forName(name()).newDecoder().onMalformedInput(
				CodingErrorAction.REPORT).onUnmappableCharacter(
					CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw));
		}
		catch (CharacterCodingException e) {
			bad = true;
		}
		catch (java.io.IOException | RuntimeException e) {
			// not Linux, or not readable: a U+FFFD is taken for itself
		}
		undecodableArguments = bad;
		return bad;
	}

	/** {@link #argumentsUndecodable}'s answer, once read (settable by tests). */
	public static volatile Boolean undecodableArguments;

	/**
	 * Refuses a file or folder to be written whose name (or a folder's on its
	 * way) holds U+FFFD, the character a byte that is not valid in the encoding
	 * was read as, where the command line held such bytes
	 * ({@link #argumentsUndecodable}): Java would create it under that character,
	 * another name than the one the user gave, and report success. A name that
	 * holds the character itself is written.
	 *
	 * @throws GanException naming the path and what to do
	 */
	public static void requireWritable(Path path) {
		if (path.toString().indexOf('\uFFFD') < 0 || !argumentsUndecodable())
			return;
		String name = name();
		throw new GanException("cannot write " + path + ": " + (name.equals(
			StandardCharsets.UTF_8.name())
				? "its name is not valid UTF-8, the file-name encoding of this " +
					"system's locale, so it would be written under another name: " +
					"choose another name"
				: "its name holds characters that the file-name encoding of this " +
					"system's locale (" + name + ", from LC_ALL, LC_CTYPE or LANG) " +
					"cannot represent, so it would be written under another name: run " +
					"with a UTF-8 locale (LC_ALL=C.UTF-8), or choose another name"));
	}

	/**
	 * Why a file whose name does not survive cannot be used, and what to do: for
	 * a message after the file's name.
	 */
	public static String why() {
		String name = name();
		if (name.equals(StandardCharsets.UTF_8.name()))
			return "its name is not valid UTF-8, the file-name encoding of this " +
				"system's locale, so it cannot be opened by its name: rename it";
		return "its name holds characters that the file-name encoding of this " +
			"system's locale (" + name + ", from LC_ALL, LC_CTYPE or LANG) cannot " +
			"represent, so it cannot be opened by its name: run with a UTF-8 locale " +
			"(LC_ALL=C.UTF-8), or rename it";
	}
}


package org.fijigan.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import org.fijigan.core.GanException;

/**
 * Checks that a file the user names as input is a regular file before anything
 * opens it, and otherwise says what it is: missing, a folder, a named pipe, a
 * socket, a device. Opening a named pipe blocks until someone writes to it and
 * a device such as {@code /dev/zero} never ends, so neither may reach a reader.
 */
public final class InputFile {

	private InputFile() {}

	/**
	 * @param role what the file is for the user ("input", "mask", "latent file"),
	 *          for the message
	 * @throws GanException naming the file and what it is, unless it is a regular
	 *           file (links followed)
	 */
	public static void requireRegular(Path file, String role) {
		String kind = kindOf(file);
		if (kind == null) return;
		if (kind.equals("missing")) throw new GanException(role +
			" file not found: " + file + (file.toString().indexOf('\uFFFD') >= 0
				? "; " + FileNameEncoding.why() : ""));
		throw new GanException(role + " " + file + " is " + kind +
			", not a regular file");
	}

	/**
	 * Refuses a named pipe, socket or device where a file or folder is expected
	 * (a model, which may be a folder); a missing path and a folder pass, for the
	 * caller to handle.
	 */
	public static void refuseSpecial(Path file, String role) {
		String kind = kindOf(file);
		if (kind != null && !kind.equals("missing") && !kind.equals("a folder"))
			throw new GanException(role + " " + file + " is " + kind +
				", not a regular file");
	}

	/**
	 * What {@code file} is when it is not a regular file: {@code "missing"},
	 * {@code "a folder"}, {@code "a named pipe (FIFO)"}, {@code "a socket"},
	 * {@code "a character device"}, {@code "a block device"} or
	 * {@code "a special file"}; null for a regular file. Links are followed; a
	 * link to nothing is missing.
	 */
	public static String kindOf(Path file) {
		BasicFileAttributes a;
		try {
			a = Files.readAttributes(file, BasicFileAttributes.class);
		}
		catch (IOException e) {
			return "missing";
		}
		if (a.isRegularFile()) return null;
		if (a.isDirectory()) return "a folder";
		Object mode;
		try {
			mode = Files.getAttribute(file, "unix:mode");
		}
		catch (IOException | UnsupportedOperationException
				| IllegalArgumentException e)
		{
			return "a special file";
		}
		if (!(mode instanceof Integer m)) return "a special file";
		return switch (m & 0170000) { // S_IFMT
			case 0010000 -> "a named pipe (FIFO)";
			case 0140000 -> "a socket";
			case 0020000 -> "a character device";
			case 0060000 -> "a block device";
			default -> "a special file";
		};
	}
}

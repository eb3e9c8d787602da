
package org.fijigan.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;

/**
 * Which files are the same file, however they are spelled:
 * {@code ../dir/./a.png}, a symbolic link, a hard link. Used to refuse writing
 * over an input (image, mask, model), which fiji-gan never does, also not with
 * {@code --overwrite}.
 * <p>
 * A file's identity is its file key (device and inode on Linux and macOS),
 * which a hard link shares; where the platform has none, its real path (links
 * resolved).
 */
public final class FileIdentity {

	private FileIdentity() {}

	/**
	 * A file the job reads.
	 *
	 * @param role what it is for the user ("input image", "mask", "model"), for
	 *          the message
	 */
	public record Input(String role, Path path) {
	}

	/**
	 * The identity of an existing file or folder (links followed), or null when
	 * there is none.
	 */
	public static Object of(Path path) {
		try {
			Object key = Files.readAttributes(path, BasicFileAttributes.class)
				.fileKey();
			return key != null ? key : path.toRealPath();
		}
		catch (IOException | SecurityException e) {
			return null;
		}
	}

	/**
	 * The inputs that exist, by identity; the first of two names for one file is
	 * kept.
	 */
	public static Map<Object, Input> index(List<Input> inputs) {
		Map<Object, Input> index = new HashMap<>();
		for (Input in : inputs) {
			Object id = in.path() == null ? null : of(in.path());
			if (id != null) index.putIfAbsent(id, in);
		}
		return index;
	}

	/**
	 * @throws GanException when {@code output} exists and is one of
	 *           {@code inputs}, under any name
	 */
	public static void refuseOverwriting(Path output, List<Input> inputs) {
		refuseOverwriting(output, index(inputs));
	}

	/**
	 * As {@link #refuseOverwriting(Path, List)}, with the inputs indexed once for
	 * many outputs.
	 */
	public static void refuseOverwriting(Path output, Map<Object, Input> inputs) {
		if (inputs.isEmpty()) return;
		Object id = of(output);
		Input in = id == null ? null : inputs.get(id);
		if (in == null) return;
		throw new GanException("the output " + output + " is the " + in.role() +
			" " + in.path() + how(output, in.path()) +
			": fiji-gan never writes over its inputs, also not with " +
			"--overwrite; choose another output");
	}

	/**
	 * As {@link #refuseOverwriting(Path, List)}, where some inputs are folders
	 * whose every file is read: an existing {@code output} inside one of them, at
	 * any depth and under any name, is refused too.
	 *
	 * @param folders folders read whole, with their role ("data folder")
	 */
	public static void refuseOverwriting(Path output, List<Input> files,
		List<Input> folders)
	{
		refuseOverwriting(output, files);
		Path real;
		try {
			real = output.toRealPath();
		}
		catch (IOException | SecurityException e) {
			return; // nothing there to overwrite
		}
		for (Input f : folders) {
			if (f.path() == null) continue;
			Path folder;
			try {
				folder = f.path().toRealPath();
			}
			catch (IOException | SecurityException e) {
				continue;
			}
			if (real.startsWith(folder) && !real.equals(folder))
				throw new GanException("the output " + output + " is a file in the " + f
					.role() + " " + f.path() +
					": fiji-gan never writes over its inputs, also not with " +
					"--overwrite; choose another output");
		}
	}

	/**
	 * Whether {@code path}, which need not exist yet, lies inside {@code folder}
	 * (or is it), links and {@code ..} resolved.
	 */
	public static boolean isInside(Path path, Path folder) {
		try {
			return located(path).startsWith(located(folder));
		}
		catch (IOException | SecurityException e) {
			return false;
		}
	}

	/**
	 * The first name from {@code folder} down to {@code path} (a path inside it)
	 * that is a symbolic link, or on Windows a junction: a name through which
	 * deleting or writing {@code path} would reach a file that need not lie in
	 * {@code folder}. {@code folder} itself is not looked at (a folder the user
	 * names may be a link of theirs). Null when there is none, when the path
	 * stops existing on the way, or when {@code path} is not inside
	 * {@code folder}.
	 */
	public static Path linkBelow(Path folder, Path path) {
		Path base = folder.toAbsolutePath().normalize();
		Path p = path.toAbsolutePath().normalize();
		if (!p.startsWith(base)) return null;
		Path at = base;
		for (Path part : base.relativize(p)) {
			if (part.toString().isEmpty()) continue;
			at = at.resolve(part);
			try {
				BasicFileAttributes a = Files.readAttributes(at,
					BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
				// a Windows junction reads as "other"
				if (a.isSymbolicLink() || a.isOther()) return at;
			}
			catch (IOException | SecurityException e) {
				return null; // not there (or not to be looked into): nothing below
			}
		}
		return null;
	}

	/**
	 * " to TARGET" for a symbolic {@code link}, as a message names where it
	 * leads; empty when its target cannot be read (a junction).
	 */
	public static String linkTarget(Path link) {
		try {
			return " to " + Files.readSymbolicLink(link);
		}
		catch (IOException | UnsupportedOperationException | SecurityException e) {
			return "";
		}
	}

	/**
	 * Where {@code p} is: its real path, or, for a path that does not exist yet,
	 * its nearest existing parent's real path with the rest.
	 */
	static Path located(Path p) throws IOException {
		Path abs = p.toAbsolutePath().normalize(), existing = abs;
		while (existing != null && !Files.exists(existing))
			existing = existing.getParent();
		if (existing == null) return abs;
		return existing.toRealPath().resolve(existing.relativize(abs));
	}

	/** How two names of one file are related, for the message. */
	static String how(Path a, Path b) {
		if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize()))
			return "";
		try {
			if (a.toRealPath().equals(b.toRealPath()))
				return " (the same file, by another path or " +
					"through a symbolic link)";
		}
		catch (IOException e) {
			// below
		}
		return " (the same file, through a hard link)";
	}

	/** Whether two paths name the same existing file or folder. */
	public static boolean same(Path a, Path b) {
		Object x = of(a);
		return x != null && x.equals(of(b));
	}
}

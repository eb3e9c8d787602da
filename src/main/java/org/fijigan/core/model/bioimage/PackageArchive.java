
package org.fijigan.core.model.bioimage;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.InputFile;
import org.fijigan.core.io.Streams;

/**
 * Unpacks a bioimage.io model package (.zip) and finds its descriptor. Entries
 * with absolute paths or {@code ..} are refused, and so is a package over its
 * bounds on bytes or entries; nothing is written outside the folder it unpacks
 * to.
 */
final class PackageArchive {

	private PackageArchive() {}

	/**
	 * Unpacks {@code zip} into {@code root} (created if absent, and required to
	 * be empty) and returns the descriptor at its top level or in its single top
	 * folder. After a failure {@code root} may hold part of the package.
	 */
	static Path unpack(Path zip, Path root, long maxBytes, int maxEntries) {
		unzip(zip, root, maxBytes, maxEntries);
		Path descriptor = descriptorIn(root);
		if (descriptor == null) {
			List<Path> top = list(root).stream().filter(p -> !p.getFileName()
				.toString().equals("__MACOSX")).toList();
			if (top.size() == 1 && Files.isDirectory(top.get(0))) descriptor =
				descriptorIn(top.get(0));
		}
		if (descriptor == null) throw new GanException(zip +
			" holds no model descriptor at its top level (looked for " +
			DescriptorFile.LOOKED_FOR + "); is it a bioimage.io model package?");
		return descriptor;
	}

	/**
	 * Creates {@code dir} (and its parents) for an entry; an earlier file entry
	 * in its way means the package names one path both as a file and as a folder.
	 */
	private static void folder(Path dir, Path root, Path zip) throws IOException {
		try {
			Files.createDirectories(dir);
		}
		catch (IOException e) {
			for (Path p = dir; p != null && p.startsWith(root) && !p.equals(root); p =
				p.getParent())
				if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
					throw new GanException(zip + " holds " + root.relativize(p) +
						" both as a file and as a folder", e);
			throw e;
		}
	}

	private static void unzip(Path zip, Path root, long maxBytes,
		int maxEntries)
	{
		InputFile.refuseSpecial(zip, "model package");
		try {
			Files.createDirectories(root);
			if (!list(root).isEmpty()) throw new GanException("cannot unpack " + zip +
				" into " + root + ": the folder is not empty");
			long total = 0;
			int entries = 0;
			try (ZipInputStream in = new ZipInputStream(new BufferedInputStream(Files
				.newInputStream(zip))))
			{
				for (ZipEntry entry; (entry = in.getNextEntry()) != null;) {
					if (++entries > maxEntries) throw new GanException(zip +
						" has more than " + maxEntries + " entries; refusing to unpack it");
					Path target = entryTarget(root, entry.getName(), zip);
					if (entry.isDirectory()) {
						folder(target, root, zip);
						continue;
					}
					folder(target.getParent(), root, zip);
					try (OutputStream out = Files.newOutputStream(target,
						StandardOpenOption.CREATE_NEW))
					{
						total += Streams.copyAtMost(in, out, maxBytes - total);
						if (total > maxBytes) throw new GanException(zip +
							" unpacks to more than " + maxBytes +
							" bytes; refusing to unpack it");
					}
				}
			}
			if (entries == 0) throw new GanException(zip +
				" is empty or not a zip file");
		}
		catch (FileAlreadyExistsException e) {
			Path p = Path.of(e.getFile());
			// a file entry where a folder entry, or a file's path, made a folder
			throw new GanException(zip + " holds " + root.relativize(p) + (Files
				.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
					? " both as a file and as a folder" : " twice"), e);
		}
		catch (ZipException e) {
			throw new GanException(zip + " is not a valid zip file: " + e
				.getMessage(), e);
		}
		catch (IllegalArgumentException e) { // ZipInputStream's answer to an entry
																					// name that is not UTF-8
			throw new GanException(zip +
				" is not a valid zip file: an entry name is not valid UTF-8", e);
		}
		catch (EOFException e) { // the zip cut short, its last entry unfinished
			throw new GanException(zip + " is truncated or damaged (" + AtomicFile
				.describe(e) + ")", e);
		}
		catch (IOException e) {
			throw new GanException("cannot unpack " + zip + ": " + AtomicFile
				.describe(e), e);
		}
	}

	private static Path entryTarget(Path root, String name, Path zip) {
		GanException refusal = new GanException(zip + " has an entry '" + name +
			"' that would land outside the folder it unpacks to; refusing to unpack it");
		if (name.startsWith("/") || name.startsWith("\\") || name.matches(
			"[A-Za-z]:.*") || Arrays.asList(name.split("[/\\\\]")).contains(".."))
			throw refusal;
		try {
			Path target = root.resolve(name.replace('\\', '/')).normalize();
			if (!target.startsWith(root) || target.equals(root)) throw refusal;
			return target;
		}
		catch (InvalidPathException e) {
			throw refusal;
		}
	}

	/**
	 * The descriptor directly in {@code dir}, by {@link DescriptorFile}'s rule.
	 */
	private static Path descriptorIn(Path dir) {
		return DescriptorFile.in(dir).orElse(null);
	}

	private static List<Path> list(Path dir) {
		try (Stream<Path> entries = Files.list(dir)) {
			return entries.toList();
		}
		catch (IOException e) {
			throw new GanException("cannot list " + dir + ": " + AtomicFile.describe(
				e), e);
		}
	}
}

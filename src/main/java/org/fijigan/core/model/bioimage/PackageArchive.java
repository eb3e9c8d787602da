
package org.fijigan.core.model.bioimage;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.InputFile;
import org.fijigan.core.io.Streams;

/**
 * Unpacks a bioimage.io model package (.zip) and finds its descriptor. The
 * package is read by its central directory, as other zip tools read it; one
 * without a sound central directory is refused. Entries with absolute paths or
 * {@code ..}, names that come twice, compression other than stored or deflated,
 * and a package over its bounds on bytes or entries are refused; nothing is
 * written outside the folder it unpacks to.
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
			// The central directory, not the local headers read front to back, says
			// what the package holds: it is what unzip, Python and bioimage.io read,
			// so a package cannot show them one model and run another here.
			try (ZipFile file = open(zip)) {
				if (file.size() > maxEntries) throw new GanException(zip +
					" has more than " + maxEntries + " entries; refusing to unpack it");
				if (file.size() == 0) throw new GanException(zip +
					" is an empty zip file");
				List<ZipEntry> entries = checked(file, root, zip, maxBytes);
				long total = 0;
				for (ZipEntry entry : entries) {
					Path target = entryTarget(root, entry.getName(), zip);
					if (entry.isDirectory()) {
						folder(target, root, zip);
						continue;
					}
					folder(target.getParent(), root, zip);
					CRC32 crc = new CRC32();
					long copied;
					try (InputStream in = new CheckedInputStream(file.getInputStream(
						entry), crc);
							OutputStream out = Files.newOutputStream(target,
								StandardOpenOption.CREATE_NEW))
					{
						copied = Streams.copyAtMost(in, out, maxBytes - total);
						total += copied;
						if (total > maxBytes) throw new GanException(zip +
							" unpacks to more than " + maxBytes +
							" bytes; refusing to unpack it");
					}
					if (copied != entry.getSize() || crc.getValue() != entry.getCrc())
						throw new GanException(zip + " is damaged: its entry " + entry
							.getName() + " does not unpack to the " + (copied != entry
								.getSize() ? entry.getSize() + " bytes" : "CRC-32") +
							" its central directory gives");
				}
			}
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
		catch (EOFException e) { // an entry's data cut short
			throw new GanException(zip + " is truncated or damaged (" + AtomicFile
				.describe(e) + ")", e);
		}
		catch (IOException e) {
			throw new GanException("cannot unpack " + zip + ": " + AtomicFile
				.describe(e), e);
		}
	}

	/**
	 * Opens {@code zip} by its central directory; one that has none, or a damaged
	 * one, is refused saying whether it looks like a zip file cut short or no zip
	 * file at all.
	 */
	private static ZipFile open(Path zip) throws IOException {
		try {
			return new ZipFile(zip.toFile(), ZipFile.OPEN_READ,
				StandardCharsets.UTF_8);
		}
		catch (ZipException e) {
			java.util.regex.Matcher method = java.util.regex.Pattern.compile(
				"bad compression method: (\\d+)").matcher(String.valueOf(e
					.getMessage()));
			if (method.find()) throw new GanException(unsupported(zip, "an entry",
				Integer.parseInt(method.group(1))), e);
			byte[] start = new byte[4];
			int n;
			try (InputStream in = Files.newInputStream(zip)) {
				n = in.readNBytes(start, 0, 4);
			}
			boolean looksLikeZip = n == 4 && start[0] == 'P' && start[1] == 'K' &&
				start[2] == 3 && start[3] == 4;
			if (!looksLikeZip && (e.getMessage() == null || e.getMessage().contains(
				"END header not found"))) throw new GanException(zip +
					" is not a zip file", e);
			throw new GanException(zip + " is truncated or damaged (its central " +
				"directory, the list of entries at its end, is " + (e
					.getMessage() != null && e.getMessage().contains(
						"END header not found") ? "missing" : "damaged: " + e
							.getMessage()) + ")", e);
		}
	}

	/**
	 * The entries of {@code file}, checked before anything is written: each one's
	 * name lands inside {@code root}, no name comes twice, each is stored or
	 * deflated, and together they declare at most {@code maxBytes} (which the
	 * copy enforces again on the actual bytes).
	 */
	private static List<ZipEntry> checked(ZipFile file, Path root, Path zip,
		long maxBytes)
	{
		List<ZipEntry> entries = new ArrayList<>(file.size());
		Map<Path, Boolean> seen = new HashMap<>(); // whether a folder
		long declared = 0;
		for (Enumeration<? extends ZipEntry> e = file.entries(); e
			.hasMoreElements();)
		{
			ZipEntry entry = e.nextElement();
			Path target = entryTarget(root, entry.getName(), zip);
			Boolean folder = seen.putIfAbsent(target, entry.isDirectory());
			// a folder listed again (a zip appended to) holds nothing twice
			if (folder != null && folder && entry.isDirectory()) continue;
			if (folder != null) throw new GanException(zip + " holds " + root
				.relativize(target) + (folder != entry.isDirectory()
					? " both as a file and as a folder" : " twice"));
			if (!entry.isDirectory()) {
				int method = entry.getMethod();
				if (method != ZipEntry.STORED && method != ZipEntry.DEFLATED)
					throw new GanException(unsupported(zip, "its entry " + entry
						.getName(), method));
				declared += Math.max(0, entry.getSize());
				if (declared > maxBytes) throw new GanException(zip +
					" unpacks to more than " + maxBytes +
					" bytes; refusing to unpack it");
			}
			entries.add(entry);
		}
		return entries;
	}

	/**
	 * The refusal of a package whose {@code entry} is compressed with
	 * {@code method}, naming the method.
	 */
	private static String unsupported(Path zip, String entry, int method) {
		return zip + ": " + entry + " is compressed with " + methodName(method) +
			" (zip compression method " + method +
			"), which fiji-gan cannot unpack; repack the package with deflate " +
			"(the usual zip compression) or none";
	}

	/** A zip compression method's name, by its number in the zip format. */
	private static String methodName(int method) {
		return switch (method) {
			case 1 -> "Shrink";
			case 6 -> "Implode";
			case 9 -> "Deflate64";
			case 12 -> "bzip2";
			case 14 -> "LZMA";
			case 93 -> "Zstandard";
			case 95 -> "XZ";
			case 98 -> "PPMd";
			case 99 -> "AES encryption";
			default -> "an unknown method";
		};
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

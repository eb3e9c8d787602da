
package org.fijigan.core.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.CacheFolder;
import org.fijigan.core.model.bioimage.BioImageModel;
import org.fijigan.core.model.bioimage.BioImageRdf;

/**
 * bioimage.io packages ({@code .zip}) unpacked once per content hash into a
 * private cache folder, {@code <java.io.tmpdir>/fiji-gan-models/HASH/}, and
 * reused by every later load of the same bytes: the package's files in
 * {@code HASH/package/}, and beside them a list of what was unpacked,
 * {@code HASH/contents} (the descriptor's path, and each file's size, CRC-32
 * and stamp).
 * <p>
 * Several processes may load one package at the same moment (a job array, two
 * Fiji instances): {@link CacheFolder} unpacks it once into a private staging
 * folder and renames that into place, and the others wait for it or find it
 * whole. Every load checks the copy: each listed file must be there with its
 * size, and its CRC-32 is read again when its stamp changed; the ONNX weights
 * are hashed against the descriptor's {@code sha256}. A damaged or incomplete
 * copy (files missing or changed, no list, a list with nothing behind it, as an
 * older version or a killed process may leave) is unpacked again from the
 * package. Stateless; safe to call from any thread.
 */
final class PackageCache {

	/**
	 * The file listing an unpacked copy; its first line says which format. Format
	 * 2 copies are unpacked by the zip's central directory; a format 1 copy, read
	 * by its local headers, may hold other files, and is unpacked again.
	 */
	static final String CONTENTS = "contents";
	/** The folder holding the package's files. */
	static final String PACKAGE = "package";
	private static final String FORMAT = "fiji-gan unpacked package 2";

	private PackageCache() {}

	/**
	 * The package's descriptor, unpacked now or earlier, checked against its
	 * SHA-256 sums.
	 */
	static BioImageModel open(Path zip) {
		Path root = Path.of(System.getProperty("java.io.tmpdir"),
			"fiji-gan-models");
		String name = ModelLoader.sha256(zip).substring(0, 16);
		Unpacked maker = new Unpacked(zip);
		CacheFolder.Result r;
		try {
			r = CacheFolder.privateRoot(root).open(name, maker);
		}
		catch (CacheFolder.UnusableException e) {
			throw new GanException("cannot unpack " + zip + ": " + e.getMessage() +
				"; remove it, or point java.io.tmpdir at a private folder", e);
		}
		catch (IOException e) {
			throw new GanException("cannot unpack " + zip + " under " + root + ": " +
				AtomicFile.describe(e), e);
		}
		if (r.outcome() == CacheFolder.Outcome.FOUND) return maker.found;
		// made or repaired now, and checked while unpacking: read where it lies now
		return BioImageRdf.read(r.folder().resolve(PACKAGE).resolve(
			maker.descriptor));
	}

	/** One package's unpacked copy, as a {@link CacheFolder}. */
	private static final class Unpacked implements CacheFolder.Maker {

		private final Path zip;
		/** The descriptor found whole by {@link #damage}. */
		BioImageModel found;
		/**
		 * The descriptor's path inside {@link #PACKAGE}, as unpacked by
		 * {@link #fill}.
		 */
		String descriptor;

		Unpacked(Path zip) {
			this.zip = zip;
		}

		@Override
		public void fill(Path staging) throws IOException {
			Path files = staging.resolve(PACKAGE);
			Path rdf;
			BioImageModel m;
			try {
				rdf = BioImageRdf.unpackPackage(zip, files);
				m = BioImageRdf.read(rdf);
			}
			catch (GanException e) { // the package is refused: name it, not the
																// staging folder
				String prefix = files.toString() + java.io.File.separator;
				if (!e.getMessage().contains(prefix)) throw e;
				throw new GanException(zip + ": " + e.getMessage().replace(prefix, ""),
					e);
			}
			String actual = ModelLoader.sha256(m.onnxWeights());
			if (m.onnxSha256() != null && !actual.equalsIgnoreCase(m.onnxSha256()))
				throw new GanException(zip + " holds ONNX weights " + files.relativize(m
					.onnxWeights()) + " whose sha256 is " + actual +
					", but its descriptor says " + m.onnxSha256() +
					": the package is damaged or not the published one; download it again");
			descriptor = files.relativize(rdf).toString();
			StringBuilder list = new StringBuilder(FORMAT).append('\n').append(
				"descriptor\t").append(descriptor).append('\n');
			try (Stream<Path> s = Files.walk(files)) {
				for (Path p : s.filter(p -> Files.isRegularFile(p,
					LinkOption.NOFOLLOW_LINKS)).sorted().toList())
					list.append("file\t").append(Files.size(p)).append('\t').append(Long
						.toHexString(CacheFolder.crc32(p))).append('\t').append(CacheFolder
							.stamp(p)).append('\t').append(files.relativize(p)).append('\n');
			}
			Files.writeString(staging.resolve(CONTENTS), list,
				StandardCharsets.UTF_8);
		}

		@Override
		public List<String> damage(Path folder) {
			List<String> damage = new ArrayList<>();
			Path files = folder.resolve(PACKAGE);
			List<String> lines;
			try {
				lines = Files.readAllLines(folder.resolve(CONTENTS),
					StandardCharsets.UTF_8);
			}
			catch (IOException | RuntimeException e) {
				return List.of("no list of its contents");
			}
			if (lines.isEmpty() || !lines.get(0).equals(FORMAT) || lines.size() < 2 ||
				!lines.get(1).startsWith("descriptor\t")) return List.of(
					"its list of contents is not one fiji-gan writes");
			String rdf = lines.get(1).substring("descriptor\t".length());
			for (String line : lines.subList(2, lines.size())) {
				String[] f = line.split("\t", 5);
				if (f.length != 5 || !f[0].equals("file")) return List.of(
					"its list of contents is damaged");
				Path file = inside(files, f[4]);
				if (file == null) return List.of(
					"its list of contents names a file outside it");
				String stamp = CacheFolder.stamp(file);
				if (stamp == null) damage.add(f[4] + " is missing");
				else if (!stamp.startsWith(f[1] + " ")) damage.add(f[4] + " has " +
					stamp.substring(0, stamp.indexOf(' ')) + " bytes, not " + f[1]);
				else if (!stamp.equals(f[3]) && !Long.toHexString(CacheFolder.crc32(
					file)).equals(f[2].toLowerCase(Locale.ROOT))) damage.add(f[4] +
						" has changed");
			}
			Path descriptorFile = inside(files, rdf);
			if (descriptorFile == null || !Files.isRegularFile(descriptorFile)) damage
				.add("its descriptor " + rdf + " is missing");
			if (!damage.isEmpty()) return damage;
			try {
				BioImageModel m = BioImageRdf.read(descriptorFile);
				if (m.onnxSha256() != null && !ModelLoader.sha256(m.onnxWeights())
					.equalsIgnoreCase(m.onnxSha256())) return List.of(
						"its ONNX weights differ from the sha256 its descriptor states");
				found = m;
				descriptor = rdf;
				return List.of();
			}
			catch (GanException e) {
				return List.of(e.getMessage());
			}
		}

		/**
		 * {@code relative} resolved in {@code folder}, or null when it would leave
		 * it.
		 */
		private static Path inside(Path folder, String relative) {
			try {
				Path p = folder.resolve(relative).normalize();
				return p.startsWith(folder) && !p.equals(folder) ? p : null;
			}
			catch (InvalidPathException e) {
				return null;
			}
		}
	}
}

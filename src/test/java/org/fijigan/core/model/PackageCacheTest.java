
package org.fijigan.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.fijigan.core.GanException;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The unpacked copies of packages in one process, with a temp folder of the
 * test's own: a copy appears whole, is found again, and repairs itself from the
 * package whatever happened to it. Many processes at once:
 * {@code PackageCacheRaceTest}.
 */
class PackageCacheTest {

	/** A bioimage.io descriptor of {@code model.onnx} with the given sha256. */
	static String rdf(String sha256) {
		return UntrustedModelTest.RDF.formatted("model.onnx", ", sha256: " +
			sha256);
	}

	@TempDir
	Path dir;
	String savedTmp;
	Path cache;

	@BeforeEach
	void privateTempFolder() throws IOException {
		savedTmp = System.getProperty("java.io.tmpdir");
		System.setProperty("java.io.tmpdir", Files.createDirectories(dir.resolve(
			"tmp")).toString());
		cache = dir.resolve("tmp").resolve("fiji-gan-models");
	}

	@AfterEach
	void restoreTempFolder() {
		System.setProperty("java.io.tmpdir", savedTmp);
	}

	/**
	 * A package's entries: a descriptor, seeded conv weights and some files of
	 * seeded bytes in a sub-folder.
	 */
	static Map<String, byte[]> entries(String sha256Override) {
		byte[] weights = OnnxModels.conv3x3(1, 1, 5, 2).toBytes();
		Map<String, byte[]> e = new LinkedHashMap<>();
		e.put("rdf.yaml", rdf(sha256Override != null ? sha256Override : sha256(
			weights)).getBytes(StandardCharsets.UTF_8));
		e.put("model.onnx", weights);
		Random random = new Random(9);
		for (int i = 0; i < 6; i++) {
			byte[] b = new byte[1000 + 700 * i];
			random.nextBytes(b);
			e.put("extra/file" + i + ".bin", b);
		}
		return e;
	}

	static String sha256(byte[] b) {
		try {
			return java.util.HexFormat.of().formatHex(java.security.MessageDigest
				.getInstance("SHA-256").digest(b));
		}
		catch (java.security.NoSuchAlgorithmException e) {
			throw new AssertionError(e);
		}
	}

	Path zip(Map<String, byte[]> entries) throws IOException {
		return Files.write(dir.resolve("m.zip"), ModelFuzzCorpus.zip(entries,
			true));
	}

	static Set<String> listing(Path folder) throws IOException {
		try (Stream<Path> s = Files.list(folder)) {
			return s.map(p -> p.getFileName().toString()).collect(Collectors
				.toCollection(TreeSet::new));
		}
	}

	/**
	 * The cache holds the package byte for byte, its list, its lock file and
	 * nothing else.
	 */
	static void assertWhole(Path cache, String hash, Map<String, byte[]> entries)
		throws IOException
	{
		assertEquals(Set.of(hash, "." + hash + ".lock"), listing(cache));
		Path copy = cache.resolve(hash);
		assertEquals(Set.of(PackageCache.CONTENTS, PackageCache.PACKAGE), listing(
			copy));
		Set<String> files = new TreeSet<>();
		try (Stream<Path> s = Files.walk(copy.resolve(PackageCache.PACKAGE))) {
			s.filter(Files::isRegularFile).forEach(p -> files.add(copy.resolve(
				PackageCache.PACKAGE).relativize(p).toString()));
		}
		assertEquals(new TreeSet<>(entries.keySet()), files);
		for (Map.Entry<String, byte[]> e : entries.entrySet())
			assertArrayEquals(e.getValue(), Files.readAllBytes(copy.resolve(
				PackageCache.PACKAGE).resolve(e.getKey())), e.getKey());
	}

	@Test
	void aPackageIsUnpackedOnceIntoAFolderThatAppearsWholeAndIsFoundAgain()
		throws IOException
	{
		Map<String, byte[]> entries = entries(null);
		Path zip = zip(entries);
		String hash = ModelLoader.sha256(zip).substring(0, 16);
		ModelDescriptor first = ModelLoader.load(zip.toString(),
			ModelOverrides.NONE);
		Path onnx = cache.resolve(hash).resolve(PackageCache.PACKAGE).resolve(
			"model.onnx");
		assertEquals(onnx.toRealPath(), first.onnxFile().toRealPath());
		assertWhole(cache, hash, entries);
		Object inode = Files.readAttributes(onnx, BasicFileAttributes.class)
			.fileKey();
		ModelDescriptor again = ModelLoader.load(zip.toString(),
			ModelOverrides.NONE);
		assertEquals(first.onnxFile(), again.onnxFile());
		assertEquals(inode, Files.readAttributes(onnx, BasicFileAttributes.class)
			.fileKey(), "found, not unpacked again");
	}

	/**
	 * Whatever happened to the unpacked copy, the next load unpacks the package
	 * again and runs; an older fiji-gan or a killed process may have left any of
	 * these.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "weights deleted", "weights truncated",
		"weights changed in place", "a file deleted", "package folder deleted",
		"list of contents deleted", "list of contents emptied",
		"only an empty completion marker", "an older version's layout",
		"killed while unpacking", "killed while replacing" })
	void aDamagedCopyRepairsItself(String damage) throws IOException {
		Map<String, byte[]> entries = entries(null);
		Path zip = zip(entries);
		String hash = ModelLoader.sha256(zip).substring(0, 16);
		ModelLoader.load(zip.toString(), ModelOverrides.NONE);
		Path copy = cache.resolve(hash), files = copy.resolve(PackageCache.PACKAGE);
		switch (damage) {
			case "weights deleted" -> Files.delete(files.resolve("model.onnx"));
			case "weights truncated" -> {
				try (RandomAccessFile f = new RandomAccessFile(files.resolve(
					"model.onnx").toFile(), "rw"))
				{
					f.setLength(f.length() / 2);
				}
			}
			case "weights changed in place" -> { // same size and modification time:
																						// sha256 and CRC-32 tell
				Path w = files.resolve("model.onnx");
				FileTime modified = Files.getLastModifiedTime(w);
				try (RandomAccessFile f = new RandomAccessFile(w.toFile(), "rw")) {
					f.seek(f.length() - 5);
					int b = f.read();
					f.seek(f.length() - 5);
					f.write(b ^ 1);
				}
				Files.setLastModifiedTime(w, modified);
			}
			case "a file deleted" -> Files.delete(files.resolve("extra/file3.bin"));
			case "package folder deleted" -> deleteTree(files);
			case "list of contents deleted" -> Files.delete(copy.resolve(
				PackageCache.CONTENTS));
			case "list of contents emptied" -> Files.write(copy.resolve(
				PackageCache.CONTENTS), new byte[0]);
			case "only an empty completion marker" -> {
				deleteTree(copy);
				Files.createDirectories(copy);
				Files.write(copy.resolve(".complete"), new byte[0]);
			}
			case "an older version's layout" -> { // the package at the top, a marker
																						// naming its folder
				deleteTree(copy);
				Files.createDirectories(copy);
				for (Map.Entry<String, byte[]> e : entries.entrySet()) {
					Path file = copy.resolve(e.getKey());
					Files.createDirectories(file.getParent());
					Files.write(file, e.getValue());
				}
				Files.writeString(copy.resolve(".complete"), "");
			}
			case "killed while unpacking" -> {
				deleteTree(copy);
				Path staging = Files.createDirectories(cache.resolve("." + hash +
					".5eed.tmp").resolve(PackageCache.PACKAGE));
				Files.write(staging.resolve("rdf.yaml"), entries.get("rdf.yaml"));
			}
			case "killed while replacing" -> {
				Files.move(copy, cache.resolve("." + hash + ".0a1d.old"));
			}
			default -> throw new AssertionError(damage);
		}
		ModelDescriptor d = ModelLoader.load(zip.toString(), ModelOverrides.NONE);
		assertEquals("m", d.name());
		assertEquals(files.resolve("model.onnx").toRealPath(), d.onnxFile()
			.toRealPath());
		assertWhole(cache, hash, entries);
	}

	@Test
	void aPackageThatCannotBeUnpackedLeavesNothingAndSaysWhy()
		throws IOException
	{
		byte[] weights = OnnxModels.conv3x3(1, 1, 5, 2).toBytes();
		String wrong = "ab".repeat(32);
		Map<String, byte[]> entries = entries(wrong);
		Path zip = zip(entries);
		String hash = ModelLoader.sha256(zip).substring(0, 16);
		GanException e = assertThrows(GanException.class, () -> ModelLoader.load(zip
			.toString(), ModelOverrides.NONE));
		assertEquals(zip + " holds ONNX weights model.onnx whose sha256 is " +
			sha256(weights) + ", but its descriptor says " + wrong +
			": the package is damaged or not the published one; " +
			"download it again", e.getMessage());
		assertEquals(Set.of("." + hash + ".lock"), listing(cache));

		entries.remove("rdf.yaml");
		Path notAPackage = zip(entries);
		String other = ModelLoader.sha256(notAPackage).substring(0, 16);
		e = assertThrows(GanException.class, () -> ModelLoader.load(notAPackage
			.toString(), ModelOverrides.NONE));
		assertEquals(notAPackage +
			" holds no model descriptor at its top level (looked for rdf.yaml, bioimageio.yaml, " +
			"model.yaml or a name ending in .rdf.yaml, .bioimageio.yaml or .model.yaml); is it a bioimage.io " +
			"model package?", e.getMessage());
		assertEquals(Set.of("." + hash + ".lock", "." + other + ".lock"), listing(
			cache));

		entries = entries(null);
		entries.put("rdf.yaml", rdf("0").getBytes(StandardCharsets.UTF_8));
		Path badDescriptor = zip(entries);
		e = assertThrows(GanException.class, () -> ModelLoader.load(badDescriptor
			.toString(), ModelOverrides.NONE));
		assertEquals(badDescriptor +
			": rdf.yaml: model m: sha256 '0' is not 64 hex digits", e.getMessage());
		assertEquals(3, listing(cache).size());
	}

	static void deleteTree(Path p) throws IOException {
		try (Stream<Path> s = Files.walk(p)) {
			for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList())
				Files.delete(q);
		}
	}
}

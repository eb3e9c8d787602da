
package org.fijigan.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.fijigan.core.GanException;
import org.fijigan.core.model.bioimage.DescriptorFile;
import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.testing.OnnxModels;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.fijigan.testing.TestPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/**
 * Installing, listing and removing models, from folders, files, packages and a
 * loopback server.
 */
class ModelStoreTest {

	@TempDir
	Path dir;

	/**
	 * A one-channel bioimage.io descriptor; its weights' SHA-256 to format in.
	 */
	static final String RDF = TestPackages.ONE_CHANNEL_RDF;

	/**
	 * A bioimage.io folder {@code name/} with rdf.yaml, weights.onnx and a
	 * README.md card.
	 */
	Path packageFolder(String name, boolean rightChecksum) throws IOException {
		Path m = Files.createDirectories(dir.resolve("src").resolve(name));
		Path onnx = OnnxModels.addConstant(1, 0.5f).write(m, "weights.onnx");
		String sha = rightChecksum ? ModelLoader.sha256(onnx) : "a".repeat(64);
		Files.writeString(m.resolve("rdf.yaml"), RDF.formatted(sha));
		Files.writeString(m.resolve("README.md"),
			"# Add half\n\nA test model.\n\nTrained on nothing.\nMore.\n");
		return m;
	}

	Path zipOf(Path folder, String zipName) throws IOException {
		Path zip = dir.resolve("src").resolve(zipName);
		try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
				Stream<Path> s = Files.list(folder))
		{
			for (Path p : s.sorted().toList()) {
				out.putNextEntry(new ZipEntry(p.getFileName().toString()));
				out.write(Files.readAllBytes(p));
				out.closeEntry();
			}
		}
		return zip;
	}

	ModelStore store() {
		return new ModelStore(dir.resolve("models"));
	}

	/**
	 * Everything in the store folder, hidden files included: no temporary file
	 * may be left.
	 */
	List<String> storeEntries() throws IOException {
		Path root = dir.resolve("models");
		if (!Files.isDirectory(root)) return List.of();
		try (Stream<Path> s = Files.list(root)) {
			return s.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}

	static <T> T withModelsDir(Path modelsDir, Supplier<T> body) {
		String old = System.getProperty(ModelLoader.MODELS_DIR_PROPERTY);
		try {
			System.setProperty(ModelLoader.MODELS_DIR_PROPERTY, modelsDir.toString());
			return body.get();
		}
		finally {
			if (old == null) System.clearProperty(ModelLoader.MODELS_DIR_PROPERTY);
			else System.setProperty(ModelLoader.MODELS_DIR_PROPERTY, old);
		}
	}

	/**
	 * A plain ONNX file comes with the external data it names (in a sub-folder
	 * too), and is installed only when it loads as it will when used.
	 */
	/**
	 * Removes of one model at once: one removes it, every other one says there is
	 * no such model (not the file system's rename error).
	 */
	@Test
	void concurrentRemovesOfOneModelFailAsIfItWereGone() throws Exception {
		Path onnx = OnnxModels.addConstant(1, 0.5f).write(dir, "a.onnx");
		ModelStore store = new ModelStore(dir.resolve("models"));
		for (int round = 0; round < 20; round++) {
			store.install(onnx.toString(), "r", null, null, null);
			int n = 6;
			java.util.concurrent.CyclicBarrier start =
				new java.util.concurrent.CyclicBarrier(n);
			List<java.util.concurrent.Future<String>> results = new ArrayList<>();
			java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors
				.newFixedThreadPool(n);
			try {
				for (int t = 0; t < n; t++)
					results.add(pool.submit(() -> {
						start.await();
						try {
							store.remove("r");
							return "removed";
						}
						catch (GanException e) {
							return e.getMessage();
						}
					}));
				int removed = 0;
				for (var f : results) {
					String r = f.get();
					if (r.equals("removed")) removed++;
					else assertTrue(r.startsWith("no model called 'r' in "), r);
				}
				assertEquals(1, removed);
			}
			finally {
				pool.shutdownNow();
			}
		}
	}

	@Test
	void anOnnxFileIsInstalledWithItsExternalDataAndOnlyWhenItLoads()
		throws IOException
	{
		Path src = Files.createDirectories(dir.resolve("src"));
		byte[] two = { 0, 0, 0, 0x40 }; // 2.0f, little-endian
		Files.write(Files.createDirectories(src.resolve("data")).resolve("w.bin"),
			two);
		ModelStore store = new ModelStore(dir.resolve("models"));
		store.install(convWithExternalWeight(src, "data/w.bin").toString(), "ext",
			null, null, null);
		assertArrayEquals(two, Files.readAllBytes(dir.resolve(
			"models/ext/data/w.bin")));
		assertEquals("ext", ModelLoader.load(dir.resolve("models/ext").toString(),
			ModelOverrides.NONE).name());

		Path outside = convWithExternalWeight(src, "../w.bin");
		GanException e = assertThrows(GanException.class, () -> store.install(
			outside.toString(), "outside", null, null, null));
		assertEquals(outside.getFileName() + " was not installed: model " + outside
			.getFileName() + " refers to external data outside its folder: " +
			"'../w.bin'", e.getMessage());
		Path cycle = OnnxModels.builder().input("x", "N,1,H,W").node("Add", "x,b",
			"a").node("Identity", "a", "b").output("a", "N,1,H,W").write(src,
				"cycle.onnx");
		e = assertThrows(GanException.class, () -> store.install(cycle.toString(),
			"cycle", null, null, null));
		assertTrue(e.getMessage().startsWith("cycle.onnx was not installed: ONNX " +
			"Runtime cannot load cycle.onnx: "), e.getMessage());
		assertEquals(List.of("ext"), store.list().stream().map(m -> m.name())
			.toList());
	}

	/**
	 * External data named model.onnx or like a descriptor is refused with one
	 * line and nothing installed. Before, one named model.onnx failed with a
	 * message naming the hidden staging folder, and one named rdf.yaml installed
	 * as a bioimage.io model that no later command could read.
	 */
	@Test
	void externalDataAtANameTheStoreGivesMeaningIsRefused() throws IOException {
		Path src = Files.createDirectories(dir.resolve("src"));
		byte[] two = { 0, 0, 0, 0x40 };
		for (String location : List.of("model.onnx", "rdf.yaml", "./x.model.yaml",
			ModelStore.INSTALLED_MARK))
		{
			Files.write(src.resolve(location), two);
			Path onnx = convWithExternalWeight(src, location);
			GanException e = assertThrows(GanException.class, () -> store().install(
				onnx.toString(), "m", null, null, null));
			assertEquals(onnx.getFileName() + " was not installed: its external " +
				"data file '" + location + "' has " + (location.equals("model.onnx")
					? "the name the model itself is installed under" : location.equals(
						ModelStore.INSTALLED_MARK)
							? "the name that marks a model 'models install' installed"
							: "a name that marks a bioimage.io descriptor") +
				" in the models folder; rename the data file, and the location the " +
				"model names, before installing it", e.getMessage());
			assertEquals(List.of(), storeEntries());
		}
		// any other name installs, and the model loads from the store
		Files.write(src.resolve("README.md"), two);
		store().install(convWithExternalWeight(src, "README.md").toString(), "m",
			null, null, null);
		assertEquals("m", ModelLoader.load(dir.resolve("models/m").toString(),
			ModelOverrides.NONE).name());
	}

	/**
	 * A descriptor file given to install is the folder's descriptor or refused:
	 * {@code v2.bioimageio.yaml} beside an {@code rdf.yaml} installed the model
	 * rdf.yaml describes, and one named outside the rule was said to be missing.
	 */
	@Test
	void aDescriptorFileThatIsNotItsFoldersDescriptorIsRefused()
		throws IOException
	{
		Path src = packageFolder("two", true);
		String rdf = Files.readString(src.resolve("rdf.yaml"));
		Path v2 = Files.writeString(src.resolve("v2.bioimageio.yaml"), rdf.replace(
			"name: add-half", "name: version-two"));
		assertTrue(Files.readString(v2).contains("version-two"));
		GanException e = assertThrows(GanException.class, () -> store().install(v2
			.toString(), "v2", null, null, null));
		assertEquals("cannot install " + v2 + ": its folder is installed, and " +
			"read by the bioimage.io rule its descriptor is rdf.yaml, not " +
			"v2.bioimageio.yaml; put v2.bioimageio.yaml and its files in a folder " +
			"of their own to install it", e.getMessage());
		Path odd = Files.writeString(dir.resolve("src/odd-descriptor.yaml"), rdf);
		e = assertThrows(GanException.class, () -> store().install(odd.toString(),
			"odd", null, null, null));
		assertEquals("cannot install " + odd + ": bioimage.io reads a folder's " +
			"descriptor from " + DescriptorFile.LOOKED_FOR + ", so its folder " +
			"would not be read as a model once installed; rename it to rdf.yaml", e
				.getMessage());
		assertEquals(List.of(), storeEntries());
		// the folder's own descriptor, named, installs
		assertEquals("add-half", store().install(src.resolve("rdf.yaml").toString(),
			"one", null, null, null).title());
	}

	/**
	 * A package folder that holds a file named as the install mark (its weights,
	 * say) was installed with that file written over by the mark; it is refused
	 * with nothing installed. A folder copied out of a models folder, whose mark
	 * is one the install wrote, installs again.
	 */
	@Test
	void aFolderHoldingAFileNamedAsTheInstallMarkIsRefused() throws IOException {
		Path src = packageFolder("marked", true);
		byte[] weights = Files.readAllBytes(src.resolve("weights.onnx"));
		Files.write(src.resolve(ModelStore.INSTALLED_MARK), weights);
		GanException e = assertThrows(GanException.class, () -> store().install(src
			.toString(), "m", null, null, null));
		assertEquals("cannot install into " + dir.resolve("models/m") + ": the " +
			"model holds a file named '" + ModelStore.INSTALLED_MARK + "', the " +
			"name that marks a model 'models install' installed, which would be " +
			"written over; rename it, and whatever names it, before installing", e
				.getMessage());
		assertEquals(List.of(), storeEntries());
		assertArrayEquals(weights, Files.readAllBytes(src.resolve(
			ModelStore.INSTALLED_MARK)), "the source is left as it was");

		Files.delete(src.resolve(ModelStore.INSTALLED_MARK));
		Path installed = store().install(src.toString(), "m", null, null, null)
			.folder();
		Path copy = Files.createDirectories(dir.resolve("copy"));
		try (var files = Files.list(installed)) {
			for (Path f : files.toList())
				Files.copy(f, copy.resolve(f.getFileName()));
		}
		assertTrue(Files.isRegularFile(copy.resolve(ModelStore.INSTALLED_MARK)));
		store().install(copy.toString(), "again", null, null, null);
		assertEquals(List.of("again", "m"), storeEntries());
	}

	/**
	 * A package that holds one path both as a file and as a folder is refused in
	 * those words; before, it was said to hold the path twice.
	 */
	@Test
	void aZipHoldingAPathAsAFileAndAFolderIsRefusedInThoseWords()
		throws IOException
	{
		Path src = Files.createDirectories(dir.resolve("src"));
		for (List<String> entries : List.of(List.of("a", "a/b"), List.of("d/", "d"),
			List.of("a", "a/b/c")))
		{
			Path zip = src.resolve("case.zip");
			try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(
				zip)))
			{
				for (String entry : entries) {
					out.putNextEntry(new ZipEntry(entry));
					if (!entry.endsWith("/")) out.write(1);
					out.closeEntry();
				}
			}
			GanException e = assertThrows(GanException.class, () -> store().install(
				zip.toString(), "z", null, null, null));
			assertEquals(zip + " holds " + entries.get(0).replace("/", "") +
				" both as a file and as a folder", e.getMessage());
			assertEquals(List.of(), storeEntries());
		}
	}

	/**
	 * A card is read from its first bytes only: a line longer than they are is
	 * left out, not read whole (before, one model's single-line card of hundreds
	 * of megabytes ran models list out of memory).
	 */
	@Test
	void aHugeCardIsReadOnlyFromItsStart() throws IOException {
		store().install(packageFolder("big-card", true).toString(), null, null,
			null, null);
		Files.writeString(dir.resolve("models/big-card/README.md"),
			"# Big card\n\nFirst line.\n" + "x".repeat(64 * 1024) + "\nnever read\n");
		assertEquals(List.of("Big card", "First line.", "x".repeat(
			ModelStore.CARD_LINE_BYTES) + "..."), store().list().get(0).card());
		// a long paragraph on one line (or an inline image) cuts that line only
		Files.writeString(dir.resolve("models/big-card/README.md"), "# Big card\n" +
			"µ".repeat(40_000) + "\n## Use\nmore\n");
		assertEquals(List.of("Big card", "µ".repeat(ModelStore.CARD_LINE_BYTES /
			2) + "...", "Use"), store().list().get(0).card());
		// a cut inside a character leaves that character out
		Files.writeString(dir.resolve("models/big-card/README.md"), "a" + "µ"
			.repeat(40_000));
		assertEquals(List.of("a" + "µ".repeat(ModelStore.CARD_LINE_BYTES / 2 - 1) +
			"..."), store().list().get(0).card());
	}

	/** A 1x1 Conv whose weight is the external data at {@code location}. */
	private static Path convWithExternalWeight(Path folder, String location) {
		return OnnxModels.builder().input("x", "N,1,H,W").initializer(TensorProto
			.newBuilder().setName("w").setDataType(OnnxModels.FLOAT).addDims(1)
			.addDims(1).addDims(1).addDims(1).setDataLocation(
				TensorProto.DataLocation.EXTERNAL).addExternalData(
					StringStringEntryProto.newBuilder().setKey("location").setValue(
						location)).build()).node("Conv", "x,w", "y", OnnxModels.attrInts(
							"kernel_shape", 1, 1)).output("y", "N,1,H,W").write(folder,
								location.replaceAll("\\W", "") + ".onnx");
	}

	@Test
	void aFolderInstallsListsWithItsCardAndLoadsByName() throws IOException {
		Path src = packageFolder("add-pkg", true);
		InstalledModel m = store().install(src.toString(), null, null, null, null);
		assertEquals("add-pkg", m.name());
		assertEquals(dir.resolve("models/add-pkg"), m.folder());
		assertEquals(List.of("add-pkg"), storeEntries());
		assertTrue(Files.isRegularFile(src.resolve("weights.onnx")),
			"the source is copied, not moved");

		List<InstalledModel> list = store().list();
		assertEquals(1, list.size());
		InstalledModel l = list.get(0);
		assertEquals("bioimage.io", l.format());
		assertEquals("add-half", l.title());
		assertEquals("Adds one half to every pixel.", l.description());
		assertEquals(List.of("Add half", "A test model.", "Trained on nothing."), l
			.card());
		assertEquals(null, l.problem());

		ModelDescriptor d = withModelsDir(dir.resolve("models"), () -> ModelLoader
			.load("add-pkg", ModelOverrides.NONE));
		assertEquals("add-half", d.name());
		assertEquals(List.of("add-pkg"), withModelsDir(dir.resolve("models"),
			ModelLoader::bundledNames));
	}

	/**
	 * A link given as the model folder (or to its descriptor's folder) is
	 * followed, as --model follows it; a link inside the folder is still refused,
	 * named under the link given. Before, the walk stopped at the link and
	 * refused it as a link inside the model.
	 */
	@Test
	void aLinkGivenAsTheModelFolderIsFollowedButNotALinkInsideIt()
		throws IOException
	{
		Path src = packageFolder("real-pkg", true);
		Path link = Files.createSymbolicLink(dir.resolve("linkpkg"), src);
		InstalledModel m = store().install(link.toString(), null, null, null, null);
		assertEquals("linkpkg", m.name());
		assertArrayEquals(Files.readAllBytes(src.resolve("weights.onnx")), Files
			.readAllBytes(m.folder().resolve("weights.onnx")));
		assertFalse(Files.isSymbolicLink(m.folder()));
		assertEquals("again", store().install(link.resolve("rdf.yaml").toString(),
			"again", null, null, null).name());
		assertEquals(List.of("again", "linkpkg"), storeEntries());

		Files.createSymbolicLink(src.resolve("extra.txt"), src.resolve(
			"README.md"));
		GanException e = assertThrows(GanException.class, () -> store().install(link
			.toString(), "inner", null, null, null));
		assertEquals(link.resolve("extra.txt") +
			" is a symbolic link; copy the real files into the model folder first", e
				.getMessage());
		assertEquals(List.of("again", "linkpkg"), storeEntries());
	}

	/**
	 * A name longer than the 128 characters a model name holds is refused naming
	 * that limit, not the characters, which are fine; 128 is taken, and a bad
	 * character still names the characters.
	 */
	@Test
	void aTooLongNameIsRefusedNamingTheLimit() {
		GanException e = assertThrows(GanException.class, () -> ModelStore
			.checkName("n".repeat(300)));
		assertEquals("model name 'nnnnnnnnnnnnnnnn...' is 300 characters long; " +
			"a model name holds at most 128", e.getMessage());
		assertEquals("n".repeat(128), ModelStore.checkName("n".repeat(128)));
		assertTrue(assertThrows(GanException.class, () -> ModelStore.checkName(
			"a/b")).getMessage().contains("must start with a letter or digit"));
		assertTrue(assertThrows(GanException.class, () -> ModelStore.checkName(
			"..")).getMessage().contains("must start with a letter or digit"));
	}

	@Test
	void anOnnxFileInstallsWithItsChecksumAndLoadsByName() throws IOException {
		Path onnx = OnnxModels.addConstant(1, 0.25f).write(Files.createDirectories(
			dir.resolve("src")), "add quarter.onnx");
		String sha = ModelLoader.sha256(onnx);
		InstalledModel m = store().install(onnx.toString(), null, sha.toUpperCase(),
			null, null);
		assertEquals("add-quarter", m.name());
		assertEquals("onnx", m.format());
		assertEquals(sha, ModelLoader.sha256(dir.resolve(
			"models/add-quarter/model.onnx")));
		ModelDescriptor d = withModelsDir(dir.resolve("models"), () -> ModelLoader
			.load("add-quarter", ModelOverrides.NONE));
		assertEquals(sha, d.sha256());
		assertEquals("add-quarter", d.name());
		// a folder path works as well as the name
		assertEquals(sha, ModelLoader.load(m.folder().toString(),
			ModelOverrides.NONE).sha256());

		GanException taken = assertThrows(GanException.class, () -> store().install(
			onnx.toString(), "add-quarter", null, null, null));
		assertTrue(taken.getMessage().startsWith(
			"a model called 'add-quarter' is already installed"), taken.getMessage());
	}

	/**
	 * Two installs of one name at once: one wins, the other is told the name is
	 * taken. The loser's rename onto the winner's folder failed with Linux's
	 * "Directory not empty", which Java gives as a plain FileSystemException, and
	 * the message was that raw error.
	 */
	@Test
	void ofTwoInstallsOfOneNameAtOnceOneWinsAndTheOtherIsToldWhy()
		throws Exception
	{
		Path src = Files.createDirectories(dir.resolve("src"));
		Path a = OnnxModels.addConstant(1, 0.25f).write(src, "a.onnx");
		Path b = OnnxModels.addConstant(1, 0.5f).write(src, "b.onnx");
		var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			for (int round = 0; round < 20; round++) {
				var barrier = new java.util.concurrent.CyclicBarrier(2);
				List<java.util.concurrent.Future<InstalledModel>> runs =
					new ArrayList<>();
				for (Path p : List.of(a, b))
					runs.add(pool.submit(() -> {
						barrier.await();
						return store().install(p.toString(), "racer", null, null, null);
					}));
				int won = 0;
				for (var f : runs)
					try {
						f.get();
						won++;
					}
					catch (java.util.concurrent.ExecutionException e) {
						assertTrue(e.getCause().getMessage().startsWith(
							"a model called 'racer' is already installed"), e.getCause()
								.getMessage());
					}
				assertEquals(1, won, "round " + round);
				store().remove("racer");
			}
		}
		finally {
			pool.shutdown();
		}
	}

	@Test
	void aChecksumMismatchInstallsNothing() throws IOException {
		Path onnx = OnnxModels.addConstant(1, 0.25f).write(Files.createDirectories(
			dir.resolve("src")), "a.onnx");
		GanException e = assertThrows(GanException.class, () -> store().install(onnx
			.toString(), null, "ab".repeat(32), null, null));
		assertEquals("a.onnx has SHA-256 " + ModelLoader.sha256(onnx) + " but " +
			"ab".repeat(32) +
			" was expected: it is damaged or not the published file; nothing was installed",
			e.getMessage());
		assertEquals(List.of(), storeEntries());

		// a descriptor whose checksum does not match its weights, as a folder and
		// as a package
		Path bad = packageFolder("bad", false);
		e = assertThrows(GanException.class, () -> store().install(bad.toString(),
			null, null, null, null));
		assertTrue(e.getMessage().startsWith("ONNX weights " + bad.resolve(
			"weights.onnx") + " are damaged or not the published ones"), e
				.getMessage());
		Path zip = zipOf(bad, "bad.zip");
		assertThrows(GanException.class, () -> store().install(zip.toString(), null,
			null, null, null));
		assertEquals(List.of(), storeEntries());

		GanException notHex = assertThrows(GanException.class, () -> store()
			.install(onnx.toString(), null, "xyz", null, null));
		assertEquals("--sha256 'xyz' is not 64 hexadecimal digits", notHex
			.getMessage());
	}

	@Test
	void aBioimageZipInstallsUnpacked() throws IOException {
		Path zip = zipOf(packageFolder("p", true), "add-half.zip");
		InstalledModel m = store().install(zip.toString(), "zipped", null, null,
			null);
		assertEquals("bioimage.io", m.format());
		assertTrue(Files.isRegularFile(dir.resolve("models/zipped/rdf.yaml")));
		assertEquals(List.of("zipped"), storeEntries());
		assertEquals("add-half", withModelsDir(dir.resolve("models"),
			() -> ModelLoader.load("zipped", ModelOverrides.NONE)).name());
	}

	/**
	 * A folder and its zip choose one descriptor, by the specification's rule: a
	 * folder read rdf.yaml where its zip read bioimageio.yaml, refused a folder
	 * holding only my.bioimageio.yaml, and knew no model.yaml.
	 */
	@Test
	void aFolderAndItsZipChooseOneDescriptorAsTheSpecificationDoes()
		throws IOException
	{
		Path both = packageFolder("both", true);
		String rdf = Files.readString(both.resolve("rdf.yaml"));
		Files.writeString(both.resolve("bioimageio.yaml"), rdf.replace(
			"name: add-half", "name: other"));
		Path bothZip = zipOf(both, "both.zip");
		assertEquals("add-half", ModelLoader.load(both.toString(),
			ModelOverrides.NONE).name());
		assertEquals("add-half", ModelLoader.load(bothZip.toString(),
			ModelOverrides.NONE).name());

		for (String name : List.of("my.bioimageio.yaml", "model.yaml")) {
			Path m = packageFolder(name.replace('.', '-'), true);
			Files.move(m.resolve("rdf.yaml"), m.resolve(name));
			assertEquals("add-half", ModelLoader.load(m.toString(),
				ModelOverrides.NONE).name(), name);
			assertEquals("add-half", ModelLoader.load(zipOf(m, m.getFileName() +
				".zip").toString(), ModelOverrides.NONE).name(), name);
			InstalledModel installed = store().install(m.toString(), null, null, null,
				null);
			assertEquals("bioimage.io", installed.format());
			assertEquals("add-half", withModelsDir(dir.resolve("models"),
				() -> ModelLoader.load(installed.name(), ModelOverrides.NONE)).name());
		}

		Path none = packageFolder("none", true);
		Files.move(none.resolve("rdf.yaml"), none.resolve("config.yaml"));
		String lookedFor =
			"rdf.yaml, bioimageio.yaml, model.yaml or a name ending in .rdf.yaml, .bioimageio.yaml or .model.yaml";
		assertEquals("folder " + none + " holds no model: no bioimage.io " +
			"descriptor (looked for " + lookedFor + ") and no model.onnx",
			assertThrows(GanException.class, () -> ModelLoader.load(none.toString(),
				ModelOverrides.NONE)).getMessage());
		assertEquals("folder " + none + " holds no bioimage.io descriptor " +
			"(looked for " + lookedFor +
			"); to install a bare model, give its .onnx file", assertThrows(
				GanException.class, () -> store().install(none.toString(), null, null,
					null, null)).getMessage());
	}

	@Test
	void aUrlDownloadsWithProgressIsCheckedAndBounded() throws IOException {
		byte[] onnx = Files.readAllBytes(OnnxModels.addConstant(1, 0.25f).write(
			Files.createDirectories(dir.resolve("src")), "x.onnx"));
		String sha = ModelLoader.sha256(dir.resolve("src/x.onnx"));
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress
			.getLoopbackAddress(), 0), 4);
		server.createContext("/models/", exchange -> {
			try (exchange) {
				if (exchange.getRequestURI().getPath().equals("/models/add.onnx")) {
					exchange.sendResponseHeaders(200, onnx.length);
					try (OutputStream out = exchange.getResponseBody()) {
						out.write(onnx);
					}
				}
				else if (exchange.getRequestURI().getPath().equals(
					"/models/loop.onnx"))
				{
					exchange.getResponseHeaders().add("Location", "/models/loop.onnx");
					exchange.sendResponseHeaders(302, -1);
				}
				else if (exchange.getRequestURI().getPath().equals(
					"/models/cut.onnx"))
				{
					// promises the whole model, sends a tenth and hangs up
					exchange.sendResponseHeaders(200, onnx.length);
					exchange.getResponseBody().write(onnx, 0, onnx.length / 10);
					exchange.getResponseBody().flush();
					exchange.close();
				}
				else exchange.sendResponseHeaders(404, -1);
			}
		});
		server.start();
		try {
			String base = "http://127.0.0.1:" + server.getAddress().getPort() +
				"/models/";
			List<ProgressEvent> events = new ArrayList<>();
			InstalledModel m = store().install(base + "add.onnx", null, sha,
				events::add, null);
			assertEquals("add", m.name());
			assertEquals(sha, ModelLoader.sha256(m.folder().resolve("model.onnx")));
			ProgressEvent last = events.get(events.size() - 1);
			assertEquals("download", last.stage().id());
			assertEquals(onnx.length, last.done());
			assertEquals(onnx.length, last.total());

			GanException mismatch = assertThrows(GanException.class, () -> store()
				.install(base + "add.onnx", "other", "0".repeat(64), null, null));
			assertTrue(mismatch.getMessage().endsWith("nothing was installed"),
				mismatch.getMessage());

			GanException big = assertThrows(GanException.class, () -> new ModelStore(
				dir.resolve("models"), 100).install(base + "add.onnx", "big", null,
					null, null));
			assertTrue(big.getMessage().contains("is larger than 100 bytes"), big
				.getMessage());

			GanException missing = assertThrows(GanException.class, () -> store()
				.install(base + "none.onnx", null, null, null, null));
			assertEquals("cannot download " + base + "none.onnx: HTTP 404", missing
				.getMessage());
			assertEquals("cannot download " + base +
				"loop.onnx: HTTP 302 (redirected too often, or in a loop)",
				assertThrows(GanException.class, () -> store().install(base +
					"loop.onnx", null, null, null, null)).getMessage());
			String cut = assertThrows(GanException.class, () -> store().install(base +
				"cut.onnx", null, null, null, null)).getMessage();
			assertTrue(cut.startsWith("cannot download " + base + "cut.onnx: ") &&
				!cut.endsWith(": closed"), cut);
			assertEquals(List.of("add"), storeEntries());

			assertEquals(sha, withModelsDir(dir.resolve("models"), () -> ModelLoader
				.load("add", ModelOverrides.NONE)).sha256());
		}
		finally {
			server.stop(0);
		}
	}

	/**
	 * A refused package that was downloaded is named by its URL; before, the
	 * message named the store's hidden download file, already deleted.
	 */
	@Test
	void aRefusedDownloadedPackageIsNamedByItsUrl() throws IOException {
		java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
		try (ZipOutputStream out = new ZipOutputStream(bytes)) {
			for (String entry : List.of("a", "a/b")) {
				out.putNextEntry(new ZipEntry(entry));
				out.write(1);
				out.closeEntry();
			}
		}
		byte[] zip = bytes.toByteArray();
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress
			.getLoopbackAddress(), 0), 4);
		server.createContext("/case.zip", exchange -> {
			try (exchange) {
				exchange.sendResponseHeaders(200, zip.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(zip);
				}
			}
		});
		server.start();
		try {
			String url = "http://127.0.0.1:" + server.getAddress().getPort() +
				"/case.zip";
			GanException e = assertThrows(GanException.class, () -> store().install(
				url, null, null, null, null));
			assertEquals(url + " holds a both as a file and as a folder", e
				.getMessage());
			assertEquals(List.of(), storeEntries());
		}
		finally {
			server.stop(0);
		}
	}

	/**
	 * A downloaded .onnx that keeps weights in external data is refused: it has
	 * no folder, and before, its external data was looked up in and copied from
	 * the models folder, so a remote model could take another model's files.
	 */
	@Test
	void aDownloadedOnnxWithExternalDataIsRefusedAndReadsNothingOfTheStore()
		throws IOException
	{
		byte[] two = { 0, 0, 0, 0x40 };
		Path victim = Files.createDirectories(dir.resolve("models/victim"));
		Files.write(victim.resolve("secret.bin"), two);
		byte[] onnx = Files.readAllBytes(convWithExternalWeight(Files
			.createDirectories(dir.resolve("src")), "victim/secret.bin"));
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress
			.getLoopbackAddress(), 0), 4);
		server.createContext("/steal.onnx", exchange -> {
			try (exchange) {
				exchange.sendResponseHeaders(200, onnx.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(onnx);
				}
			}
		});
		server.start();
		try {
			GanException e = assertThrows(GanException.class, () -> store().install(
				"http://127.0.0.1:" + server.getAddress().getPort() + "/steal.onnx",
				null, null, null, null));
			assertEquals("steal.onnx was not installed: it keeps weights in " +
				"external data files [victim/secret.bin], which a download does " +
				"not bring; download them beside it and install the folder's .onnx " +
				"file, or install a bioimage.io .zip that holds them", e.getMessage());
			assertEquals(List.of("victim"), storeEntries());
			try (Stream<Path> s = Files.list(victim)) {
				assertEquals(List.of(victim.resolve("secret.bin")), s.toList());
			}
		}
		finally {
			server.stop(0);
		}
	}

	@Test
	void anInterruptedInstallsLeftoversGoAtTheNextOlderThanAnHour()
		throws IOException
	{
		Path root = Files.createDirectories(dir.resolve("models"));
		Path old = Files.createDirectories(root.resolve(".x.installing-1a2b"));
		Files.writeString(old.resolve("model.onnx"), "half");
		Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(
			System.currentTimeMillis() - 2 * 3600_000L));
		Path young = Files.createDirectories(root.resolve(".y.installing-3c4d"));
		Path onnx = OnnxModels.addConstant(1, 0.5f).write(Files.createDirectories(
			dir.resolve("src")), "add.onnx");
		store().install(onnx.toString(), null, null, null, null);
		assertEquals(List.of(".y.installing-3c4d", "add"), storeEntries(),
			"another install may be writing the young one");
		assertTrue(Files.isDirectory(young));
	}

	@Test
	void everyChecksumOfTheDescriptorIsChecked() throws IOException {
		Path pkg = Files.createDirectories(dir.resolve("denoise"));
		try (Stream<Path> s = Files.list(Path.of("models/denoise"))) {
			for (Path p : s.toList())
				Files.copy(p, pkg.resolve(p.getFileName()));
		}
		String rdf = Files.readString(pkg.resolve("rdf.yaml"));
		java.util.regex.Matcher m = java.util.regex.Pattern.compile(
			"test_tensor: \\{source: test_input.npy, sha256: \"?([0-9a-f]{64})")
			.matcher(rdf);
		assertTrue(m.find(), rdf);
		Files.writeString(pkg.resolve("rdf.yaml"), rdf.replace(m.group(1), "2"
			.repeat(64)));
		GanException e = assertThrows(GanException.class, () -> store().install(pkg
			.toString(), null, null, null, null));
		assertEquals("test_input.npy in " + pkg + " is damaged or not the " +
			"published file: its sha256 is " + m.group(1) + " but the descriptor " +
			"says " + "2".repeat(64), e.getMessage());
		assertEquals(List.of(), storeEntries());
	}

	@Test
	void aModelsFolderInsideTheModelToInstallIsRefused() throws IOException {
		Path source = Files.createDirectories(dir.resolve("pkg"));
		Files.writeString(source.resolve("rdf.yaml"), "type: model\n");
		for (Path root : List.of(source, source.resolve("sub"))) {
			GanException e = assertThrows(GanException.class, () -> new ModelStore(
				root).install(source.toString(), "x", null, null, null));
			assertTrue(e.getMessage().contains("lie one in the other"), e
				.getMessage());
		}
		try (Stream<Path> s = Files.list(source)) {
			assertEquals(List.of(source.resolve("rdf.yaml")), s.toList());
		}
	}

	@Test
	void aFailedDownloadSaysWhyInWords() {
		java.net.URI uri = java.net.URI.create("http://models.example/x.onnx");
		assertEquals("could not connect to models.example (no network, a proxy " +
			"needed, or the server is down)", ModelDownload.reason(
				new java.net.ConnectException(), uri));
		IOException unresolved = new java.net.ConnectException();
		unresolved.initCause(new java.nio.channels.UnresolvedAddressException());
		assertEquals("the host models.example is not known (check the address " +
			"and the network)", ModelDownload.reason(unresolved, uri));
		assertEquals("the server closed the connection before the download " +
			"ended; try again", ModelDownload.reason(new IOException("closed"), uri));
		assertEquals("disk full", ModelDownload.reason(new IOException("disk full"),
			uri));
	}

	/**
	 * The reason a store operation failed, without the hidden staging path the
	 * file system names: a user who may not write the store read only "... ->
	 * .../.denoise.removing-HEX".
	 */
	@Test
	void aFailedStoreOperationGivesItsReasonWithoutThePaths() {
		assertEquals("permission denied", ModelStore.reason(
			new java.nio.file.AccessDeniedException("/s/denoise",
				"/s/.denoise.removing-1f", null)));
		assertEquals("No space left on device", ModelStore.reason(
			new java.nio.file.FileSystemException("/m/loss.csv",
				"/s/.denoise.installing-1f/loss.csv", "No space left on device")));
	}

	@Test
	void removeDeletesOnlyInstalledModelsInsideTheStore() throws IOException {
		Path onnx = OnnxModels.identity(1).write(Files.createDirectories(dir
			.resolve("src")), "id.onnx");
		store().install(onnx.toString(), "id", null, null, null);
		Files.createDirectories(dir.resolve("models/notes"));
		Path outside = Files.createDirectories(dir.resolve("precious"));
		Files.writeString(outside.resolve("model.onnx"), "keep me");
		Files.createSymbolicLink(dir.resolve("models/link"), outside);

		for (String name : new String[] { "../precious", "/tmp", "..", ".", "a/b",
			"" })
		{
			GanException e = assertThrows(GanException.class, () -> store().remove(
				name));
			assertTrue(e.getMessage().startsWith("model name '"), e.getMessage());
		}
		GanException link = assertThrows(GanException.class, () -> store().remove(
			"link"));
		assertTrue(link.getMessage().endsWith(
			"is a link, not a model installed here; remove it by hand"));
		GanException notModel = assertThrows(GanException.class, () -> store()
			.remove("notes"));
		assertTrue(notModel.getMessage().contains(
			"so it is not a model installed here"));
		GanException absent = assertThrows(GanException.class, () -> store().remove(
			"nothing"));
		assertEquals("no model called 'nothing' in " + dir.resolve("models") +
			" (installed: id, link)", absent.getMessage());

		store().remove("id");
		assertEquals(List.of("link", "notes"), storeEntries());
		assertEquals("keep me", Files.readString(outside.resolve("model.onnx")));
		assertFalse(Files.exists(dir.resolve("models/id")));
	}
}


package org.fijigan.core.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.io.MoveInJournal;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.OutputTransform;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.model.bioimage.Axis;
import org.fijigan.core.model.bioimage.BioImageModel;
import org.fijigan.core.model.bioimage.BioImageRdf;
import org.fijigan.core.model.bioimage.ProcessingStep;
import org.fijigan.core.model.bioimage.RdfYaml;
import org.fijigan.core.model.bioimage.TensorDescription;
import org.fijigan.core.pipeline.Generator;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.tiling.AxisConstraint;
import org.fijigan.ij1.ImageFileCodec;
import org.fijigan.testing.BioImageIoRules;
import org.fijigan.testing.BioImageIoSchema;
import org.fijigan.testing.JdllDescriptorContract;
import org.fijigan.testing.OnnxModels;
import org.fijigan.testing.PackageTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@link PackageWriter} on the tiny models of {@link OnnxModels}: every package
 * loads back as the model that was packaged, its test tensors (raw in, as
 * bioimage.io wants them) reproduce when preprocessed and run as bioimage.io
 * does, packages with a model card pass bioimage.io's JSON schema and library
 * rules and load in JDLL's parser, and fiji-gan gives the same result through
 * the package as through the bare .onnx.
 */
class PackageModelTest {

	@TempDir
	Path dir;

	/**
	 * A 16-bit fluorescence-like field: blobs on a background, with seeded noise.
	 */
	static RasterImage sample16(int w, int h, long seed) {
		Random r = new Random(seed);
		short[] p = new short[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				double v = 300 + 2000 * Math.exp(-((x - w / 3.0) * (x - w / 3.0) + (y -
					h / 2.0) * (y - h / 2.0)) / 80) + 1200 * Math.exp(-((x - 0.7 * w) *
						(x - 0.7 * w) + (y - 0.3 * h) * (y - 0.3 * h)) / 40) + 40 * r
							.nextGaussian();
				p[y * w + x] = (short) Math.max(0, Math.min(65535, Math.round(v)));
			}
		return new RasterImage(w, h, 1, 1, 1, PixelType.UINT16, new Object[] { p })
			.setTitle("sample");
	}

	static RasterImage sampleRgb(int w, int h, long seed) {
		Random r = new Random(seed);
		int[] p = new int[w * h];
		for (int i = 0; i < p.length; i++)
			p[i] = 0xff000000 | r.nextInt(256) << 16 | (i % w) * 255 / w << 8 | (i /
				w) * 255 / h;
		return new RasterImage(w, h, 1, 1, 1, PixelType.RGB, new Object[] { p })
			.setTitle("rgb");
	}

	static final List<PackageOptions.Person> AUTHORS = List.of(
		PackageOptions.Person.author("Ada Lovelace"));
	static final List<PackageOptions.Person> MAINTAINERS = List.of(
		PackageOptions.Person.maintainer("ada-lovelace"));

	PackageOptions options(Path model, String folder, RasterImage sample) {
		return new PackageOptions(model, ModelOverrides.NONE, dir.resolve(folder),
			"test model", null, "A tiny model built in code.", sample, null, "MIT",
			AUTHORS, MAINTAINERS, List.of(PackageOptions.Citation.parse(
				"fiji-gan tests=https://example.org/fiji-gan")), List.of("test"), null,
			null, 0, 0, false);
	}

	/**
	 * {@code o} with a model card that has the validation section bioimage.io
	 * asks for.
	 */
	PackageOptions withCard(PackageOptions o) throws IOException {
		Path card = Files.writeString(dir.resolve(o.folder().getFileName() +
			"-card.md"), "# test model\n\n" +
				"## Validation\nBuilt in code; not validated on data.\n");
		return new PackageOptions(o.model(), o.overrides(), o.folder(), o.name(), o
			.id(), o.description(), o.sample(), o.mask(), o.license(), o.authors(), o
				.maintainers(), o.citations(), o.tags(), card, o.normalization(), o
					.testSize(), o.seed(), o.overwrite());
	}

	/**
	 * The package passes bioimage.io's JSON schema and library rules, and JDLL's
	 * parser reads it as the specification does.
	 */
	static void valid(PackageResult r) {
		assertEquals(List.of(), BioImageIoSchema.validate(r.descriptor()));
		assertEquals(List.of(), BioImageIoRules.check(r.descriptor()));
		assertEquals(List.of(), JdllDescriptorContract.check(r.descriptor()));
		assertEquals(List.of(), JdllDescriptorContract.scaleReadingsAgree(r
			.descriptor()));
	}

	/** How a test's codec writes an image. */
	interface ImageWrite {

		void write(RasterImage image, String extension, Path file);
	}

	/**
	 * The image codec package-model uses, writing through {@code write}: for a
	 * failure or a race at a chosen file.
	 */
	static org.fijigan.core.batch.ImageCodec writingThrough(ImageWrite write) {
		return new org.fijigan.core.batch.ImageCodec() {

			@Override
			public boolean isImage(Path file) {
				return ImageFileCodec.INSTANCE.isImage(file);
			}

			@Override
			public boolean canWrite(String extension) {
				return ImageFileCodec.INSTANCE.canWrite(extension);
			}

			@Override
			public String cannotWrite(String extension, RasterImage image) {
				return ImageFileCodec.INSTANCE.cannotWrite(extension, image);
			}

			@Override
			public RasterImage read(Path file, String role) {
				return ImageFileCodec.INSTANCE.read(file, role);
			}

			@Override
			public void write(RasterImage image, String extension, Path file) {
				write.write(image, extension, file);
			}
		};
	}

	static PackageResult pack(PackageOptions o) {
		return PackageWriter.write(o, ImageFileCodec.INSTANCE, CancellationToken
			.none());
	}

	static void reproduces(PackageResult r) {
		PackageTensors.Check c = PackageTensors.run(r.descriptor());
		assertTrue(c.relativeError() <= 1e-6, "test output differs by " + c
			.maxAbsDiff());
	}

	@Test
	void superResolutionPackageLoadsBackAsTheSameModelAndRunsTheSame()
		throws IOException
	{
		Path onnx = OnnxModels.pixelShuffle(1, 2).write(dir, "sr2.onnx");
		ModelDescriptor bare = ModelLoader.load(onnx.toString(),
			ModelOverrides.NONE);
		RasterImage sample = sample16(100, 90, 1);
		PackageResult r = pack(withCard(options(onnx, "sr2", sample)));
		valid(r);

		Path pkg = dir.resolve("sr2");
		for (String f : List.of("rdf.yaml", "sr2.onnx", "test_input.npy",
			"test_output.npy", "cover.png", "sample_input.tif", "sample_output.tif",
			"README.md"))
			assertTrue(Files.isRegularFile(pkg.resolve(f)), f);
		// the samples hold the tensors' values, at their own bit depth: 16-bit in,
		// the model's float output out, so that the package run on its sample
		// gives its sample output
		RasterImage sampleIn = ImageFileCodec.INSTANCE.read(pkg.resolve(
			"sample_input.tif"), "sample");
		RasterImage sampleOut = ImageFileCodec.INSTANCE.read(pkg.resolve(
			"sample_output.tif"), "sample");
		assertEquals(PixelType.UINT16, sampleIn.type());
		assertEquals(PixelType.FLOAT32, sampleOut.type());
		assertArrayEquals(Npy.read(pkg.resolve("test_input.npy")).toFloatArray(),
			PackageTensors.tensorOf(sampleIn, bare.image().layout()));
		assertArrayEquals(Npy.read(pkg.resolve("test_output.npy")).toFloatArray(),
			PackageTensors.tensorOf(sampleOut, bare.outputLayout()));
		assertEquals(pkg.resolve("rdf.yaml"), r.descriptor());
		ModelDescriptor d = r.model();
		assertEquals(TaskKind.SUPER_RESOLUTION, d.task());
		assertEquals(2.0, d.scale());
		assertEquals(bare.haloPixels(), d.haloPixels());
		assertEquals(1, d.image().channels());
		// the smallest input m gives 2m output pixels, of which 2 x 2h are halo (h
		// = the halo in input
		// pixels): bioimage.io wants 2m - 4h >= 1
		int h = bare.haloPixels();
		assertEquals(AxisConstraint.minStep((4 * h + 2) / 2, 1), d.image().x());
		assertEquals(bare.image().layout(), d.image().layout());
		assertEquals(ValueRange.ZERO_ONE, d.inputRange());
		assertEquals(bare.sha256(), d.sha256());
		assertEquals("rdf.yaml", d.origins().get("scale"));
		assertEquals("test model", d.name());

		BioImageModel rdf = BioImageRdf.read(r.descriptor());
		assertEquals(PackageWriter.FORMAT_VERSION, rdf.formatVersion());
		assertEquals(List.of("cover.png"), rdf.covers());
		assertEquals("MIT", rdf.license());
		assertEquals(List.of("Ada Lovelace"), rdf.authors());
		assertEquals(17, rdf.opsetVersion());
		assertEquals(List.of(pkg.resolve("test_input.npy").toAbsolutePath()
			.normalize()), rdf.testInputs());
		Axis x = rdf.outputs().get(0).axis("x").orElseThrow();
		assertEquals(2.0, x.reference().scale());
		// pixel sizes 4 (input) and 2 (output): size factor 4 / 2 by the
		// specification, 2 by JDLL
		assertEquals(2.0, x.scale());
		assertEquals(4.0, rdf.inputs().get(0).axis("x").orElseThrow().scale());
		assertEquals(d.haloPixels() * 2, x.halo());
		ProcessingStep.ScaleRange step = assertInstanceOf(
			ProcessingStep.ScaleRange.class, rdf.inputs().get(0).processing().get(0));
		assertEquals(1.0, step.minPercentile());
		assertEquals(99.8, step.maxPercentile());
		assertEquals(List.of("y", "x"), step.axes());
		assertTrue(rdf.outputs().get(0).processing().isEmpty());
		assertEquals("super-resolution", ((Map<?, ?>) rdf.config().get("fiji-gan"))
			.get("task"));
		assertFalse(((Map<?, ?>) rdf.config().get("fiji-gan")).containsKey(
			"test_tensors"));
		assertEquals("test-model", Map.class.cast(new Yaml().load(Files.readString(r
			.descriptor()))).get("id"));

		// the test tensors: the whole 100x90 sample as it is (raw), and the model
		// output
		NpyArray in = Npy.read(pkg.resolve("test_input.npy"));
		assertArrayEquals(new long[] { 1, 1, 90, 100 }, in.shape());
		float[] v = in.toFloatArray();
		short[] raw = (short[]) sample.plane(0);
		for (int i = 0; i < v.length; i++)
			assertEquals(raw[i] & 0xffff, v[i], 0, "pixel " + i);
		assertArrayEquals(new long[] { 1, 1, 180, 200 }, Npy.read(pkg.resolve(
			"test_output.npy")).shape());
		reproduces(r);

		// fiji-gan gives the same result through the package as through the bare
		// model
		InferenceOptions float32 = InferenceOptions.defaults().withFloatOutput(true)
			.withDevice(DeviceSpec.CPU, 1);
		RasterImage viaPackage = ImageToImage.run(d, sample, float32, null,
			CancellationToken.none()).image();
		RasterImage viaOnnx = ImageToImage.run(bare, sample, float32, null,
			CancellationToken.none()).image();
		float[] a = (float[]) viaPackage.plane(0), b = (float[]) viaOnnx.plane(0);
		double most = 0;
		for (int i = 0; i < a.length; i++)
			most = Math.max(most, Math.abs(a[i] - b[i]));
		assertTrue(most <= 1e-4 * 2000, "the package changes the result by " +
			most);
	}

	@Test
	void packagingTwiceGivesTheSameBytes() throws IOException {
		Path onnx = OnnxModels.pixelShuffle(1, 2).write(dir, "sr2.onnx");
		RasterImage sample = sample16(60, 50, 9);
		PackageResult a = pack(withCard(options(onnx, "a", sample)));
		PackageResult b = pack(withCard(options(onnx, "b", sample)));
		List<String> names = a.files().stream().map(f -> f.getFileName().toString())
			.toList();
		assertEquals(names, b.files().stream().map(f -> f.getFileName().toString())
			.toList());
		for (String f : names)
			assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files
				.readAllBytes(dir.resolve("b").resolve(f)), f);
	}

	/** The names in {@code dir}, hidden ones too. */
	/** Every file of {@code folder}, by name. */
	static java.util.Map<String, byte[]> contents(Path folder)
		throws IOException
	{
		java.util.Map<String, byte[]> files = new java.util.TreeMap<>();
		for (String n : names(folder))
			files.put(n, Files.readAllBytes(folder.resolve(n)));
		return files;
	}

	/** A pixel shuffle x2 like the one the tests package, with other bytes. */
	Path anotherModel() throws IOException {
		Files.createDirectories(dir.resolve("other"));
		return OnnxModels.pixelShuffle(1, 2).metadata("note", "another").write(dir
			.resolve("other"), "sr2.onnx");
	}

	/** {@code o} for {@code model}, with --overwrite. */
	static PackageOptions over(PackageOptions o, Path model) {
		return new PackageOptions(model, o.overrides(), o.folder(), o.name(), o
			.id(), o.description(), o.sample(), o.mask(), o.license(), o.authors(), o
				.maintainers(), o.citations(), o.tags(), o.documentation(), o
					.normalization(), o.testSize(), o.seed(), true);
	}

	static java.util.Set<String> names(Path dir) throws IOException {
		try (var s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).collect(
				java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
		}
	}

	@Test
	void aPackageThatFailsHalfWayLeavesNothing() throws IOException {
		Path onnx = OnnxModels.pixelShuffle(1, 2).write(dir, "sr2.onnx");
		PackageOptions o = withCard(options(onnx, "pkg", sample16(60, 50, 9)));
		java.util.Set<String> before = names(dir);
		// the weights and test tensors are written, then the cover fails
		org.fijigan.core.batch.ImageCodec failing = writingThrough((image,
			extension, file) -> {
			if (file.getFileName().toString().contains("cover"))
				throw new GanException("disk on fire");
			ImageFileCodec.INSTANCE.write(image, extension, file);
		});
		assertThrows(GanException.class, () -> PackageWriter.write(o, failing,
			CancellationToken.none()));
		assertEquals(before, names(dir), "no package folder, no hidden leftovers");
		// and nothing stands in the way of packaging it again
		assertTrue(Files.isRegularFile(pack(o).descriptor()));

		// over that package, with --overwrite, another model's package fails at
		// its cover: the folder keeps the first package whole (before, its weights
		// and test tensors were already replaced, beside the old rdf.yaml) and the
		// user's own file
		Path pkg = o.folder();
		Files.writeString(pkg.resolve("my-notes.txt"), "mine");
		java.util.Map<String, byte[]> first = contents(pkg);
		Path other = anotherModel();
		PackageOptions over = over(o, other);
		assertThrows(GanException.class, () -> PackageWriter.write(over, failing,
			CancellationToken.none()));
		assertEquals(first.keySet(), names(pkg));
		for (var f : first.entrySet())
			assertArrayEquals(f.getValue(), Files.readAllBytes(pkg.resolve(f
				.getKey())), f.getKey());
		java.util.Set<String> beside = new java.util.TreeSet<>(before);
		beside.addAll(List.of("pkg", "other"));
		assertEquals(beside, names(dir), "no hidden leftovers beside it");
		PackageResult replaced = PackageWriter.write(over, ImageFileCodec.INSTANCE,
			CancellationToken.none());
		assertEquals(ModelLoader.sha256(other), replaced.model().sha256());
		assertEquals("mine", Files.readString(pkg.resolve("my-notes.txt")));
		java.util.Set<String> replacedNames = new java.util.TreeSet<>(first
			.keySet());
		replacedNames.add(PackageWriter.LOCK);
		assertEquals(replacedNames, names(pkg),
			"the same files replaced, beside the lock of the run that replaced them");
	}

	/** Stands for a kill: nothing of the run after it happens. */
	static final class Killed extends Error {

		private static final long serialVersionUID = 1L;
	}

	/**
	 * Another model's package moved over a package with --overwrite, stopped
	 * after every fifth rename in turn: killed (nothing undone in the run), the
	 * next run on the folder puts the earlier package back byte for byte before
	 * it looks at the folder; a rename that fails is undone in the run. The
	 * earlier move-in deleted the descriptor first: a kill left a folder with no
	 * rdf.yaml, the earlier package's files no longer found, and a rerun kept the
	 * other model's weights beside the new package.
	 */
	@Test
	void aMoveInStoppedAfterAnyRenameLeavesTheEarlierPackageToPutBack()
		throws IOException
	{
		Path first = OnnxModels.identity(1).write(dir, "first.onnx");
		Path second = OnnxModels.addConstant(1, 0.5f).write(dir, "second.onnx");
		PackageOptions o = withCard(options(first, "pkg", sample16(20, 20, 7)));
		pack(o);
		Path pkg = o.folder().toAbsolutePath().normalize();
		Files.writeString(pkg.resolve("notes.txt"), "mine");
		java.util.Map<String, byte[]> earlier = contents(pkg);
		PackageOptions over = over(o, second);
		java.util.Set<String> beside = names(dir);
		String note = "a package-model run was killed while it moved its " +
			"package into " + pkg + "; the earlier package is put back as it was";
		int kills = 0;
		try {
			// every fifth rename, to keep the test short
			for (int n = 0;; n += 5) {
				int stop = n;
				boolean[] stopped = { false };
				MoveInJournal.beforeRename = done -> {
					if (done == stop) {
						stopped[0] = true;
						throw new Killed();
					}
				};
				PackageResult r;
				try {
					r = PackageWriter.write(over, ImageFileCodec.INSTANCE,
						CancellationToken.none());
				}
				catch (Killed k) {
					r = null;
				}
				MoveInJournal.beforeRename = done -> {};
				if (!stopped[0]) {
					assertEquals(ModelLoader.sha256(second), r.model().sha256());
					break;
				}
				kills++;
				// the next run, refused as the folder is not empty, puts the earlier
				// package back first
				GanException e = assertThrows(GanException.class, () -> PackageWriter
					.write(o, ImageFileCodec.INSTANCE, CancellationToken.none()));
				assertTrue(e.getMessage().startsWith(pkg + " is not empty; pass " +
					"--overwrite") && e.getMessage().endsWith("(" + note + ")"), e
						.getMessage());
				java.util.Map<String, byte[]> now = contents(pkg);
				now.remove(PackageWriter.LOCK);
				assertEquals(earlier.keySet(), now.keySet(), "after " + n);
				for (var f : earlier.entrySet())
					assertArrayEquals(f.getValue(), now.get(f.getKey()), f.getKey() +
						" after " + n);
				assertEquals(beside, names(dir), "no hidden folder left after " + n);
			}
		}
		finally {
			MoveInJournal.beforeRename = done -> {};
		}
		assertTrue(kills >= 3, "renames stopped: " + kills);
		assertFalse(Files.exists(pkg.resolve("first.onnx")),
			"the earlier model's weights went");
		assertEquals("mine", Files.readString(pkg.resolve("notes.txt")));

		// a killed run, then the same command again: the note, then the package
		// over the earlier one whole, none of the killed run's files left
		MoveInJournal.beforeRename = done -> {
			if (done == 6) throw new Killed();
		};
		try {
			assertThrows(Killed.class, () -> PackageWriter.write(over(o, first),
				ImageFileCodec.INSTANCE, CancellationToken.none()));
		}
		finally {
			MoveInJournal.beforeRename = done -> {};
		}
		PackageResult again = PackageWriter.write(over(o, first),
			ImageFileCodec.INSTANCE, CancellationToken.none());
		assertEquals(note, again.notes().get(0));
		assertFalse(Files.exists(pkg.resolve("second.onnx")));
		assertEquals(ModelLoader.sha256(first), again.model().sha256());
		assertEquals(beside, names(dir));

		// a rename that fails is undone in the run
		java.util.Map<String, byte[]> now = contents(pkg);
		MoveInJournal.beforeRename = done -> {
			if (done == 5) throw new IOException("No space left on device");
		};
		try {
			GanException e = assertThrows(GanException.class, () -> PackageWriter
				.write(over, ImageFileCodec.INSTANCE, CancellationToken.none()));
			assertEquals("cannot move the package's files into " + pkg +
				": No space left on device; nothing of this run was written, and " +
				"the earlier package is as it was", e.getMessage());
		}
		finally {
			MoveInJournal.beforeRename = done -> {};
		}
		assertEquals(now.keySet(), contents(pkg).keySet());
		assertArrayEquals(now.get("first.onnx"), Files.readAllBytes(pkg.resolve(
			"first.onnx")));
		assertArrayEquals(now.get(PackageWriter.RDF), Files.readAllBytes(pkg
			.resolve(PackageWriter.RDF)));
		assertEquals(beside, names(dir));
	}

	/**
	 * Two runs moving their files into one existing folder would mix their
	 * packages (one's weights under the other's rdf.yaml): the second waits for
	 * no one, it fails and writes nothing.
	 */
	@Test
	void aRunMovingItsPackageIntoAFolderKeepsAnotherOut() throws IOException {
		Path onnx = OnnxModels.pixelShuffle(1, 2).write(dir, "sr2.onnx");
		PackageOptions o = withCard(options(onnx, "pkg", sample16(60, 50, 9)));
		pack(o);
		Path pkg = o.folder();
		java.util.Map<String, byte[]> first = contents(pkg);
		Path other = anotherModel();
		PackageOptions over = over(o, other);
		try (var busy = org.fijigan.core.io.FolderLock.acquire(pkg,
			PackageWriter.LOCK, "the folder", "taken"))
		{
			GanException e = assertThrows(GanException.class, () -> PackageWriter
				.write(over, ImageFileCodec.INSTANCE, CancellationToken.none()));
			assertEquals(pkg + " is being written by another package-model run; " +
				"nothing of this run was written: run it again once that one ends", e
					.getMessage());
		}
		java.util.Set<String> expected = new java.util.TreeSet<>(first.keySet());
		expected.add(PackageWriter.LOCK);
		assertEquals(expected, names(pkg));
		for (var f : first.entrySet())
			assertArrayEquals(f.getValue(), Files.readAllBytes(pkg.resolve(f
				.getKey())), f.getKey());
		assertEquals(ModelLoader.sha256(other), PackageWriter.write(over,
			ImageFileCodec.INSTANCE, CancellationToken.none()).model().sha256(),
			"once the other run ends");

		// a folder that holds nothing but the lock is empty: no --overwrite needed
		for (String n : names(pkg))
			if (!n.equals(PackageWriter.LOCK)) Files.delete(pkg.resolve(n));
		assertTrue(Files.isRegularFile(pack(o).descriptor()));
	}

	@Test
	void twoRunsMakingOneNewPackageLeaveExactlyOneWholePackage()
		throws Exception
	{
		Path onnx = OnnxModels.pixelShuffle(1, 2).write(dir, "sr2.onnx");
		PackageOptions o = withCard(options(onnx, "race", sample16(60, 50, 9)));
		PackageResult reference = pack(withCard(options(onnx, "reference", sample16(
			60, 50, 9))));
		var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			var a = pool.submit(() -> pack(o));
			var b = pool.submit(() -> pack(o));
			int won = 0;
			for (var f : List.of(a, b))
				try {
					f.get();
					won++;
				}
				catch (java.util.concurrent.ExecutionException e) {
					assertInstanceOf(GanException.class, e.getCause());
					// refused before it started, or when its rename found the folder
					// taken (Linux's "Directory not empty" once gave a raw message)
					String m = e.getCause().getMessage();
					assertTrue(m.contains(" is not empty; pass --overwrite") || m
						.contains(" was filled by someone else while the package was made"),
						m);
				}
			assertEquals(1, won);
		}
		finally {
			pool.shutdown();
		}
		java.util.Set<String> files = names(dir.resolve("race"));
		assertEquals(names(dir.resolve("reference")), files);
		for (String f : files)
			if (!f.equals("rdf.yaml")) assertArrayEquals(Files.readAllBytes(dir
				.resolve("reference").resolve(f)), Files.readAllBytes(dir.resolve(
					"race").resolve(f)), f);
		assertFalse(names(dir).stream().anyMatch(n -> n.startsWith(".")), names(dir)
			.toString());
		assertTrue(Files.isRegularFile(reference.descriptor()));
	}

	@Test
	void aPackageMadeInAFolderAnotherRunFilledMeanwhileIsNotWritten()
		throws Exception
	{
		// the other run's package lands in the folder after this run checked it
		// (while this one makes its files): without --overwrite this one writes
		// nothing, and the other's package stays as it was
		Path onnx = OnnxModels.pixelShuffle(1, 2).write(dir, "sr2.onnx");
		Path small = OnnxModels.identity(1).write(dir, "id.onnx");
		PackageOptions o = withCard(options(onnx, "pp", sample16(60, 50, 9)));
		PackageResult other = pack(withCard(options(small, "other", sample16(60, 50,
			9))));
		Map<String, byte[]> theirs = contents(other.folder());
		Path pp = dir.resolve("pp");
		org.fijigan.core.batch.ImageCodec filling = writingThrough((image,
			extension, file) -> {
			ImageFileCodec.INSTANCE.write(image, extension, file);
			try {
				if (!Files.exists(pp)) {
					Files.createDirectories(pp);
					for (var f : theirs.entrySet())
						Files.write(pp.resolve(f.getKey()), f.getValue());
				}
			}
			catch (IOException e) {
				throw new java.io.UncheckedIOException(e);
			}
		});
		GanException e = assertThrows(GanException.class, () -> PackageWriter.write(
			o, filling, CancellationToken.none()));
		assertEquals(pp + " is not empty; pass --overwrite to write the package " +
			"into it (its package files are replaced, the other files package-model " +
			"wrote for an earlier package removed, other files kept)", e
				.getMessage());
		assertEquals(theirs.keySet(), names(pp));
		for (var f : theirs.entrySet())
			assertArrayEquals(f.getValue(), Files.readAllBytes(pp.resolve(f
				.getKey())), f.getKey());
		assertFalse(names(dir).stream().anyMatch(n -> n.startsWith(".")), names(dir)
			.toString());
	}

	@Test
	void aGreySampleThroughAThreeChannelModelIsFedToEveryChannel()
		throws IOException
	{
		Path onnx = OnnxModels.conv3x3(3, 1, 5, 1).write(dir, "c3.onnx");
		RasterImage grey = sample16(40, 30, 3);
		PackageResult r = pack(withCard(options(onnx, "c3", grey)));
		NpyArray in = Npy.read(r.folder().resolve(PackageWriter.TEST_INPUT));
		assertEquals(List.of(1L, 3L, 30L, 40L), Arrays.stream(in.shape()).boxed()
			.toList());
		float[] v = in.toFloatArray();
		int plane = 30 * 40;
		for (int i = 0; i < plane; i++) {
			assertEquals(v[i], v[plane + i], "channel 1 at " + i);
			assertEquals(v[i], v[2 * plane + i], "channel 2 at " + i);
		}
		reproduces(r);
		// the sample as fed: three channels, as the descriptor declares, at the
		// sample's own bit depth (it was the one grey channel)
		RasterImage sampleIn = ImageFileCodec.INSTANCE.read(r.folder().resolve(
			"sample_input.tif"), "sample");
		assertEquals(PixelType.UINT16, sampleIn.type());
		assertEquals(3, sampleIn.logicalChannels());
		assertArrayEquals(v, PackageTensors.tensorOf(sampleIn, r.model().image()
			.layout()));
		assertTrue(r.notes().contains("grey sample fed to all 3 model channels " +
			"(the test input and sample_input hold it 3 times)"), r.notes()
				.toString());

		// an 8-bit one: an RGB sample_input.png, R = G = B
		PackageResult r8 = pack(withCard(options(onnx, "c3u8", sample8(40, 30,
			3))));
		float[] v8 = Npy.read(r8.folder().resolve(PackageWriter.TEST_INPUT))
			.toFloatArray();
		RasterImage png = ImageFileCodec.INSTANCE.read(r8.folder().resolve(
			"sample_input.png"), "sample");
		assertEquals(PixelType.RGB, png.type());
		float[] colour = new float[plane];
		for (int c = 0; c < 3; c++) {
			png.readRegion(c, 0, 0, 0, 0, 40, 30, colour, 0);
			assertArrayEquals(Arrays.copyOfRange(v8, c * plane, (c + 1) * plane),
				colour, "colour " + c);
		}
		reproduces(r8);
	}

	/**
	 * A noisy colour sample through a x4 model: its cover, two 512 px panels of
	 * noise, took over 800 KB as PNG, over the 500 KB bioimage.io takes. It is
	 * made smaller until it fits, the same each time, with a note.
	 */
	@Test
	void aNoisyCoverIsMadeSmallerUntilItFitsBioImageIosLimit()
		throws IOException
	{
		Path onnx = OnnxModels.pixelShuffle(3, 4).write(dir, "sr4.onnx");
		Random random = new Random(17);
		int[] p = new int[200 * 200];
		for (int i = 0; i < p.length; i++)
			p[i] = 0xff000000 | random.nextInt(1 << 24);
		RasterImage noise = new RasterImage(200, 200, 1, 1, 1, PixelType.RGB,
			new Object[] { p }).setTitle("noise");
		PackageOptions o = withCard(options(onnx, "cov", noise));
		PackageOptions sized = new PackageOptions(o.model(), o.overrides(), o
			.folder(), o.name(), o.id(), o.description(), o.sample(), o.mask(), o
				.license(), o.authors(), o.maintainers(), o.citations(), o.tags(), o
					.documentation(), o.normalization(), 128, o.seed(), o.overwrite());
		PackageResult r = pack(sized);
		Path cover = r.folder().resolve(PackageWriter.COVER);
		long bytes = Files.size(cover);
		assertTrue(bytes <= 500_000, "cover of " + bytes + " bytes");
		RasterImage c = ImageFileCodec.INSTANCE.read(cover, "cover");
		assertTrue(c.width() < 1028 && c.width() >= c.height() && c.width() <= 2 * c
			.height(), c.width() + "x" + c.height());
		assertTrue(r.notes().stream().anyMatch(n -> n.startsWith(
			"the cover, 1028x514 px, took ") && n.contains(
				" bytes as PNG, over the 500 KB bioimage.io takes; it is shown at " + c
					.width() + "x" + c.height() + " px")), r.notes().toString());
		valid(r);
		// the same again
		PackageResult again = pack(new PackageOptions(o.model(), o.overrides(), dir
			.resolve("cov2"), o.name(), o.id(), o.description(), o.sample(), o.mask(),
			o.license(), o.authors(), o.maintainers(), o.citations(), o.tags(), o
				.documentation(), o.normalization(), 128, o.seed(), o.overwrite()));
		assertArrayEquals(Files.readAllBytes(cover), Files.readAllBytes(again
			.folder().resolve(PackageWriter.COVER)));
	}

	/**
	 * A sample with NaN or infinite pixels is refused, nothing written: its test
	 * input would hold them, and bioimage.io's percentiles would be NaN.
	 */
	@Test
	void aSampleWithNonFinitePixelsIsRefused() throws IOException {
		Path onnx = OnnxModels.identity(1).write(dir, "id.onnx");
		RasterImage sample = RasterImage.allocate(40, 30, 1, 1, 1,
			PixelType.FLOAT32).setTitle("field.tif");
		float[] v = (float[]) sample.plane(0);
		for (int i = 0; i < v.length; i++)
			v[i] = i % 97;
		v[5] = Float.NaN;
		v[40 * 15 + 20] = Float.POSITIVE_INFINITY;
		v[v.length - 1] = Float.NEGATIVE_INFINITY;
		GanException e = assertThrows(GanException.class, () -> pack(withCard(
			options(onnx, "nan", sample))));
		assertEquals("the sample field.tif holds 3 NaN or infinite pixels, which " +
			"a package's test input cannot hold (bioimage.io's percentiles of it " +
			"would be NaN): give a sample without them", e.getMessage());
		assertFalse(Files.exists(dir.resolve("nan")));
	}

	@Test
	void aModelThatGivesNaNOnTheSampleIsNotPackaged() throws IOException {
		Path onnx = OnnxModels.builder().input("x", "1,1,H,W").output("y",
			"1,1,H,W").node("Log", "x", "y").write(dir, "log.onnx"); // log(0) = -inf
		RasterImage sample = sample16(40, 30, 3);
		sample.writeRegion(0, 0, 0, 5, 5, 1, 1, new float[] { 0 }, 0);
		PackageOptions o = withCard(options(onnx, "log", sample));
		GanException e = assertThrows(GanException.class, () -> pack(o));
		assertTrue(e.getMessage().startsWith(
			"the model's output on the sample holds "), e.getMessage());
		assertTrue(e.getMessage().endsWith(
			": a package's test output must be finite; give another --sample, or " +
				"fix the model"), e.getMessage());
		assertFalse(Files.exists(dir.resolve("log")));
	}

	@Test
	void overridesGoIntoThePackage() {
		Path onnx = OnnxModels.conv3x3(1, 1, 5, 2).write(dir, "dn.onnx");
		PackageOptions o = options(onnx, "dn", sample16(64, 64, 2));
		o = new PackageOptions(o.model(), ModelOverrides.NONE.withTask(
			TaskKind.DENOISE).withHaloPixels(5).withRange(ValueRange.MINUS_ONE_ONE)
			.withOutputTransform(OutputTransform.SUBTRACT_FROM_INPUT), o.folder(), o
				.name(), null, o.description(), o.sample(), null, null, List.of(), List
					.of(), List.of(), List.of(), null, null, 0, 0, false);
		PackageResult r = pack(o);
		ModelDescriptor d = r.model();
		assertEquals(TaskKind.DENOISE, d.task());
		assertEquals(5, d.haloPixels());
		assertEquals(ValueRange.MINUS_ONE_ONE, d.inputRange());
		assertEquals(ValueRange.MINUS_ONE_ONE, d.outputRange());
		assertEquals(OutputTransform.SUBTRACT_FROM_INPUT, d.outputTransform());
		List<ProcessingStep> pre = d.preprocessing();
		assertEquals(2, pre.size());
		ProcessingStep.ScaleLinear lin = assertInstanceOf(
			ProcessingStep.ScaleLinear.class, pre.get(1));
		assertArrayEquals(new double[] { 2 }, lin.gain());
		assertArrayEquals(new double[] { -1 }, lin.offset());
		Map<?, ?> cfg = (Map<?, ?>) BioImageRdf.read(r.descriptor()).config().get(
			"fiji-gan");
		assertEquals("subtract", cfg.get("residual"));
		assertEquals("-1,1", cfg.get("value_range"));
		// halo 5 input pixels: the smallest input is 11 px, so that 11 - 2 x 5 >= 1
		assertEquals(AxisConstraint.minStep(11, 1), d.image().x());
		float[] in = Npy.read(dir.resolve("dn/test_input.npy")).toFloatArray();
		assertEquals(((short[]) o.sample().plane(0))[0] & 0xffff, in[0], 0,
			"raw values");
		reproduces(r);
		// no author, citation, licence or card: the package says what bioimage.io
		// will miss
		assertTrue(r.notes().stream().anyMatch(n -> n.contains("--author")), r
			.notes().toString());
		assertTrue(r.notes().stream().anyMatch(n -> n.contains("--maintainer")), r
			.notes().toString());
		assertTrue(r.notes().stream().anyMatch(n -> n.contains("--license")), r
			.notes().toString());
		assertTrue(r.notes().stream().anyMatch(n -> n.contains("model card")), r
			.notes().toString());
	}

	/** An 8-bit field of seeded noise on a ramp. */
	static RasterImage sample8(int w, int h, long seed) {
		Random r = new Random(seed);
		byte[] p = new byte[w * h];
		for (int i = 0; i < p.length; i++)
			p[i] = (byte) Math.max(0, Math.min(255, 20 + (i % w) * 200 / w + r
				.nextInt(30)));
		return new RasterImage(w, h, 1, 1, 1, PixelType.UINT8, new Object[] { p })
			.setTitle("sample8");
	}

	/**
	 * A uint8 model's package declares uint8 in and out, its test tensors are
	 * uint8, and its preprocessing ends in uint8, rounding as fiji-gan does: the
	 * steps computed as bioimage.io does (float32, truncating casts) give the
	 * test output.
	 */
	@Test
	void aUint8ModelIsPackagedWithUint8TensorsAndRoundingSteps()
		throws IOException
	{
		Path onnx = OnnxModels.builder().input("x",
			ai.onnx.proto.OnnxMl.TensorProto.DataType.UINT8_VALUE, "1,1,H,W").output(
				"y", ai.onnx.proto.OnnxMl.TensorProto.DataType.UINT8_VALUE, "1,1,H,W")
			.node("Identity", "x", "y").write(dir, "u8.onnx");
		PackageOptions o = options(onnx, "u8", sample8(40, 30, 5));
		PackageResult r = pack(withCard(new PackageOptions(o.model(), o.overrides(),
			o.folder(), o.name(), null, o.description(), o.sample(), null, o
				.license(), o.authors(), o.maintainers(), o.citations(), o.tags(), null,
			new Normalization.Percentile(1, 99.8), 0, 0, false)));
		valid(r);
		Map<String, Object> rdf = new Yaml().load(Files.readString(r.descriptor()));
		Map<?, ?> input = (Map<?, ?>) ((List<?>) rdf.get("inputs")).get(0);
		Map<?, ?> output = (Map<?, ?>) ((List<?>) rdf.get("outputs")).get(0);
		assertEquals(Map.of("type", "uint8"), input.get("data"));
		assertEquals(Map.of("type", "uint8"), output.get("data"));
		assertEquals(List.of("ensure_dtype", "scale_range", "scale_linear", "clip",
			"ensure_dtype"), ((List<?>) input.get("preprocessing")).stream().map(
				s -> ((Map<?, ?>) s).get("id")).toList());
		assertEquals(List.of(new ProcessingStep.EnsureDtype("float32"),
			new ProcessingStep.ScaleRange("per_sample", List.of("y", "x"), 1, 99.8,
				PackageWriter.SCALE_RANGE_EPS, null), new ProcessingStep.ScaleLinear(
					new double[] { 255 }, new double[] { 0.5 }, List.of("batch",
						"channel", "y", "x")), new ProcessingStep.Clip(0, 255.5),
			new ProcessingStep.EnsureDtype("uint8")).stream().map(
				ProcessingStep::describe).toList(), r.model().preprocessing().stream()
					.map(ProcessingStep::describe).toList());
		NpyArray in = Npy.read(dir.resolve("u8/test_input.npy"));
		NpyArray out = Npy.read(dir.resolve("u8/test_output.npy"));
		assertEquals(NpyArray.DType.UINT8, in.dtype());
		assertEquals(NpyArray.DType.UINT8, out.dtype());
		// the steps as bioimage.io computes them: percentiles as NumPy's default,
		// float32 arithmetic, the cast truncating
		float[] x = in.toFloatArray();
		float[] sorted = x.clone();
		Arrays.sort(sorted);
		float lo = (float) percentile(sorted, 1), hi = (float) percentile(sorted,
			99.8);
		float[] expected = new float[x.length];
		for (int i = 0; i < x.length; i++) {
			float v = (x[i] - lo) / (hi - lo + (float) PackageWriter.SCALE_RANGE_EPS);
			v = Math.max(0f, Math.min(255.5f, v * 255f + 0.5f));
			expected[i] = (int) v;
		}
		assertArrayEquals(expected, out.toFloatArray());
		reproduces(r);

		// fiji-gan through the package gives what it gives through the bare model
		// (which takes the 8-bit range, the package percentiles: up to a level of
		// the package's apart), without the half level the rounding offset would
		// shift it by
		ModelDescriptor bare = ModelLoader.load(onnx.toString(),
			ModelOverrides.NONE);
		RasterImage sample = sample8(40, 30, 5);
		InferenceOptions float32 = InferenceOptions.defaults().withFloatOutput(true)
			.withDevice(DeviceSpec.CPU, 1);
		float[] a = (float[]) ImageToImage.run(r.model(), sample, float32, null,
			CancellationToken.none()).image().plane(0);
		float[] b = (float[]) ImageToImage.run(bare, sample, float32, null,
			CancellationToken.none()).image().plane(0);
		double bias = 0, most = 0;
		for (int i = 0; i < a.length; i++) {
			bias += (a[i] - b[i]) / a.length;
			if (b[i] >= lo && b[i] <= hi) // not clipped by the percentiles
				most = Math.max(most, Math.abs(a[i] - b[i]));
		}
		float level = (hi - lo) / 255;
		assertTrue(Math.abs(bias) < 0.15 * level, "bias " + bias + ", a level " +
			level);
		assertTrue(most <= level * 1.001, "most " + most + ", a level " + level);

		// without --normalize, the package maps the 8-bit range as a plain run
		// does (percentiles gave values some 20 times apart), and gives its result
		PackageResult byDefault = pack(withCard(options(onnx, "u8default",
			sample)));
		valid(byDefault);
		reproduces(byDefault);
		assertEquals(List.of("ensure_dtype(float32)",
			"scale_linear(gain 1 offset 0.5)", "clip(0..255.5)",
			"ensure_dtype(uint8)"), byDefault.model().preprocessing().stream().map(
				ProcessingStep::describe).toList());
		float[] plain = org.fijigan.core.pipeline.TensorRecorder.record(bare,
			sample, null, float32, CancellationToken.none()).output().floats();
		assertArrayEquals(plain, Npy.read(dir.resolve("u8default/test_output.npy"))
			.toFloatArray());
		assertArrayEquals(b, (float[]) ImageToImage.run(byDefault.model(), sample,
			float32, null, CancellationToken.none()).image().plane(0));
	}

	/** NumPy's default (linear) percentile of sorted values. */
	static double percentile(float[] sorted, double percent) {
		double pos = percent / 100 * (sorted.length - 1);
		int i = (int) Math.floor(pos);
		int j = Math.min(i + 1, sorted.length - 1);
		return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
	}

	@Test
	void inputTypesBioImageIoCannotTestAreRefused() throws IOException {
		Path u8 = OnnxModels.builder().input("x",
			ai.onnx.proto.OnnxMl.TensorProto.DataType.UINT8_VALUE, "1,1,H,W").output(
				"y", ai.onnx.proto.OnnxMl.TensorProto.DataType.UINT8_VALUE, "1,1,H,W")
			.node("Identity", "x", "y").write(dir, "u8.onnx");
		GanException e = assertThrows(GanException.class, () -> pack(options(u8,
			"u8", sample16(40, 30, 5))));
		assertEquals("the model's input 'x' is uint8, and a bioimage.io " +
			"package's test input has the input's type: give an 8-bit --sample " +
			"(this one is 16-bit)", e.getMessage());
		Path f16 = OnnxModels.builder().input("x",
			ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT16_VALUE, "1,1,H,W")
			.output("y", ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT16_VALUE,
				"1,1,H,W").node("Identity", "x", "y").write(dir, "f16.onnx");
		e = assertThrows(GanException.class, () -> pack(options(f16, "f16",
			sample16(40, 30, 5))));
		assertEquals("the model's input 'x' is float16, which a bioimage.io " +
			"package cannot declare (it names float32, float64 and integer types): " +
			"export the model with a float32 input to package it", e.getMessage());
		assertFalse(Files.exists(dir.resolve("u8")) || Files.exists(dir.resolve(
			"f16")));
	}

	/**
	 * A float64 model's package declares float64 and ends its preprocessing in
	 * it.
	 */
	@Test
	void aFloat64ModelDeclaresFloat64() throws IOException {
		Path onnx = OnnxModels.builder().input("x",
			ai.onnx.proto.OnnxMl.TensorProto.DataType.DOUBLE_VALUE, "1,1,H,W").output(
				"y", ai.onnx.proto.OnnxMl.TensorProto.DataType.DOUBLE_VALUE, "1,1,H,W")
			.node("Identity", "x", "y").write(dir, "f64.onnx");
		PackageResult r = pack(withCard(options(onnx, "f64", sample16(40, 30, 5))));
		valid(r);
		Map<String, Object> rdf = new Yaml().load(Files.readString(r.descriptor()));
		Map<?, ?> input = (Map<?, ?>) ((List<?>) rdf.get("inputs")).get(0);
		assertEquals(Map.of("type", "float64"), input.get("data"));
		assertEquals(Map.of("type", "float64"), ((Map<?, ?>) ((List<?>) rdf.get(
			"outputs")).get(0)).get("data"));
		List<ProcessingStep> pre = r.model().preprocessing();
		assertEquals(new ProcessingStep.EnsureDtype("float32"), pre.get(0));
		assertEquals(new ProcessingStep.EnsureDtype("float64"), pre.get(pre.size() -
			1));
		reproduces(r);
	}

	@Test
	void rgbModelWithAFixedRangeFeedsRawValuesOver255() throws IOException {
		Path onnx = OnnxModels.identity(3).write(dir, "rgb.onnx");
		RasterImage sample = sampleRgb(40, 30, 3);
		PackageOptions o = options(onnx, "rgb", sample);
		o = new PackageOptions(o.model(), o.overrides(), o.folder(), o.name(), null,
			o.description(), sample, null, o.license(), o.authors(), o.maintainers(),
			o.citations(), o.tags(), null, new Normalization.BitDepthRange(), 0, 0,
			false);
		PackageResult r = pack(withCard(o));
		valid(r);
		assertEquals(3, r.model().image().channels());
		ProcessingStep.ScaleLinear lin = assertInstanceOf(
			ProcessingStep.ScaleLinear.class, r.model().preprocessing().get(0));
		assertEquals(1 / 255.0, lin.gain()[0], 1e-15);
		assertTrue(r.notes().stream().anyMatch(n -> n.contains("range:0,255")), r
			.notes().toString());
		NpyArray in = Npy.read(dir.resolve("rgb/test_input.npy"));
		assertArrayEquals(new long[] { 1, 3, 30, 40 }, in.shape());
		int px = ((int[]) sample.plane(0))[0];
		assertEquals((px >> 16) & 0xff, in.toFloatArray()[0], 0);
		assertEquals((px >> 8) & 0xff, in.toFloatArray()[30 * 40], 0);
		// the identity's output is the input mapped by 1/255
		assertEquals(((px >> 8) & 0xff) / 255f, Npy.read(dir.resolve(
			"rgb/test_output.npy")).toFloatArray()[30 * 40], 1e-6);
		assertTrue(Files.isRegularFile(dir.resolve("rgb/sample_input.png")),
			"an RGB sample stays RGB");
		byte[] png = Files.readAllBytes(dir.resolve("rgb/cover.png"));
		assertEquals(2, png[25], "an RGB model gets a colour cover");
	}

	/**
	 * An RGB sample's colour channels, fed together, are normalised by fiji-gan
	 * jointly (one map from their values together): the package declares its
	 * percentiles over the channel axis too, and its test output is what a plain
	 * run of the .onnx gives. Declared per channel (axes y, x), a dim red channel
	 * was stretched on its own and the package gave other pixels.
	 */
	@Test
	void anRgbPackageNormalisesItsChannelsJointlyAsAPlainRunDoes()
		throws IOException
	{
		Path onnx = OnnxModels.conv3x3(3, 3, 5, 1).write(dir, "rgbconv.onnx");
		Random random = new Random(8);
		int w = 40, h = 30;
		int[] p = new int[w * h];
		for (int i = 0; i < p.length; i++)
			p[i] = 0xff000000 | random.nextInt(60) << 16 | (i % w) * 255 / w << 8 |
				(100 + random.nextInt(100));
		RasterImage sample = new RasterImage(w, h, 1, 1, 1, PixelType.RGB,
			new Object[] { p }).setTitle("rgb");
		PackageResult r = pack(withCard(options(onnx, "rgbjoint", sample)));
		valid(r);
		reproduces(r);
		ProcessingStep.ScaleRange step = assertInstanceOf(
			ProcessingStep.ScaleRange.class, BioImageRdf.read(r.descriptor()).inputs()
				.get(0).processing().get(0));
		assertEquals(List.of("channel", "y", "x"), step.axes());
		ModelDescriptor bare = ModelLoader.load(onnx.toString(),
			ModelOverrides.NONE);
		float[] plain = org.fijigan.core.pipeline.TensorRecorder.record(bare,
			sample, null, InferenceOptions.defaults().withFloatOutput(true)
				.withDevice(DeviceSpec.CPU, 1), CancellationToken.none()).output()
			.floats();
		float[] test = Npy.read(dir.resolve("rgbjoint/test_output.npy"))
			.toFloatArray();
		assertEquals(plain.length, test.length);
		for (int i = 0; i < test.length; i++)
			assertEquals(plain[i], test[i], 1e-5, "value " + i);
	}

	@Test
	void aFineTunedModelsRecordedNormalisationIsWhatThePackageStates()
		throws IOException
	{
		Path onnx = OnnxModels.identity(1).metadata(ModelLoader.META_NORMALIZATION,
			"range:0,1000").write(dir, "tuned.onnx");
		RasterImage sample = sample16(40, 30, 7);
		PackageResult r = pack(withCard(options(onnx, "tuned", sample)));
		valid(r);
		ProcessingStep.ScaleLinear lin = assertInstanceOf(
			ProcessingStep.ScaleLinear.class, r.model().preprocessing().get(0));
		assertEquals(1 / 1000.0, lin.gain()[0], 1e-15);
		assertEquals(0, lin.offset()[0], 0);
		assertTrue(r.notes().contains("the model records fiji-gan.normalization " +
			"range:0,1000 (what it was fine-tuned with): the package states it " +
			"as its preprocessing"), r.notes().toString());
		float raw = Npy.read(dir.resolve("tuned/test_input.npy")).toFloatArray()[0];
		assertEquals(raw / 1000f, Npy.read(dir.resolve("tuned/test_output.npy"))
			.toFloatArray()[0], 1e-6);
		reproduces(r);

		// --normalize, given, is what the package states
		PackageOptions o = options(onnx, "given", sample).withNormalization(
			new Normalization.BitDepthRange());
		r = pack(withCard(o));
		lin = assertInstanceOf(ProcessingStep.ScaleLinear.class, r.model()
			.preprocessing().get(0));
		assertEquals(1 / 65535.0, lin.gain()[0], 1e-15);
		assertTrue(r.notes().stream().noneMatch(n -> n.contains("records")), r
			.notes().toString());
	}

	@Test
	void inpaintingPackageHoldsTheMaskAsTheModelTakesIt() throws IOException {
		Path onnx = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		PackageResult r = pack(withCard(options(onnx, "inp", sample16(48, 40, 4))));
		valid(r);
		ModelDescriptor d = r.model();
		assertEquals(TaskKind.INPAINT, d.task());
		assertEquals("mask", d.mask().inputName());
		assertEquals(1.0, d.mask().holeValue());
		BioImageModel rdf = BioImageRdf.read(r.descriptor());
		assertEquals(List.of("image", "mask"), rdf.inputs().stream().map(
			TensorDescription::id).toList());
		float[] mask = Npy.read(dir.resolve("inp/test_mask.npy")).toFloatArray();
		float[] image = Npy.read(dir.resolve("inp/test_input.npy")).toFloatArray();
		assertEquals(48 * 40, mask.length);
		int centre = 20 * 48 + 24, corner = 0;
		assertEquals(1f, mask[centre]);
		assertEquals(0f, mask[corner]);
		assertEquals(((short[]) sample16(48, 40, 4).plane(0))[centre] & 0xffff,
			image[centre], 0,
			"the raw image, holes and all: the model ignores what is under them");
		assertEquals(100, (int) Arrays.stream(toDoubles(mask)).sum(),
			"a 10x10 hole: a quarter of the shorter side");
		assertTrue(r.notes().stream().anyMatch(n -> n.contains("square hole")), r
			.notes().toString());
		reproduces(r);

		// a model whose masks mark holes with 0 gets its test mask so, and keeps
		// saying so
		PackageOptions o = options(onnx, "inp0", sample16(48, 40, 4));
		PackageResult zero = pack(new PackageOptions(o.model(), ModelOverrides.NONE
			.withMaskHoleValue(0.0), o.folder(), o.name(), null, o.description(), o
				.sample(), null, null, List.of(), List.of(), List.of(), List.of(), null,
			null, 0, 0, false));
		assertEquals(0.0, zero.model().mask().holeValue());
		float[] mask0 = Npy.read(dir.resolve("inp0/test_mask.npy")).toFloatArray();
		assertEquals(0f, mask0[centre]);
		assertEquals(1f, mask0[corner]);
		reproduces(zero);
	}

	/**
	 * An inpainting model that reads the image under its holes is tested as
	 * bioimage.io tools run it, which feed the sample's pixels there (no
	 * bioimage.io step zeroes them, as fiji-gan's runs do): its test output is
	 * image + mask there, not 0 + mask, and the package reproduces; a note says
	 * that fiji-gan's results differ inside the holes. A model that ignores them
	 * gets no such note.
	 */
	@Test
	void anInpaintingModelThatReadsUnderItsHolesIsTestedAsBioImageIoRunsIt()
		throws IOException
	{
		Path onnx = OnnxModels.builder().input("image", "N,1,H,W").input("mask",
			"N,1,H,W").node("Add", "image,mask", "output").output("output", "N,1,H,W")
			.write(dir, "reads.onnx");
		RasterImage sample = sample16(48, 40, 4);
		PackageOptions o = options(onnx, "reads", sample);
		PackageResult r = pack(new PackageOptions(o.model(), ModelOverrides.NONE
			.withTask(TaskKind.INPAINT), o.folder(), o.name(), null, o.description(),
			sample, null, o.license(), o.authors(), o.maintainers(), o.citations(), o
				.tags(), null, null, 0, 0, false));
		reproduces(r);
		float[] in = Npy.read(dir.resolve("reads/test_input.npy")).toFloatArray();
		float[] out = Npy.read(dir.resolve("reads/test_output.npy")).toFloatArray();
		int centre = 20 * 48 + 24;
		assertTrue(Math.abs(out[centre] - 1) > 0.05, "the hole's pixel through " +
			"the package's preprocessing plus the mask's 1, not a zeroed pixel's " +
			"1: " + out[centre] + " (raw " + in[centre] + ")");
		assertTrue(r.notes().stream().anyMatch(n -> n.contains(
			"reads the image under its holes")), r.notes().toString());

		PackageResult ignores = pack(options(OnnxModels.inpaint(1).write(dir,
			"ignores.onnx"), "ignores", sample));
		assertTrue(ignores.notes().stream().noneMatch(n -> n.contains(
			"under its holes")), ignores.notes().toString());
	}

	/**
	 * A model whose graph takes its mask (or its class) first is described with
	 * its inputs in the graph's order, as bioimage.io tools feed them by
	 * position: its test tensors reproduce fed so, and fiji-gan reads the package
	 * back as the model (the image's preprocessing on the image) and gives the
	 * bare model's result through it.
	 */
	@Test
	void inputsAreDescribedInTheGraphsOrder() throws IOException {
		Path onnx = OnnxModels.inpaint(1).moveInputFirst("mask").write(dir,
			"maskfirst.onnx");
		RasterImage sample = sample16(48, 40, 4);
		PackageResult r = pack(withCard(options(onnx, "maskfirst", sample)));
		valid(r);
		BioImageModel rdf = BioImageRdf.read(r.descriptor());
		assertEquals(List.of("mask", "image"), rdf.inputs().stream().map(
			TensorDescription::id).toList());
		assertEquals(List.of(dir.resolve("maskfirst/test_mask.npy"), dir.resolve(
			"maskfirst/test_input.npy")), rdf.testInputs());
		assertTrue(rdf.inputs().get(0).processing().isEmpty());
		assertInstanceOf(ProcessingStep.ScaleRange.class, rdf.inputs().get(1)
			.processing().get(0));
		reproduces(r);
		ModelDescriptor bare = ModelLoader.load(onnx.toString(),
			ModelOverrides.NONE);
		assertEquals("image", r.model().image().name());
		assertEquals("mask", r.model().mask().inputName());
		assertEquals(bare.preprocessing().size() + 1, r.model().preprocessing()
			.size());
		RasterImage mask = RasterImage.allocate(48, 40, 1, 1, 1, PixelType.UINT8);
		float[] holes = new float[48 * 40];
		for (int y = 10; y < 20; y++)
			for (int x = 10; x < 30; x++)
				holes[y * 48 + x] = 255;
		mask.writeRegion(0, 0, 0, 0, 0, 48, 40, holes, 0);
		InferenceOptions float32 = InferenceOptions.defaults().withFloatOutput(true)
			.withDevice(DeviceSpec.CPU, 1);
		float[] a = (float[]) org.fijigan.core.pipeline.Inpainter.run(r.model(),
			sample, mask, float32, org.fijigan.core.ProgressListener.NONE,
			CancellationToken.none()).image().plane(0);
		float[] b = (float[]) org.fijigan.core.pipeline.Inpainter.run(bare, sample,
			mask, float32, org.fijigan.core.ProgressListener.NONE, CancellationToken
				.none()).image().plane(0);
		for (int i = 0; i < a.length; i++)
			assertEquals(b[i], a[i], 1e-3 * 2000, "pixel " + i);

		Path gen = OnnxModels.generator(8, 3, 6, 5).moveInputFirst("label").write(
			dir, "labelfirst.onnx");
		PackageOptions o = options(gen, "labelfirst", null);
		o = new PackageOptions(o.model(), o.overrides(), o.folder(), o.name(), null,
			o.description(), null, null, o.license(), o.authors(), o.maintainers(), o
				.citations(), o.tags(), null, null, 0, 42, false);
		PackageResult g = pack(withCard(o));
		valid(g);
		assertEquals(List.of("label", "z"), BioImageRdf.read(g.descriptor())
			.inputs().stream().map(TensorDescription::id).toList());
		reproduces(g);
	}

	/**
	 * A model with a second (score) output is refused with one line naming its
	 * outputs, and nothing is written: its package would describe one of them
	 * only, which bioimage.io tools pair with the outputs by position.
	 */
	@Test
	void aModelWithSeveralOutputsIsRefused() {
		for (String first : List.of("y", "score")) {
			Path onnx = OnnxModels.builder().input("x", "N,1,H,W").node("Identity",
				"x", "y").node("ReduceMean", "x", "score", OnnxModels.attrInts("axes",
					1, 2, 3)).output("y", "N,1,H,W").output("score", "N,1,1,1")
				.moveOutputFirst(first).write(dir, "two-" + first + ".onnx");
			GanException e = assertThrows(GanException.class, () -> pack(options(onnx,
				"two-" + first, sample16(48, 40, 4))));
			assertEquals("package-model packages models with one output; two-" +
				first + ".onnx has outputs " + (first.equals("y") ? "y, score"
					: "score, y"), e.getMessage());
			assertFalse(Files.exists(dir.resolve("two-" + first)));
		}
	}

	/**
	 * A model whose batch is fixed above 1 (an image model's or a generator's) is
	 * refused with one line naming the batch and the input, and nothing is
	 * written: a 0.5 package's batch axis is fixed at 1 or free, and its test
	 * input held the raw crop in its first batch item and the preprocessed one in
	 * the others. A batch fixed at 1 still packages.
	 */
	@Test
	void aModelWithABatchFixedAboveOneIsRefused() throws IOException {
		Path two = OnnxModels.conv3x3(1, 1, 5, 1).fixBatch(2).write(dir,
			"batch2.onnx");
		GanException e = assertThrows(GanException.class, () -> pack(options(two,
			"batch2", sample16(48, 40, 4))));
		assertEquals("batch2.onnx takes a fixed batch of 2 (input 'x' [2,1,H,W])" +
			", which a bioimage.io package cannot state: its batch axis is fixed " +
			"at 1 or of any size; export the model with a dynamic batch axis, or a " +
			"batch of 1, to package it", e.getMessage());
		assertFalse(Files.exists(dir.resolve("batch2")));

		Path gen = OnnxModels.generator(8, 0, 6, 5).fixBatch(3).write(dir,
			"gen3.onnx");
		PackageOptions o = options(gen, "gen3", null);
		GanException g = assertThrows(GanException.class, () -> pack(
			new PackageOptions(o.model(), o.overrides(), o.folder(), o.name(), null, o
				.description(), null, null, o.license(), o.authors(), o.maintainers(), o
					.citations(), o.tags(), null, null, 0, 42, false)));
		assertTrue(g.getMessage().startsWith("gen3.onnx takes a fixed batch of 3 " +
			"(input 'z' [3,8])"), g.getMessage());
		assertFalse(Files.exists(dir.resolve("gen3")));

		Path one = OnnxModels.conv3x3(1, 1, 5, 1).fixBatch(1).write(dir,
			"batch1.onnx");
		reproduces(pack(options(one, "batch1", sample16(48, 40, 4))));
	}

	private static double[] toDoubles(float[] f) {
		double[] d = new double[f.length];
		for (int i = 0; i < f.length; i++)
			d[i] = f[i];
		return d;
	}

	/**
	 * A generator whose class input takes [N,1] labels (Keras) or one-hot vectors
	 * is packaged with its test class tensor in that form and declared so (an
	 * index axis of 1 or of the class count; one-hot as float32 in [0,1]), valid
	 * and reproducing its test output.
	 */
	@Test
	void generatorPackagesHoldTheirClassInputInItsOwnForm() throws IOException {
		for (String form : List.of("N,1", "one-hot")) {
			String name = form.equals("N,1") ? "column" : "onehot";
			Path onnx = OnnxModels.generator(8, 3, 6, 5, form).write(dir, name +
				".onnx");
			PackageOptions o = options(onnx, name, null);
			o = new PackageOptions(o.model(), o.overrides(), o.folder(), o.name(),
				null, o.description(), null, null, o.license(), o.authors(), o
					.maintainers(), o.citations(), o.tags(), null, null, 0, 42, false);
			PackageResult r = pack(withCard(o));
			valid(r);
			reproduces(r);
			assertEquals(3, r.model().generator().classCount(), form);
			NpyArray classes = Npy.read(dir.resolve(name + "/test_class.npy"));
			if (form.equals("N,1")) {
				assertEquals(NpyArray.DType.INT64, classes.dtype());
				assertArrayEquals(new long[] { 4, 1 }, classes.shape());
				assertArrayEquals(new long[] { 0, 1, 2, 0 }, classes.toLongArray());
			}
			else {
				assertEquals(NpyArray.DType.FLOAT32, classes.dtype());
				assertArrayEquals(new long[] { 4, 3 }, classes.shape());
				assertArrayEquals(new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0 },
					classes.toFloatArray());
				// the sample holds the same one-hot vectors, a row each, not labels
				RasterImage sample = ImageFileCodec.INSTANCE.read(dir.resolve(name +
					"/sample_class.png"), "sample");
				assertEquals(3, sample.width());
				assertEquals(4, sample.height());
				float[] v = new float[12];
				sample.readRegion(0, 0, 0, 0, 0, 3, 4, v, 0);
				assertArrayEquals(classes.toFloatArray(), v);
			}
			String rdf = Files.readString(dir.resolve(name + "/rdf.yaml"));
			assertTrue(rdf.contains(form.equals("N,1")
				? "{type: index, id: label, size: 1}"
				: "{type: index, id: class, size: 3}"), rdf);
		}
	}

	@Test
	void generatorPackageHoldsSeededLatentsAndClassLabels() throws IOException {
		Path onnx = OnnxModels.generator(8, 3, 6, 5).write(dir, "gen.onnx");
		PackageOptions o = options(onnx, "gen", null);
		o = new PackageOptions(o.model(), o.overrides(), o.folder(), o.name(), null,
			o.description(), null, null, o.license(), o.authors(), o.maintainers(), o
				.citations(), o.tags(), null, null, 0, 42, false);
		PackageResult r = pack(withCard(o));
		valid(r);
		ModelDescriptor d = r.model();
		assertEquals(TaskKind.GENERATE, d.task());
		assertEquals(8, d.generator().latentDim());
		assertEquals(3, d.generator().classCount());
		assertEquals(ValueRange.MINUS_ONE_ONE, d.outputRange());
		NpyArray z = Npy.read(dir.resolve("gen/test_input.npy"));
		assertArrayEquals(new long[] { 4, 8 }, z.shape());
		assertArrayEquals(Generator.latent(43, 8), Arrays.copyOfRange(z
			.toFloatArray(), 8, 16));
		NpyArray classes = Npy.read(dir.resolve("gen/test_class.npy"));
		assertEquals(NpyArray.DType.INT64, classes.dtype());
		assertArrayEquals(new long[] { 0, 1, 2, 0 }, classes.toLongArray());
		assertArrayEquals(new long[] { 4, 1, 6, 5 }, Npy.read(dir.resolve(
			"gen/test_output.npy")).shape());
		assertTrue(Files.isRegularFile(dir.resolve("gen/cover.png")));
		for (String f : List.of("sample_input.tif", "sample_class.png",
			"sample_output.tif"))
			assertTrue(Files.isRegularFile(dir.resolve("gen").resolve(f)), f);
		reproduces(r);
	}

	@Test
	void fixedShapeModelIsTestedAtItsShape() throws IOException {
		Path onnx = OnnxModels.fixedShape(1, 24, 24).write(dir, "fixed.onnx");
		PackageResult r = pack(withCard(options(onnx, "fixed", sample16(100, 90,
			5))));
		valid(r);
		assertEquals(AxisConstraint.fixed(24), r.model().image().x());
		assertArrayEquals(new long[] { 1, 1, 24, 24 }, Npy.read(dir.resolve(
			"fixed/test_input.npy")).shape());
		reproduces(r);
	}

	@Test
	void textWithYamlSyntaxReadsBackUnchanged() {
		Path onnx = OnnxModels.identity(1).write(dir, "id.onnx");
		String name = "Yes (no) - 15 + null";
		String description =
			"x: y # not a comment; line one: \"quoted\", {braces}, [brackets] & 'apostrophes'\n" +
				"line two, ü, tab\there";
		PackageOptions o = options(onnx, "text", sample16(20, 20, 6));
		o = new PackageOptions(o.model(), o.overrides(), o.folder(), name, null, o
			.description(), o.sample(), null, "CC-BY-4.0", List.of(
				PackageOptions.Person.author("O'Brien, \"Pat\"")), List.of(), List.of(
					PackageOptions.Citation.parse("A = B: C=10.1234/abc.5")), List.of(
						"yes", "1.5", "null"), null, null, 0, 0, false);
		o = new PackageOptions(o.model(), o.overrides(), o.folder(), o.name(), o
			.id(), description, o.sample(), null, o.license(), o.authors(), o
				.maintainers(), o.citations(), o.tags(), null, null, 0, 0, false);
		PackageResult r = pack(o);
		BioImageModel rdf = BioImageRdf.read(r.descriptor());
		assertEquals(name, rdf.name());
		assertEquals(description, rdf.description());
		assertEquals(List.of("O'Brien, \"Pat\""), rdf.authors());
		assertEquals("yes-no-15-null", o.id());
		Map<?, ?> doc = new Yaml().load(RdfYaml.write(Map.of("tags", List.of("yes",
			"1.5", "null", "0.5.4", "on"))));
		assertEquals(List.of("yes", "1.5", "null", "0.5.4", "on"), doc.get("tags"));
	}

	@Test
	void
		coverPanelsShareOneSizeWithAGapBetweenAndTheCoverIsAtMostTwiceAsWideAsHigh()
	{
		float[] ramp = new float[20 * 16];
		for (int i = 0; i < ramp.length; i++)
			ramp[i] = i;
		RasterImage cover = CoverImage.compose(List.of(new CoverImage.Panel(10, 8,
			new float[][] { new float[80] }), new CoverImage.Panel(20, 16,
				new float[][] { ramp })));
		assertEquals(PixelType.UINT8, cover.type());
		// panels enlarged 16 times to 320x256, side by side with a 4 px gap: 644
		// wide, so 322 high (2:1)
		assertEquals(2 * 320 + CoverImage.GAP, cover.width());
		assertEquals(322, cover.height());
		int top = (322 - 256) / 2;
		byte[] p = (byte[]) cover.plane(0);
		assertEquals(255, p[0] & 0xff, "white above the panels");
		assertEquals(128, p[top * cover.width()] & 0xff,
			"a flat panel is mid-grey");
		assertEquals(255, p[top * cover.width() + 320] & 0xff, "the gap is white");
		assertEquals(0, p[top * cover.width() + 324] & 0xff,
			"the ramp's low percentile is black");
		assertEquals(255, p[(top + 255) * cover.width() + cover.width() - 1] & 0xff,
			"its high percentile white");
		// four generated samples: a 2x2 grid, square
		CoverImage.Panel flat = new CoverImage.Panel(64, 64, new float[][] {
			new float[64 * 64] });
		RasterImage four = CoverImage.compose(List.of(flat, flat, flat, flat));
		assertEquals(2 * 256 + CoverImage.GAP, four.width(),
			"panels enlarged 4 times");
		assertEquals(four.width(), four.height());
	}

	@Test
	void aDescriptorThatReadsBackDifferentlyIsRefused() {
		ModelDescriptor a = ModelLoader.load(OnnxModels.conv3x3(1, 1, 1, 2).write(
			dir, "a.onnx").toString(), ModelOverrides.NONE);
		ModelDescriptor b = ModelOverrides.NONE.withHaloPixels(7).applyTo(a);
		ReadBackCheck.check(a, List.of(), a);
		GanException e = assertThrows(GanException.class, () -> ReadBackCheck.check(
			a, List.of(), b));
		assertTrue(e.getMessage().contains("halo 2 reads back as 7"), e
			.getMessage());
	}

	@Test
	void citationsAreTextAndUrlOrDoi() {
		PackageOptions.Citation url = PackageOptions.Citation.parse(
			"Ledig et al. 2017=https://arxiv.org/abs/1609.04802?a=b");
		assertEquals("Ledig et al. 2017", url.text());
		assertEquals("https://arxiv.org/abs/1609.04802?a=b", url.url());
		PackageOptions.Citation doi = PackageOptions.Citation.parse(
			"Zhang et al. 2017=doi:10.1109/TIP.2017.2662206");
		assertEquals("10.1109/TIP.2017.2662206", doi.doi());
		assertNull(doi.url());
		GanException e = assertThrows(GanException.class,
			() -> PackageOptions.Citation.parse("just a title"));
		assertTrue(e.getMessage().contains("TEXT=URL"), e.getMessage());
	}

	/** The note names the card where the user puts it, in the package folder. */
	@Test
	void aPackageWithoutACardSaysWhereToWriteIt() {
		Path onnx = OnnxModels.identity(1).write(dir, "id.onnx");
		PackageResult r = pack(options(onnx, "nocard", sample16(20, 20, 7)));
		assertTrue(r.notes().contains("no model card: bioimage.io requires one; " +
			"write " + dir.resolve("nocard").resolve("README.md") +
			" (intended use, training data, recipe, metrics, known failure modes) " +
			"and package again"), r.notes().toString());
	}

	@Test
	void aFolderWithFilesIsRefusedUnlessOverwriteAndKeepsOtherFiles()
		throws IOException
	{
		Path onnx = OnnxModels.identity(1).write(dir, "id.onnx");
		Path pkg = Files.createDirectories(dir.resolve("pkg"));
		Files.writeString(pkg.resolve("README.md"), "# Model card\n");
		PackageOptions o = options(onnx, "pkg", sample16(20, 20, 7));
		GanException e = assertThrows(GanException.class, () -> pack(o));
		assertTrue(e.getMessage().contains("not empty") && e.getMessage().contains(
			"--overwrite"), e.getMessage());
		assertEquals(1, Files.list(pkg).count(), "nothing written");

		PackageOptions again = new PackageOptions(o.model(), o.overrides(), o
			.folder(), o.name(), null, o.description(), o.sample(), null, o.license(),
			o.authors(), o.maintainers(), o.citations(), o.tags(), null, null, 0, 0,
			true);
		PackageResult r = pack(again);
		assertEquals("# Model card\n", Files.readString(pkg.resolve("README.md")));
		assertEquals(pkg.resolve("README.md").toAbsolutePath().normalize(),
			BioImageRdf.read(r.descriptor()).documentation());
		assertFalse(r.notes().stream().anyMatch(n -> n.contains("model card")), r
			.notes().toString());
		pack(again); // and once more over its own package
		reproduces(r);
	}

	/**
	 * Another model packaged over a package: the earlier model's own files (its
	 * weights under another name) go, the user's other files and card stay.
	 */
	@Test
	void aPackageOverAnotherLeavesNoneOfTheEarlierModelsFiles()
		throws IOException
	{
		Path first = OnnxModels.identity(1).write(dir, "first.onnx");
		Path second = OnnxModels.addConstant(1, 0.5f).write(dir, "second.onnx");
		Path pkg = Files.createDirectories(dir.resolve("pkg"));
		Files.writeString(pkg.resolve("README.md"), "# Model card\n");
		Files.writeString(pkg.resolve("notes.txt"), "mine");
		for (Path model : List.of(first, second)) {
			PackageOptions o = options(model, "pkg", sample16(20, 20, 7));
			pack(new PackageOptions(o.model(), o.overrides(), o.folder(), o.name(),
				null, o.description(), o.sample(), null, o.license(), o.authors(), o
					.maintainers(), o.citations(), o.tags(), null, null, 0, 0, true));
		}
		assertFalse(Files.exists(pkg.resolve("first.onnx")));
		assertTrue(Files.exists(pkg.resolve("second.onnx")));
		assertEquals("mine", Files.readString(pkg.resolve("notes.txt")));
		assertEquals("# Model card\n", Files.readString(pkg.resolve("README.md")));
		assertTrue(Files.exists(first), "the input model stays");
	}

	/**
	 * Over an earlier package whose descriptor names the user's card, cover and
	 * sample under their own names: those stay, and the card is the new
	 * package's; only what package-model wrote for the earlier package (its
	 * weights, test tensors, files of the names package-model gives) goes.
	 */
	@Test
	void overwritingKeepsTheCardCoversAndSamplesAnEarlierPackageNames()
		throws IOException
	{
		Path onnx = OnnxModels.identity(1).write(dir, "id.onnx");
		Path pkg = Files.createDirectories(dir.resolve("pkg"));
		Map<String, String> earlier = Map.of("old.onnx", "weights",
			"test_input.npy", "t", "test_output.npy", "t", "test_mask.npy", "t",
			"sample_mask.png", "s", "notes.md",
			"# Notes\n\n## Validation\nBy hand.\n", "photo.jpg", "jpeg", "mydata.tif",
			"tiff");
		for (Map.Entry<String, String> f : earlier.entrySet())
			Files.writeString(pkg.resolve(f.getKey()), f.getValue());
		Files.writeString(pkg.resolve("rdf.yaml"), PackageWriter.HEADER +
			"\ntype: model\nformat_version: 0.5.7\ndocumentation: notes.md\n" +
			"covers: [photo.jpg]\ninputs:\n- id: x\n" +
			"  test_tensor: {source: test_input.npy}\n" +
			"  sample_tensor: {source: mydata.tif}\n- id: mask\n" +
			"  test_tensor: {source: test_mask.npy}\n" +
			"  sample_tensor: {source: sample_mask.png}\noutputs:\n- id: y\n" +
			"  test_tensor: {source: test_output.npy}\n" +
			"weights:\n  onnx: {source: old.onnx}\n");
		PackageOptions o = options(onnx, "pkg", sample16(20, 20, 7));
		PackageResult r = pack(new PackageOptions(o.model(), o.overrides(), o
			.folder(), o.name(), null, o.description(), o.sample(), null, o.license(),
			o.authors(), o.maintainers(), o.citations(), o.tags(), null, null, 0, 0,
			true));
		for (String kept : List.of("notes.md", "photo.jpg", "mydata.tif"))
			assertEquals(earlier.get(kept), Files.readString(pkg.resolve(kept)),
				kept);
		for (String gone : List.of("old.onnx", "test_mask.npy", "sample_mask.png"))
			assertFalse(Files.exists(pkg.resolve(gone)), gone);
		assertEquals(pkg.resolve("notes.md").toAbsolutePath().normalize(),
			BioImageRdf.read(r.descriptor()).documentation());
		assertFalse(Files.exists(pkg.resolve("README.md")));
		assertFalse(r.notes().stream().anyMatch(n -> n.contains("model card") || n
			.contains("Validation")), r.notes().toString());
		valid(r);
		pack(new PackageOptions(o.model(), o.overrides(), o.folder(), o.name(),
			null, o.description(), o.sample(), null, o.license(), o.authors(), o
				.maintainers(), o.citations(), o.tags(), null, null, 0, 0, true));
		assertEquals(earlier.get("notes.md"), Files.readString(pkg.resolve(
			"notes.md")), "and again over its own package");
	}

	/**
	 * Over a package another tool wrote (no package-model header), with PyTorch
	 * and TorchScript weights and test tensors of its own names: --overwrite
	 * deletes none of its files, replaces only those of the names package-model
	 * writes, and a note names the files kept.
	 */
	@Test
	void overwritingAnotherToolsPackageDeletesNoneOfItsFiles()
		throws IOException
	{
		Path onnx = OnnxModels.identity(1).write(dir, "id.onnx");
		Path pkg = Files.createDirectories(dir.resolve("zoo"));
		Map<String, String> earlier = Map.of("weights.pt", "pytorch",
			"torchscript.pt", "torchscript", "other.onnx", "onnx",
			"my_raw_test_input.npy", "in", "my_test_output.npy", "out");
		for (Map.Entry<String, String> f : earlier.entrySet())
			Files.writeString(pkg.resolve(f.getKey()), f.getValue());
		Files.writeString(pkg.resolve("rdf.yaml"), "type: model\n" +
			"format_version: 0.5.7\ninputs:\n- id: x\n" +
			"  test_tensor: {source: my_raw_test_input.npy}\noutputs:\n- id: y\n" +
			"  test_tensor: {source: my_test_output.npy}\nweights:\n" +
			"  pytorch_state_dict: {source: weights.pt}\n" +
			"  torchscript: {source: torchscript.pt}\n" +
			"  onnx: {source: other.onnx}\n");
		PackageOptions o = options(onnx, "zoo", sample16(20, 20, 7));
		PackageResult r = pack(new PackageOptions(o.model(), o.overrides(), o
			.folder(), o.name(), null, o.description(), o.sample(), null, o.license(),
			o.authors(), o.maintainers(), o.citations(), o.tags(), null, null, 0, 0,
			true));
		for (Map.Entry<String, String> f : earlier.entrySet())
			assertEquals(f.getValue(), Files.readString(pkg.resolve(f.getKey())), f
				.getKey());
		assertTrue(r.notes().contains("the earlier rdf.yaml in " + pkg +
			" was not written by package-model, so the files it names stay as " +
			"they were: weights.pt, torchscript.pt, other.onnx, " +
			"my_raw_test_input.npy, my_test_output.npy; the new package does not " +
			"name them (remove them if they should not ship with it)"), r.notes()
				.toString());
	}

	@Test
	void documentationIsCopiedAsTheModelCard() throws IOException {
		Path onnx = OnnxModels.identity(1).write(dir, "id.onnx");
		Path card = Files.writeString(dir.resolve("card.md"),
			"# Intended use\nTests.\n");
		PackageOptions o = options(onnx, "doc", sample16(20, 20, 8));
		PackageResult r = pack(new PackageOptions(o.model(), o.overrides(), o
			.folder(), o.name(), null, o.description(), o.sample(), null, o.license(),
			o.authors(), o.maintainers(), o.citations(), o.tags(), card, null, 0, 0,
			false));
		assertEquals("# Intended use\nTests.\n", Files.readString(dir.resolve(
			"doc/README.md")));
		assertTrue(r.files().contains(dir.resolve("doc/README.md")));
		Path text = Files.writeString(dir.resolve("card.txt"), "x");
		assertTrue(r.notes().stream().anyMatch(n -> n.contains(
			"'# Validation' section")), r.notes().toString());
		GanException e = assertThrows(GanException.class, () -> pack(
			new PackageOptions(o.model(), o.overrides(), dir.resolve("doc2"), o
				.name(), null, o.description(), o.sample(), null, null, List.of(), List
					.of(), List.of(), List.of(), text, null, 0, 0, false)));
		assertTrue(e.getMessage().contains(".md"), e.getMessage());
	}

	/**
	 * A model card that is not UTF-8 is refused naming the user's file, before
	 * anything is written; it failed naming the package's hidden copy and Java's
	 * decoder text.
	 */
	@Test
	void aCardThatIsNotUtf8IsRefusedNamingIt() throws IOException {
		Path onnx = OnnxModels.pixelShuffle(1, 2).write(dir, "sr2.onnx");
		Path card = Files.write(dir.resolve("latin1.md"), "# Mod\u00e8le\n"
			.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
		PackageOptions o = options(onnx, "latin", sample16(40, 30, 1));
		PackageOptions withLatin1 = new PackageOptions(o.model(), o.overrides(), o
			.folder(), o.name(), null, o.description(), o.sample(), null, o.license(),
			o.authors(), o.maintainers(), o.citations(), o.tags(), card, null, 0, 0,
			false);
		GanException e = assertThrows(GanException.class, () -> pack(withLatin1));
		assertEquals("--documentation " + card + " is not UTF-8 text", e
			.getMessage());
		assertFalse(Files.exists(dir.resolve("latin")));
	}

	@Test
	void badInputsGetOneClearError() throws IOException {
		Path onnx = OnnxModels.identity(3).write(dir, "rgb.onnx");
		Path yaml = Files.writeString(dir.resolve("m.yaml"), "x: 1");
		Path file = Files.writeString(dir.resolve("a-file"), "x");
		RasterImage twoChannels = RasterImage.allocate(10, 10, 2, 1, 1,
			PixelType.UINT8);
		List<Object[]> cases = List.of(new Object[] { options(yaml, "a", sample16(
			10, 10, 1)), ".onnx" }, new Object[] { options(dir.resolve(
				"missing.onnx"), "b", sample16(10, 10, 1)), "does not exist" },
			new Object[] { options(onnx, "c", null), "--sample" }, new Object[] {
				options(onnx, "d", twoChannels),
				"takes 3 channels but the sample has 2" }, new Object[] { options(onnx,
					"a-file", sample16(10, 10, 1)), "is a file" });
		for (Object[] c : cases) {
			GanException e = assertThrows(GanException.class, () -> pack(
				(PackageOptions) c[0]));
			assertTrue(e.getMessage().contains((String) c[1]), e.getMessage());
		}
		for (String folder : List.of("a", "b", "c", "d"))
			assertFalse(Files.exists(dir.resolve(folder)), folder + " was created");
		assertEquals("x", Files.readString(file));
		GanException e = assertThrows(GanException.class, () -> new PackageOptions(
			onnx, null, dir.resolve("e"), " ", null, "d", null, null, null, null,
			null, null, null, null, null, 0, 0, false));
		assertTrue(e.getMessage().contains("--name"), e.getMessage());
		e = assertThrows(GanException.class, () -> new PackageOptions(onnx, null,
			dir.resolve("e"), "model", null, "d", null, null, "MIT license", null,
			null, null, null, null, null, 0, 0, false));
		assertTrue(e.getMessage().contains("SPDX"), e.getMessage());
		for (String[] c : List.of(new String[] { "mit",
			"license 'mit' is not an SPDX identifier bioimage.io accepts (they are " +
				"case-sensitive): did you mean MIT?" }, new String[] { "CC-BY-4.0+",
					"license 'CC-BY-4.0+' is not an SPDX identifier bioimage.io accepts " +
						"(e.g. MIT, BSD-2-Clause, CC-BY-4.0)" }, new String[] {
							"NotALicense", "license 'NotALicense' is not an SPDX " +
								"identifier bioimage.io accepts (e.g. MIT, BSD-2-Clause, CC-BY-4.0)" }))
		{
			e = assertThrows(GanException.class, () -> new PackageOptions(onnx, null,
				dir.resolve("e"), "model", null, "d", null, null, c[0], null, null,
				null, null, null, null, 0, 0, false));
			assertEquals(c[1], e.getMessage());
		}
		for (String ok : List.of("MIT", "CC-BY-4.0", "BSD-2-Clause", "GPL-2.0+"))
			new PackageOptions(onnx, null, dir.resolve("e"), "model", null, "d", null,
				null, ok, null, null, null, null, null, null, 0, 0, false);
		e = assertThrows(GanException.class, () -> new PackageOptions(onnx, null,
			dir.resolve("e"), "a/b: c", null, "d", null, null, null, null, null, null,
			null, null, null, 0, 0, false));
		assertTrue(e.getMessage().contains(
			"5 to 128 letters, digits, spaces and _+-()"), e.getMessage());
		e = assertThrows(GanException.class, () -> new PackageOptions(onnx, null,
			dir.resolve("e"), "model", "Model/", "d", null, null, null, null, null,
			null, null, null, null, 0, 0, false));
		assertTrue(e.getMessage().contains("the id 'Model/'"), e.getMessage());
		e = assertThrows(GanException.class, () -> PackageOptions.Person.maintainer(
			"Ada Lovelace="));
		assertTrue(e.getMessage().contains("needs a GitHub user"), e.getMessage());
		e = assertThrows(GanException.class, () -> PackageOptions.Person.author(
			"Ada/Bob"));
		assertTrue(e.getMessage().contains("has a '/'"), e.getMessage());
	}
}

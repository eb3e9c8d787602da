package org.fijigan.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.fijigan.core.model.bioimage.BioImageModel;
import org.fijigan.core.model.bioimage.BioImageRdf;
import org.fijigan.testing.PackageTensors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Every model the project ships in the repository's {@code models/} folder (one bioimage.io package
 * per folder, as {@code ./fiji-gan package-model} writes them): it loads with its SHA-256 checked,
 * its test tensors reproduce in ONNX Runtime, its weights stay small, and it has a cover and a model
 * card with the sections a user needs.
 */
class BundledModelsTest {
	/** The repository's models/ (the tests run in the repository root); a property points elsewhere. */
	static final Path MODELS = Path.of(System.getProperty("fijigan.test.bundled", "models"));
	static final long MAX_MODEL_BYTES = 10L << 20;
	static final double MAX_RELATIVE_ERROR = 1e-4;
	static final List<String> CARD_SECTIONS = List.of("Intended use", "Training data", "Recipe", "Metrics",
		"Known failure modes");

	@TestFactory
	Stream<DynamicNode> everyBundledModel() throws IOException {
		List<Path> packages = new ArrayList<>();
		if (Files.isDirectory(MODELS)) try (Stream<Path> s = Files.list(MODELS)) {
			s.filter(p -> Files.isRegularFile(p.resolve("rdf.yaml"))).sorted().forEach(packages::add);
		}
		if (packages.isEmpty()) return Stream.of(dynamicTest("bundled models", () -> Assumptions.assumeFalse(true,
			"no bundled models yet: " + MODELS.toAbsolutePath() + " holds no folder with an rdf.yaml")));
		return packages.stream().map(p -> DynamicContainer.dynamicContainer(p.getFileName().toString(), Stream.of(
			dynamicTest("loads with its SHA-256 checked", () -> loads(p)),
			dynamicTest("test tensors reproduce", () -> reproduces(p)),
			dynamicTest("weights under 10 MB", () -> small(p)),
			dynamicTest("model card has its sections", () -> card(p)),
			dynamicTest("has a cover", () -> cover(p)))));
	}

	private static void loads(Path folder) {
		BioImageModel rdf = BioImageRdf.read(folder.resolve("rdf.yaml"));
		assertTrue(rdf.formatVersion().startsWith("0.5"), "format_version " + rdf.formatVersion());
		assertNotNull(rdf.onnxSha256(), "the descriptor must give the weights' sha256");
		ModelDescriptor d = ModelLoader.load(folder.resolve("rdf.yaml").toString(), ModelOverrides.NONE);
		assertEquals(rdf.onnxSha256().toLowerCase(Locale.ROOT), d.sha256());
		assertTrue(rdf.config().get("fiji-gan") instanceof java.util.Map<?, ?>, "config: fiji-gan: is missing");
	}

	private static void reproduces(Path folder) {
		PackageTensors.Check c = PackageTensors.run(folder.resolve("rdf.yaml"));
		assertTrue(c.relativeError() <= MAX_RELATIVE_ERROR, "test output " + Arrays.toString(c.shape()) +
			" differs by " + c.maxAbsDiff() + " over a range of " + c.outputRange());
	}

	private static void small(Path folder) throws IOException {
		Path weights = BioImageRdf.read(folder.resolve("rdf.yaml")).onnxWeights();
		long bytes = Files.size(weights);
		assertTrue(bytes < MAX_MODEL_BYTES, weights.getFileName() + " is " + bytes + " bytes");
	}

	private static void card(Path folder) throws IOException {
		Path readme = folder.resolve("README.md");
		assertTrue(Files.isRegularFile(readme), "no README.md (the model card)");
		List<String> headings = Files.readAllLines(readme).stream().map(String::strip).filter(l -> l.startsWith("#"))
			.map(l -> l.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT)).toList();
		List<String> missing = CARD_SECTIONS.stream().filter(s -> headings.stream().noneMatch(h -> h.startsWith(s
			.toLowerCase(Locale.ROOT)))).toList();
		assertTrue(missing.isEmpty(), "README.md has no section " + missing + " (headings: " + headings + ")");
	}

	private static void cover(Path folder) throws IOException {
		Path cover = folder.resolve("cover.png");
		assertTrue(Files.isRegularFile(cover), "no cover.png");
		try (InputStream in = Files.newInputStream(cover)) {
			byte[] magic = in.readNBytes(8);
			assertTrue(Arrays.equals(magic, new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' }),
				"cover.png is not a PNG");
		}
		assertTrue(BioImageRdf.read(folder.resolve("rdf.yaml")).covers().contains("cover.png"),
			"rdf.yaml does not list cover.png in covers");
	}
}

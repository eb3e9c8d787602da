
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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.fijigan.core.model.bioimage.BioImageModel;
import org.fijigan.core.model.bioimage.BioImageRdf;
import org.fijigan.testing.BioImageIoRules;
import org.fijigan.testing.BioImageIoSchema;
import org.fijigan.testing.JdllDescriptorContract;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Every model the project ships in the repository's {@code models/} folder (one
 * bioimage.io package per folder, as {@code ./fiji-gan package-model} writes
 * them): it loads with its SHA-256 checked, passes bioimage.io's JSON schema
 * and the rules the bioimage.io library adds (its test tensors among them,
 * re-run), loads in JDLL's descriptor parser with JDLL and the specification
 * reading its scales alike, its weights stay small, and it has a cover and a
 * model card with the sections a user needs.
 */
class BundledModelsTest {

	/**
	 * The repository's models/ (the tests run in the repository root); a property
	 * points elsewhere.
	 */
	static final Path MODELS = Path.of(System.getProperty("fijigan.test.bundled",
		"models"));
	static final long MAX_MODEL_BYTES = 10L << 20;
	static final List<String> CARD_SECTIONS = List.of("Intended use",
		"Training data", "Recipe", "Validation", "Known failure modes");

	@TestFactory
	Stream<DynamicNode> everyBundledModel() throws IOException {
		List<Path> packages = new ArrayList<>();
		if (Files.isDirectory(MODELS)) try (Stream<Path> s = Files.list(MODELS)) {
			s.filter(p -> Files.isRegularFile(p.resolve("rdf.yaml"))).sorted()
				.forEach(packages::add);
		}
		if (packages.isEmpty()) return Stream.of(dynamicTest("bundled models",
			() -> Assumptions.assumeFalse(true, "no bundled models yet: " + MODELS
				.toAbsolutePath() + " holds no folder with an rdf.yaml")));
		return packages.stream().map(p -> DynamicContainer.dynamicContainer(p
			.getFileName().toString(), Stream.of(dynamicTest(
				"loads with its SHA-256 checked", () -> loads(p)), dynamicTest(
					"passes bioimage.io's JSON schema (model " +
						BioImageIoSchema.FORMAT_VERSION + ")", () -> assertEquals(List.of(),
							BioImageIoSchema.validate(p.resolve("rdf.yaml")))), dynamicTest(
								"passes the bioimage.io library's rules, its test tensors re-run",
								() -> assertEquals(List.of(), BioImageIoRules.check(p.resolve(
									"rdf.yaml")))), dynamicTest(
										"loads in JDLL's descriptor parser", () -> assertEquals(List
											.of(), JdllDescriptorContract.check(p.resolve(
												"rdf.yaml")))), dynamicTest(
													"JDLL reads its scales and halos as the specification does",
													() -> assertEquals(List.of(), JdllDescriptorContract
														.scaleReadingsAgree(p.resolve("rdf.yaml")))),
				dynamicTest("weights under 10 MB", () -> small(p)), dynamicTest(
					"model card has its sections", () -> card(p)), dynamicTest(
						"model card is its recipe's card with the measured numbers filled in",
						() -> cardFromRecipe(p)), dynamicTest(
							"metadata records the normalisation and loss its recipe trained it with",
							() -> trainedAsItsRecipe(p)), dynamicTest("has a cover",
								() -> cover(p)))));
	}

	/**
	 * The model's metadata says what its recipe's {@code train} step gave
	 * fine-tune, as a run of the recipe would record it now: the normalisation
	 * ({@link ModelLoader#META_NORMALIZATION}, which {@code evaluate} and
	 * inference use when --normalize is not given; none for the default), and for
	 * a generator a loss without a pixel loss, which it does not train with.
	 */
	private static void trainedAsItsRecipe(Path folder) throws IOException {
		Path recipes = MODELS.resolve("recipes");
		Path recipe = recipes.resolve("train-" + folder.getFileName() + ".sh");
		Assumptions.assumeTrue(Files.isRegularFile(recipe), "no recipe " + recipe);
		String text = Files.readString(recipe);
		Matcher exec = Pattern.compile("(train-[a-z0-9-]+\\.sh)").matcher(text
			.replace(recipe.getFileName().toString(), ""));
		if (exec.find()) text += Files.readString(recipes.resolve(exec.group(1)));
		String train = Arrays.stream(text.replace("\\\n", " ").split("\n")).filter(
			l -> l.startsWith("train ")).findFirst().orElseThrow();
		String normalize = option(train, "--normalize");
		if (normalize != null && normalize.matches("percentile(:1,99.8)?"))
			normalize = null;
		ModelDescriptor d = ModelLoader.load(folder.resolve("rdf.yaml").toString(),
			ModelOverrides.NONE);
		Map<String, String> meta = d.graph().metadata();
		assertEquals(normalize, meta.get(ModelLoader.META_NORMALIZATION), recipe
			.getFileName() + " trains with --normalize " + normalize);
		if (d.task() == TaskKind.GENERATE) {
			String adversarial = option(train, "--adversarial");
			assertEquals("1.0 x " + (adversarial == null ? "nonsaturating"
				: adversarial), meta.get("fiji-gan.fine_tune.loss"));
		}
	}

	/** The value of {@code flag} in a recipe's line, or null. */
	private static String option(String line, String flag) {
		Matcher m = Pattern.compile("(^|\\s)" + flag + "\\s+(\\S+)").matcher(line);
		return m.find() ? m.group(2) : null;
	}

	private static void loads(Path folder) {
		BioImageModel rdf = BioImageRdf.read(folder.resolve("rdf.yaml"));
		assertTrue(rdf.formatVersion().startsWith("0.5"), "format_version " + rdf
			.formatVersion());
		assertNotNull(rdf.onnxSha256(),
			"the descriptor must give the weights' sha256");
		ModelDescriptor d = ModelLoader.load(folder.resolve("rdf.yaml").toString(),
			ModelOverrides.NONE);
		assertEquals(rdf.onnxSha256().toLowerCase(Locale.ROOT), d.sha256());
		assertTrue(rdf.config().get("fiji-gan") instanceof java.util.Map<?, ?>,
			"config: fiji-gan: is missing");
	}

	private static void small(Path folder) throws IOException {
		Path weights = BioImageRdf.read(folder.resolve("rdf.yaml")).onnxWeights();
		long bytes = Files.size(weights);
		assertTrue(bytes < MAX_MODEL_BYTES, weights.getFileName() + " is " + bytes +
			" bytes");
	}

	private static void card(Path folder) throws IOException {
		Path readme = folder.resolve("README.md");
		assertTrue(Files.isRegularFile(readme), "no README.md (the model card)");
		List<String> headings = Files.readAllLines(readme).stream().map(
			String::strip).filter(l -> l.startsWith("#")).map(l -> l.replaceFirst(
				"^#+\\s*", "").toLowerCase(Locale.ROOT)).toList();
		List<String> missing = CARD_SECTIONS.stream().filter(s -> headings.stream()
			.noneMatch(h -> h.startsWith(s.toLowerCase(Locale.ROOT)))).toList();
		assertTrue(missing.isEmpty(), "README.md has no section " + missing +
			" (headings: " + headings + ")");
	}

	/**
	 * The card a recipe writes is {@code recipes/cards/NAME.md} with its
	 * {@code @TRAINING@} and {@code @METRICS@} lines replaced by what the run
	 * measured: the package's README.md must hold every other line of it, in
	 * order, so that an edit made to one reaches the other (a recipe run again
	 * would drop a README-only edit).
	 */
	private static void cardFromRecipe(Path folder) throws IOException {
		Path template = MODELS.resolve("recipes").resolve("cards").resolve(folder
			.getFileName() + ".md");
		Assumptions.assumeTrue(Files.isRegularFile(template), "no recipe card " +
			template);
		String readme = Files.readString(folder.resolve("README.md"));
		String[] parts = Files.readString(template).split(
			"(?m)^@(TRAINING|METRICS)@\\n", -1);
		assertTrue(parts.length > 1, template + " has no @TRAINING@ or @METRICS@");
		assertTrue(readme.startsWith(parts[0]), "README.md does not begin as " +
			template + " does");
		assertTrue(readme.endsWith(parts[parts.length - 1]),
			"README.md does not end as " + template + " does");
		int at = parts[0].length();
		for (int i = 1; i < parts.length - 1; i++) {
			int found = readme.indexOf(parts[i], at);
			assertTrue(found >= 0, "README.md lacks the part of " + template +
				" that begins: " + parts[i].lines().findFirst().orElse(""));
			at = found + parts[i].length();
		}
		assertTrue(readme.length() - parts[parts.length - 1].length() >= at,
			"README.md's parts of " + template + " overlap");
	}

	private static void cover(Path folder) throws IOException {
		Path cover = folder.resolve("cover.png");
		assertTrue(Files.isRegularFile(cover), "no cover.png");
		try (InputStream in = Files.newInputStream(cover)) {
			byte[] magic = in.readNBytes(8);
			assertTrue(Arrays.equals(magic, new byte[] { (byte) 0x89, 'P', 'N', 'G',
				'\r', '\n', 0x1a, '\n' }), "cover.png is not a PNG");
		}
		assertTrue(BioImageRdf.read(folder.resolve("rdf.yaml")).covers().contains(
			"cover.png"), "rdf.yaml does not list cover.png in covers");
	}
}

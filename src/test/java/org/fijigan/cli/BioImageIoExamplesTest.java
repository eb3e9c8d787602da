
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.model.bioimage.BioImageModel;
import org.fijigan.core.model.bioimage.BioImageRdf;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The bioimage.io specification's own example models with ONNX weights, run
 * with {@code ./fiji-gan run} on their test input: the result must be their
 * test output to 1e-4 of its range. Optional: the environment variable
 * {@value #ENV} names the spec repository's {@code example_descriptions/models}
 * folder (docs/contributing.md says how to get it); without it the test skips.
 * Every descriptor with ONNX weights in it is run, in format 0.4 and 0.5,
 * except those named {@code invalid*} (written to fail validation).
 */
class BioImageIoExamplesTest {

	/** The environment variable naming the examples folder. */
	static final String ENV = "FIJI_GAN_BIOIMAGEIO_EXAMPLES";
	static final double MAX_RELATIVE_ERROR = 1e-4;

	@TempDir
	Path dir;

	@TestFactory
	Stream<DynamicTest> specExamplesReproduceTheirTestOutputs()
		throws IOException
	{
		String env = System.getenv(ENV);
		if (env == null || env.isBlank() || !Files.isDirectory(Path.of(env)))
			return Stream.of(dynamicTest("bioimage.io examples", () -> Assumptions
				.assumeTrue(false, ENV + " is not set to a folder")));
		List<Path> descriptors = new ArrayList<>();
		try (Stream<Path> s = Files.walk(Path.of(env), 2)) {
			for (Path p : s.sorted().toList()) {
				String name = p.getFileName().toString();
				if (!Files.isRegularFile(p) || !name.endsWith(".yaml") || name
					.startsWith("invalid")) continue;
				if (hasOnnxWeights(p)) descriptors.add(p);
			}
		}
		assertTrue(!descriptors.isEmpty(),
			"no descriptor with ONNX weights under " + env);
		return descriptors.stream().map(p -> dynamicTest(p.getParent()
			.getFileName() + "/" + p.getFileName(), () -> reproduces(p)));
	}

	private void reproduces(Path descriptor) {
		BioImageModel rdf = BioImageRdf.read(descriptor);
		Assumptions.assumeTrue(rdf.inputs().size() == 1 && rdf.testInputs()
			.size() == 1 && rdf.testOutputs().size() >= 1,
			"fiji-gan's run takes one image input");
		Path out = dir.resolve(descriptor.getParent().getFileName() + "-" +
			descriptor.getFileName() + ".npy");
		Result r = MainTest.cli("run", "-m", descriptor, "-i", rdf.testInputs().get(
			0), "-o", out, "--threads", "1");
		assertEquals(0, r.exitCode(), r.err());
		NpyArray expected = Npy.read(rdf.testOutputs().get(0)), actual = Npy.read(
			out);
		float[] e = expected.toFloatArray(), a = actual.toFloatArray();
		assertArrayEquals(squeeze(expected.shape()), squeeze(actual.shape()),
			"shape");
		double diff = 0, min = Double.POSITIVE_INFINITY, max =
			Double.NEGATIVE_INFINITY;
		for (int i = 0; i < e.length; i++) {
			diff = Math.max(diff, Math.abs((double) e[i] - a[i]));
			min = Math.min(min, e[i]);
			max = Math.max(max, e[i]);
		}
		double range = max > min ? max - min : 1;
		assertTrue(diff / range <= MAX_RELATIVE_ERROR, descriptor +
			": the result differs from the test output by " + diff +
			" over a range of " + range);
	}

	private static boolean hasOnnxWeights(Path yaml) throws IOException {
		Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files
			.readString(yaml));
		return doc instanceof Map<?, ?> m && m.get(
			"weights") instanceof Map<?, ?> w && w.containsKey("onnx");
	}

	private static long[] squeeze(long[] shape) {
		return Arrays.stream(shape).filter(d -> d != 1).toArray();
	}
}


package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import ij.IJ;

/** Which jars the plugin needs, and what it says when one is missing. */
class RequiredJarsTest {

	private static final String ALL_MISSING =
		"fiji-gan cannot run: the jars scijava-common, " +
			"parsington, snakeyaml, jama, onnxruntime, tribuo-util-onnx and protobuf-java are missing " +
			"(classes org.scijava.command.Command, org.scijava.parsington.ExpressionParser, " +
			"org.yaml.snakeyaml.Yaml, Jama.Matrix, ai.onnxruntime.OrtEnvironment, ai.onnx.proto.OnnxMl, " +
			"com.google.protobuf.Message not found). Plain ImageJ 1 loads jars from plugins/jars/, Fiji " +
			"from jars/: copy every jar of the plugin's installation there (for ImageJ 1, the " +
			"plugins/jars/ folder that 'mvn package' lays out in target/ImageJ/) and restart ImageJ.";

	/** Each probe class is where the list says: in the jar of that artifact. */
	@Test
	void everyProbeClassComesFromItsJar() throws Exception {
		assertEquals(List.of(), RequiredJars.missing(getClass().getClassLoader()));
		for (RequiredJars.Jar jar : RequiredJars.JARS) {
			Class<?> c = Class.forName(jar.probeClass());
			String file = Path.of(c.getProtectionDomain().getCodeSource()
				.getLocation().toURI()).getFileName().toString();
			assertTrue(file.startsWith(jar.artifact() + "-") || jar.artifact().equals(
				"onnxruntime") && file.startsWith("onnxruntime_gpu-"), jar
					.probeClass() + " is in " + file);
			assertEquals(jar, RequiredJars.jarOf(jar.probeClass()));
		}
	}

	@Test
	void aClassNameLeadsToTheJarOfItsLongestKnownPackage() {
		assertEquals("parsington", RequiredJars.jarOf(
			"org/scijava/parsington/Variable").artifact());
		assertEquals("scijava-common", RequiredJars.jarOf(
			"org.scijava.module.ModuleItem").artifact());
		assertEquals("tribuo-util-onnx", RequiredJars.jarOf(
			"org/tribuo/util/onnx/ONNXContext").artifact());
		assertNull(RequiredJars.jarOf("java/lang/String"));
	}

	@Test
	void aMissingClassMetWhileRunningNamesItsJar() {
		assertEquals("fiji-gan cannot run: the jar onnxruntime is missing (class " +
			"ai.onnxruntime.OrtSession not found). Plain ImageJ 1 loads jars from plugins/jars/, Fiji " +
			"from jars/: copy every jar of the plugin's installation there (for ImageJ 1, the " +
			"plugins/jars/ folder that 'mvn package' lays out in target/ImageJ/) and restart ImageJ.",
			RequiredJars.describe(new NoClassDefFoundError(
				"ai/onnxruntime/OrtSession")));
		assertEquals("fiji-gan cannot run: class com.example.Other was not found " +
			"(java.lang.NoClassDefFoundError: com/example/Other); is a jar missing from plugins/jars/ " +
			"(Fiji: jars/)?", RequiredJars.describe(new NoClassDefFoundError(
				"com/example/Other")));
		// a class whose initialisation failed earlier is not missing: the error
		// itself is shown
		assertEquals(
			"fiji-gan cannot run: java.lang.NoClassDefFoundError: Could not initialize class " +
				"ai.onnxruntime.OrtEnvironment", RequiredJars.describe(
					new NoClassDefFoundError(
						"Could not initialize class ai.onnxruntime.OrtEnvironment")));
	}

	/**
	 * A command that meets a missing class reports it as an error, naming the
	 * jar.
	 */
	@Test
	void aCommandThatMeetsAMissingClassEndsWithAnErrorNamingTheJar() {
		CancellableCommand c = new CancellableCommand() {

			@Override
			protected void execute() {
				throw new NoClassDefFoundError("com/google/protobuf/GeneratedMessage");
			}
		};
		c.run();
		assertTrue(c.errorMessage().startsWith(
			"fiji-gan cannot run: the jar protobuf-java is missing " +
				"(class com.google.protobuf.GeneratedMessage not found)."), c
					.errorMessage());
	}

	/**
	 * The menu entry's class loads with ImageJ 1 alone, as in an ImageJ 1 whose
	 * plugins/jars/ is empty, and says which jars are missing instead of nothing.
	 */
	@Test
	void thePlugInLoadsWithImageJAloneAndNamesEveryMissingJar() throws Exception {
		URL ijJar = IJ.class.getProtectionDomain().getCodeSource().getLocation();
		URL classes = GanPlugIn.class.getProtectionDomain().getCodeSource()
			.getLocation();
		PrintStream stdout = System.out;
		ByteArrayOutputStream printed = new ByteArrayOutputStream();
		try (URLClassLoader imagejOnly = new URLClassLoader(new URL[] { ijJar,
			classes }, ClassLoader.getPlatformClassLoader()))
		{
			Class<?> plugIn = imagejOnly.loadClass(GanPlugIn.class.getName());
			Object instance = plugIn.getConstructor().newInstance();
			System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
			plugIn.getMethod("run", String.class).invoke(instance, "denoise");
		}
		finally {
			System.setOut(stdout);
		}
		// headless, and no ImageJ window: IJ.log prints
		assertEquals(ALL_MISSING + "\n", printed.toString(StandardCharsets.UTF_8));
	}
}


package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Fiji.app-shaped folder {@code mvn package} lays out (run by Failsafe
 * after package): the plugin jar with its plugins.config in plugins/, the
 * runtime dependencies Fiji lacks in jars/, and none it has, and a models/
 * folder with the bundled models.
 */
class FijiAppLayoutIT {

	private static final Path APP = Path.of("target", "Fiji.app");

	@Test
	void pluginsHoldsThePluginJarWithItsMenus() throws IOException {
		List<Path> plugins = list(APP.resolve("plugins"));
		assertEquals(1, plugins.size(), plugins.toString());
		String name = plugins.get(0).getFileName().toString();
		assertTrue(name.matches("fiji_gan-.+\\.jar"), name +
			": ImageJ 1 loads plugin jars with an underscore");
		try (JarFile jar = new JarFile(plugins.get(0).toFile())) {
			assertNotNull(jar.getEntry("plugins.config"));
			assertNotNull(jar.getEntry("org/fijigan/imagej/GanPlugIn.class"));
		}
	}

	@Test
	void jarsHoldTheRuntimeDependenciesFijiLacks() throws IOException {
		List<String> jars = list(APP.resolve("jars")).stream().map(p -> p
			.getFileName().toString().replaceAll("-[0-9][^-]*\\.jar$", "")).sorted()
			.toList();
		assertTrue(jars.equals(List.of("onnxruntime", "picocli", "protobuf-java",
			"tribuo-util-onnx")) || jars.equals(List.of("onnxruntime_gpu", "picocli",
				"protobuf-java", "tribuo-util-onnx")), jars.toString());
	}

	@Test
	void modelsFolderIsThere() {
		assertTrue(Files.isRegularFile(APP.resolve("models").resolve(
			"README.txt")));
	}

	/**
	 * Only model packages (a folder with an rdf.yaml) and the README go to
	 * models/: no recipes, no scripts.
	 */
	@Test
	void modelsHoldsOnlyPackages() throws IOException {
		for (Path p : list(APP.resolve("models"))) {
			if (p.getFileName().toString().equals("README.txt")) continue;
			assertTrue(Files.isDirectory(p) && Files.isRegularFile(p.resolve(
				"rdf.yaml")), p +
					" is not a model package: exclude it in the pom's fiji-app-models resources");
		}
	}

	/**
	 * Every bundled model (the repository's models/NAME/ packages) arrives whole,
	 * byte for byte.
	 */
	@Test
	void bundledModelPackagesArrive() throws IOException {
		Path bundled = Path.of("models");
		List<Path> packages = Files.isDirectory(bundled) ? list(bundled).stream()
			.filter(p -> Files.isRegularFile(p.resolve("rdf.yaml"))).toList() : List
				.of();
		Assumptions.assumeFalse(packages.isEmpty(),
			"no bundled models yet: models/ holds no folder with an rdf.yaml");
		for (Path pkg : packages) {
			Path arrived = APP.resolve("models").resolve(pkg.getFileName()
				.toString());
			List<Path> files;
			try (Stream<Path> s = Files.walk(pkg)) {
				files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName()
					.toString().startsWith(".")).toList(); // hidden: leftovers of an
																									// interrupted write,
																									// .gitattributes...
			}
			for (Path f : files) {
				Path copy = arrived.resolve(pkg.relativize(f).toString());
				assertTrue(Files.isRegularFile(copy), copy + " is missing");
				assertEquals(-1, Files.mismatch(f, copy), copy + " differs from " + f);
			}
		}
	}

	private static List<Path> list(Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.sorted().toList();
		}
	}
}

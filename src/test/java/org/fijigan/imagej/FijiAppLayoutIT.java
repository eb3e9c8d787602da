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

import org.junit.jupiter.api.Test;

/**
 * The Fiji.app-shaped folder {@code mvn package} lays out (run by Failsafe after package): the plugin
 * jar with its plugins.config in plugins/, the runtime dependencies Fiji lacks in jars/, and none it
 * has, and a models/ folder.
 */
class FijiAppLayoutIT {
	private static final Path APP = Path.of("target", "Fiji.app");

	@Test
	void pluginsHoldsThePluginJarWithItsMenus() throws IOException {
		List<Path> plugins = list(APP.resolve("plugins"));
		assertEquals(1, plugins.size(), plugins.toString());
		String name = plugins.get(0).getFileName().toString();
		assertTrue(name.matches("fiji_gan-.+\\.jar"), name + ": ImageJ 1 loads plugin jars with an underscore");
		try (JarFile jar = new JarFile(plugins.get(0).toFile())) {
			assertNotNull(jar.getEntry("plugins.config"));
			assertNotNull(jar.getEntry("org/fijigan/imagej/GanPlugIn.class"));
		}
	}

	@Test
	void jarsHoldTheRuntimeDependenciesFijiLacks() throws IOException {
		List<String> jars = list(APP.resolve("jars")).stream().map(p -> p.getFileName().toString()
			.replaceAll("-[0-9][^-]*\\.jar$", "")).sorted().toList();
		assertTrue(jars.equals(List.of("onnxruntime", "picocli", "protobuf-java", "tribuo-util-onnx")) ||
			jars.equals(List.of("onnxruntime_gpu", "picocli", "protobuf-java", "tribuo-util-onnx")), jars
				.toString());
	}

	@Test
	void modelsFolderIsThere() {
		assertTrue(Files.isRegularFile(APP.resolve("models").resolve("README.txt")));
	}

	private static List<Path> list(Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.sorted().toList();
		}
	}
}

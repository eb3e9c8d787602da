
package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageProcessor;

/**
 * The plain ImageJ 1 folder {@code mvn package} lays out in
 * {@code target/ImageJ} (run by Failsafe after package): its layout, and ImageJ
 * 1 itself ({@code ij.jar} 1.54p, nothing of Fiji) started from a copy of it in
 * a JVM of its own, running a macro through the Plugins > GAN menu.
 * <p>
 * ImageJ 1 builds its menus with AWT, which Java refuses without a display
 * (java.awt.headless makes every menu a HeadlessException, and IJ.run needs the
 * menus); only Fiji's patcher makes it headless. So the forked ImageJ runs
 * under {@code xvfb-run} (Debian's xvfb), or on the display {@code DISPLAY}
 * names, and the two runs are skipped, saying so, where there is neither.
 */
class PlainImageJInstallIT {

	private static final Path TREE = Path.of("target", "ImageJ");
	private static final Path NOISY = Path.of("samples", "cells-noisy.png");
	private static final Path CLEAN = Path.of("samples", "cells.png");
	private static final String OPTIONS =
		"model=denoise tile=auto halo=auto normalize=percentile " +
			"device=cpu threads=1";

	@TempDir
	Path dir;

	@Test
	void pluginsHoldsThePluginJarAndPluginsJarsEveryOtherJarItNeedsButImageJ()
		throws IOException
	{
		List<Path> plugins = list(TREE.resolve("plugins")).stream().filter(
			Files::isRegularFile).toList();
		assertEquals(1, plugins.size(), plugins.toString());
		assertTrue(plugins.get(0).getFileName().toString().matches(
			"fiji_gan-.+\\.jar"), plugins.toString());
		Set<String> jars = artifacts(TREE.resolve("plugins").resolve("jars"));
		Set<String> cpu = Set.of("jama", "onnxruntime", "parsington", "picocli",
			"protobuf-java", "scijava-common", "snakeyaml", "tribuo-util-onnx");
		Set<String> gpu = new TreeSet<>(cpu);
		gpu.remove("onnxruntime");
		gpu.add("onnxruntime_gpu");
		assertTrue(jars.equals(cpu) || jars.equals(gpu), jars.toString());
		for (RequiredJars.Jar jar : RequiredJars.JARS) // what the plugin checks for
																										// is what is laid out
			assertTrue(jars.contains(jar.artifact()) || jar.artifact().equals(
				"onnxruntime") && jars.contains("onnxruntime_gpu"), jar.artifact());
	}

	@Test
	void modelsAreFijiAppsModels() throws IOException {
		assertEquals(files(Path.of("target", "Fiji.app", "models")), files(TREE
			.resolve("models")));
		assertTrue(Files.isRegularFile(TREE.resolve("models/denoise/rdf.yaml")));
	}

	/**
	 * Plain ImageJ 1 runs Denoise from a macro and gives the pixels the command
	 * gives in-process.
	 */
	@Test
	void aMacroRunsDenoiseThroughTheMenu() throws Exception {
		Path imagej = install("ImageJ", null);
		Path out = dir.resolve("denoised.tif");

		String log = runMacro(imagej, "open(\"" + NOISY.toAbsolutePath() +
			"\");\n" + //
			"run(\"Denoise...\", \"" + OPTIONS + "\");\n" + //
			"saveAs(\"Tiff\", \"" + out + "\");\n" + //
			"print(\"saved \" + getTitle());\n");

		assertTrue(log.contains("fiji-gan: denoise (denoise) on cpu"), log);
		assertTrue(log.contains("saved denoised.tif"), log);
		ImagePlus result = IJ.openImage(out.toString());
		assertEquals("denoise", result.getProp("fiji-gan.model"));
		DenoiseCommand inProcess = new DenoiseCommand();
		inProcess.image = IJ.openImage(NOISY.toString());
		inProcess.model = TREE.resolve("models/denoise").toAbsolutePath()
			.toString();
		inProcess.normalize = "percentile";
		inProcess.device = "cpu";
		inProcess.threads = 1;
		inProcess.run();
		assertEquals(null, inProcess.errorMessage());
		assertArrayEquals((byte[]) inProcess.output.getProcessor().getPixels(),
			(byte[]) result.getProcessor().getPixels());
		// and it denoised: nearer the clean image than the noisy input is
		ImageProcessor clean = IJ.openImage(CLEAN.toString()).getProcessor();
		double before = meanSquaredError(inProcess.image.getProcessor(), clean),
				after = meanSquaredError(result.getProcessor(), clean);
		assertTrue(after < before / 2, "error against the clean image " + before +
			" -> " + after);
	}

	/**
	 * Without scijava-common in plugins/jars/, the menu entry says so in the log
	 * (ImageJ -batch prints it), and the macro stops there: no dialog waits for a
	 * click, nothing more is saved.
	 */
	@Test
	void aMissingJarIsNamedInTheLogAndStopsTheMacro() throws Exception {
		Path imagej = install("ImageJ-without-scijava", "scijava-common");
		Path out = dir.resolve("denoised.tif");

		String log = runMacro(imagej, "open(\"" + NOISY.toAbsolutePath() +
			"\");\n" + //
			"run(\"Denoise...\", \"" + OPTIONS + "\");\n" + //
			"saveAs(\"Tiff\", \"" + out + "\");\n");

		String expected =
			"fiji-gan cannot run: the jar scijava-common is missing (class " +
				"org.scijava.command.Command not found). Plain ImageJ 1 loads jars from plugins/jars/";
		assertTrue(log.contains(expected), log);
		assertFalse(Files.exists(out), "the macro went on after the error:\n" +
			log);
	}

	/**
	 * A copy of target/ImageJ with ij.jar (the test class path's: 1.54p) beside
	 * plugins/, as a user's ImageJ folder looks once the tree is copied in;
	 * {@code leaveOut} names a jar not copied.
	 */
	private Path install(String name, String leaveOut) throws IOException,
		URISyntaxException
	{
		assertTrue(IJ.getFullVersion().startsWith("1.54p"), IJ.getFullVersion());
		Path imagej = dir.resolve(name);
		try (Stream<Path> s = Files.walk(TREE)) {
			for (Path p : s.toList()) {
				Path copy = imagej.resolve(TREE.relativize(p).toString());
				if (Files.isDirectory(p)) Files.createDirectories(copy);
				else if (leaveOut == null || !artifact(p).equals(leaveOut)) Files.copy(
					p, copy);
			}
		}
		Path ijJar = Path.of(IJ.class.getProtectionDomain().getCodeSource()
			.getLocation().toURI());
		Files.copy(ijJar, imagej.resolve("ij.jar"),
			StandardCopyOption.REPLACE_EXISTING);
		return imagej;
	}

	/**
	 * Runs {@code macro} with {@code java -jar ij.jar -batch} in {@code imagej},
	 * under xvfb-run where there is one; returns what ImageJ printed (in batch
	 * mode, the Log window's lines).
	 */
	private String runMacro(Path imagej, String macro) throws IOException,
		InterruptedException
	{
		List<String> command = new ArrayList<>();
		String xvfbRun = onPath("xvfb-run");
		if (xvfbRun != null) command.addAll(List.of(xvfbRun, "-a"));
		else Assumptions.assumeTrue(System.getenv("DISPLAY") != null,
			"plain ImageJ 1 needs a display for its menus: install xvfb (xvfb-run) or set DISPLAY");
		Path file = dir.resolve(imagej.getFileName() + ".ijm");
		Files.writeString(file, macro);
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		command.addAll(List.of(java.toString(), "-Xmx1g", "-Duser.home=" + dir
			.resolve("home"), "-jar", "ij.jar", "-batch", file.toString()));
		Path output = dir.resolve(imagej.getFileName() + ".log");
		Process p = new ProcessBuilder(command).directory(imagej.toFile())
			.redirectErrorStream(true).redirectOutput(output.toFile()).start();
		p.getOutputStream().close();
		boolean exited = p.waitFor(120, TimeUnit.SECONDS);
		if (!exited) { // e.g. a dialog waiting for a click: ImageJ, and Xvfb with
										// it
			p.descendants().forEach(ProcessHandle::destroyForcibly);
			p.destroyForcibly();
		}
		String log = Files.readString(output, StandardCharsets.UTF_8);
		assertTrue(exited, "ImageJ did not exit within 2 minutes; it printed:\n" +
			log);
		assertEquals(0, p.exitValue(), log);
		return log;
	}

	private static String onPath(String program) {
		for (String d : System.getenv().getOrDefault("PATH", "").split(
			File.pathSeparator))
		{
			Path p = Path.of(d, program);
			if (!d.isEmpty() && Files.isExecutable(p)) return p.toString();
		}
		return null;
	}

	private static double meanSquaredError(ImageProcessor a, ImageProcessor b) {
		double sum = 0;
		int n = a.getPixelCount();
		for (int i = 0; i < n; i++) {
			double d = a.getf(i) - b.getf(i);
			sum += d * d;
		}
		return sum / n;
	}

	private static Set<String> artifacts(Path folder) throws IOException {
		return list(folder).stream().map(PlainImageJInstallIT::artifact).collect(
			Collectors.toCollection(TreeSet::new));
	}

	/**
	 * A jar's artifact: its name without the version, e.g.
	 * {@code scijava-common}.
	 */
	private static String artifact(Path jar) {
		return jar.getFileName().toString().replaceAll("-[0-9][^-]*\\.jar$", "");
	}

	private static Set<String> files(Path root) throws IOException {
		try (Stream<Path> s = Files.walk(root)) {
			return s.filter(Files::isRegularFile).map(p -> root.relativize(p)
				.toString()).collect(Collectors.toCollection(TreeSet::new));
		}
	}

	private static List<Path> list(Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.sorted().toList();
		}
	}
}


package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.core.io.FileNameEncoding;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entries of an input folder that are named as images but cannot be read as
 * one (a named pipe, a symbolic link to nothing, a name the locale's file-name
 * encoding cannot read): each gets a {@code failed} row naming it and why,
 * without being opened, and the rest of the folder is run. The {@code fiji-gan}
 * launcher gives Java a UTF-8 file-name encoding under a locale without one, so
 * that accented names work there.
 */
class FolderEntriesCliTest {

	@TempDir
	Path dir;

	void tiff8(Path file, long seed) {
		byte[] pixels = new byte[16 * 16];
		new Random(seed).nextBytes(pixels);
		assertTrue(new FileSaver(new ImagePlus("in", new ByteProcessor(16, 16,
			pixels))).saveAsTiff(file.toString()));
	}

	/** Runs {@code sh -c script} in {@link #dir}; true when it exits 0. */
	boolean sh(String script) throws Exception {
		Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile())
			.redirectErrorStream(true).start();
		return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
	}

	static Set<String> names(Path folder) throws Exception {
		try (Stream<Path> s = Files.list(folder)) {
			return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
		}
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void aPipeADanglingLinkAndANameThatIsNotUtf8FailEachWithTheirReason()
		throws Exception
	{
		assumeTrue(FileNameEncoding.name().equals("UTF-8"),
			"this JVM's file names are not UTF-8");
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path in = Files.createDirectories(dir.resolve("in"));
		tiff8(in.resolve("a.tif"), 1);
		assumeTrue(sh("mkfifo in/pipe.tif && ln -s nowhere.tif in/dangling.tif " +
			"&& cp in/a.tif \"$(printf 'in/bad\\377.tif')\""),
			"cannot make a named pipe or a name that is not UTF-8 here");
		Path out = dir.resolve("out");

		// a named pipe that is opened blocks: the run must end on its own
		Result r = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> MainTest
			.cli("run", "--model", model, "--input", in, "--output", out, "--threads",
				1));

		assertEquals(1, r.exitCode(), r.out() + r.err());
		String bad = "bad\uFFFD.tif";
		List<String> failed = r.out().lines().filter(l -> l.startsWith("failed: "))
			.toList();
		assertEquals(List.of("failed: " + bad + ": cannot read input " + in.resolve(
			bad) + ": its name is not valid UTF-8, the file-name encoding " +
			"of this system's locale, so it cannot be opened by its name: rename it",
			"failed: dangling.tif: input " + in.resolve("dangling.tif") +
				" is a symbolic link to nowhere.tif, which leads to no file: not read",
			"failed: pipe.tif: input " + in.resolve("pipe.tif") +
				" is a named pipe (FIFO), not a regular file: never opened"), failed, r
					.out());
		assertTrue(r.out().startsWith("1 of 4 images written"), r.out());
		assertEquals("fiji-gan: 3 of 4 images failed; see " + out.resolve(
			"manifest.csv"), r.err().strip());
		assertEquals(Set.of("a.tif", "manifest.csv"), names(out));
		List<String> rows = Files.readAllLines(out.resolve("manifest.csv"),
			StandardCharsets.UTF_8);
		assertEquals(5, rows.size(), String.join("\n", rows));
		assertTrue(rows.get(1).startsWith("a.tif,a.tif,"), rows.get(1));
		assertTrue(rows.get(1).contains(",done,"), rows.get(1));
		for (String name : List.of(bad, "dangling.tif", "pipe.tif"))
			assertTrue(rows.stream().anyMatch(row -> row.startsWith(name + "," +
				name + ",,") && row.contains(",failed,")), name + "\n" + String.join(
					"\n", rows));

		// a rerun says the same, never "removed during the run?"
		Result again = MainTest.cli("run", "--model", model, "--input", in,
			"--output", out, "--threads", 1);
		assertEquals(1, again.exitCode(), again.out() + again.err());
		assertEquals(failed, again.out().lines().filter(l -> l.startsWith(
			"failed: ")).toList());
	}

	/**
	 * An entry that cannot be read writes nothing, so its output name takes no
	 * part in the checks of what the run will write: a link to nothing whose
	 * output would be an image's, or a pipe named as a JPEG in a run of float
	 * results, fails alone, and the images are written.
	 */
	@Test
	@EnabledOnOs(OS.LINUX)
	void anUnreadableEntryTakesNoPartInTheChecksOfTheOutputs() throws Exception {
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path in = Files.createDirectories(dir.resolve("in"));
		tiff8(in.resolve("img0.tif"), 1);
		tiff8(in.resolve("img1.tif"), 2);
		Files.createSymbolicLink(in.resolve("img0.png"), Path.of(
			"/nowhere/img0.png"));
		Path out = dir.resolve("out");
		Result r = MainTest.cli("run", "--model", model, "--input", in, "--output",
			out, "--format", "tif", "--threads", 1);
		assertEquals(1, r.exitCode(), r.out() + r.err());
		assertEquals("fiji-gan: 1 of 3 images failed; see " + out.resolve(
			"manifest.csv"), r.err().strip());
		assertEquals(List.of("failed: img0.png: input " + in.resolve("img0.png") +
			" is a symbolic link to /nowhere/img0.png, which leads to no file: " +
			"not read"), r.out().lines().filter(l -> l.startsWith("failed: "))
				.toList());
		assertEquals(Set.of("img0.tif", "img1.tif", "manifest.csv"), names(out));

		Path pipes = Files.createDirectories(dir.resolve("pipes"));
		tiff8(pipes.resolve("a.tif"), 3);
		assumeTrue(sh("mkfifo pipes/pipe.jpg"), "cannot make a named pipe here");
		Path floats = dir.resolve("floats");
		Result f = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> MainTest
			.cli("run", "--model", model, "--input", pipes, "--output", floats,
				"--float", "--threads", 1));
		assertEquals(1, f.exitCode(), f.out() + f.err());
		assertEquals("fiji-gan: 1 of 2 images failed; see " + floats.resolve(
			"manifest.csv"), f.err().strip());
		assertEquals(List.of("failed: pipe.jpg: input " + pipes.resolve(
			"pipe.jpg") + " is a named pipe (FIFO), not a regular file: never " +
			"opened"), f.out().lines().filter(l -> l.startsWith("failed: "))
				.toList());
		assertEquals(Set.of("a.tif", "manifest.csv"), names(floats));
		assertEquals(32, ij.IJ.openImage(floats.resolve("a.tif").toString())
			.getBitDepth());
	}

	/**
	 * A copy of the repository's launcher in {@code folder}, set up as a folder
	 * whose build is done, with a stand-in Java that runs this class path: the
	 * launcher's own work, not a build. Returns the launcher's path.
	 */
	static Path launcherCopy(Path folder) throws java.io.IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java")
			.toString();
		Files.createDirectories(folder.resolve("target/lib"));
		Files.createDirectories(folder.resolve("jdk/bin"));
		Files.writeString(folder.resolve("target/.fiji-gan-built"), "");
		Files.writeString(folder.resolve("target/fiji-gan-cli.jar"), "");
		Path fake = folder.resolve("jdk/bin/java");
		Files.writeString(fake, "#!/bin/sh\nwhile [ \"$1\" != " +
			"org.fijigan.cli.Main ]; do shift; done; shift\nexec '" + java +
			"' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true " +
			"-cp '" + System.getProperty("java.class.path") +
			"' org.fijigan.cli.Main \"$@\"\n");
		Path launcher = folder.resolve("fiji-gan");
		Files.copy(Path.of("fiji-gan"), launcher);
		assertTrue(launcher.toFile().setExecutable(true) && fake.toFile()
			.setExecutable(true));
		return launcher;
	}

	/**
	 * {@code fiji-gan ARGS} run by the launcher in a locale without UTF-8 (no
	 * LANG, LC_ALL or LC_CTYPE), or straight with Java when {@code launcher} is
	 * false: the launcher's Java is this one, on this class path.
	 */
	Result withoutUtf8Locale(boolean launcher, Object... args) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java")
			.toString();
		List<String> cmd = new ArrayList<>();
		if (launcher) cmd.add(launcherCopy(dir.resolve("launcher")).toString());
		else cmd.addAll(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
			"-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
			"org.fijigan.cli.Main"));
		for (Object a : args)
			cmd.add(String.valueOf(a));
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve(
			"run.out").toFile()).redirectError(dir.resolve("run.err").toFile());
		pb.environment().keySet().removeIf(k -> k.equals("LANG") || k.startsWith(
			"LC_"));
		if (launcher) pb.environment().put("JAVA_HOME", dir.resolve("launcher/jdk")
			.toString());
		Process p = pb.start();
		assertTrue(p.waitFor(120, TimeUnit.SECONDS), "still running");
		return new Result(p.exitValue(), Files.readString(dir.resolve("run.out"),
			StandardCharsets.UTF_8), Files.readString(dir.resolve("run.err"),
				StandardCharsets.UTF_8));
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void anAccentedNameWithoutAUtf8LocaleFailsItsImageOnlyAndTheLauncherReadsIt()
		throws Exception
	{
		assumeTrue(FileNameEncoding.name().equals("UTF-8"),
			"this JVM cannot make the accented name");
		assumeTrue(sh("locale -a | grep -qiE '^c\\.utf-?8$'"),
			"no C.UTF-8 locale here");
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path in = Files.createDirectories(dir.resolve("in"));
		tiff8(in.resolve("a.tif"), 2);
		tiff8(in.resolve("with space \u00e9.tif"), 3);

		// Java alone, under the C locale: that image fails, saying why; the rest
		// is run
		Path plain = dir.resolve("plain");
		Result r = withoutUtf8Locale(false, "run", "--model", model, "--input", in,
			"--output", plain, "--threads", 1);
		assertEquals(1, r.exitCode(), r.out() + r.err());
		List<String> failed = r.out().lines().filter(l -> l.startsWith("failed: "))
			.toList();
		assertEquals(1, failed.size(), r.out());
		assertTrue(failed.get(0).matches("failed: with space \\?+\\.tif: cannot " +
			"read input .*with space \\?+\\.tif: its name holds characters that the " +
			"file-name encoding of this system's locale \\(US-ASCII, from LC_ALL, " +
			"LC_CTYPE or LANG\\) cannot represent, so it cannot be opened by its " +
			"name: run with a UTF-8 locale \\(LC_ALL=C.UTF-8\\), or rename it"),
			failed.get(0));
		assertTrue(r.out().startsWith("1 of 2 images written"), r.out());
		assertEquals(Set.of("a.tif", "manifest.csv"), names(plain));

		// the launcher: both
		Path launched = dir.resolve("launched");
		Result l = withoutUtf8Locale(true, "run", "--model", model, "--input", in,
			"--output", launched, "--threads", 1);
		assertEquals(0, l.exitCode(), l.out() + l.err());
		assertTrue(l.out().startsWith("2 of 2 images written"), l.out());
		assertEquals(Set.of("a.tif", "with space \u00e9.tif", "manifest.csv"),
			names(launched));
	}
}


package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.fijigan.cli.MainTest.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code fiji-gan} launcher script, run as a copy whose build is done and
 * whose Java runs this class path ({@link FolderEntriesCliTest#launcherCopy}).
 */
@EnabledOnOs(OS.LINUX)
class LauncherTest {

	@TempDir
	Path dir;

	/**
	 * Runs {@code sh -c script} in {@link #dir}, with a {@code mvn} on the PATH
	 * that fails at once: a launcher that thinks it must build says so.
	 */
	Result sh(String script) throws Exception {
		Path bin = Files.createDirectories(dir.resolve("bin"));
		Path mvn = bin.resolve("mvn");
		Files.writeString(mvn, "#!/bin/sh\necho 'mvn ran' >&2\nexit 1\n");
		assertTrue(mvn.toFile().setExecutable(true));
		ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).directory(dir
			.toFile()).redirectOutput(dir.resolve("run.out").toFile()).redirectError(
				dir.resolve("run.err").toFile());
		pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
		pb.environment().put("JAVA_HOME", dir.resolve("launcher/jdk").toString());
		pb.environment().put("FIJI_GAN_CDS", "0");
		Process p = pb.start();
		assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running");
		return new Result(p.exitValue(), Files.readString(dir.resolve("run.out"),
			StandardCharsets.UTF_8), Files.readString(dir.resolve("run.err"),
				StandardCharsets.UTF_8));
	}

	List<String> names() throws Exception {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}

	/**
	 * An exported CDPATH made the launcher's cd print the folder it went to,
	 * which its folder then held twice (a line break between): the launcher
	 * rebuilt in a new folder of that name, and Maven found no pom there.
	 */
	@Test
	void anExportedCdpathDoesNotMoveTheLaunchersFolder() throws Exception {
		FolderEntriesCliTest.launcherCopy(dir.resolve("launcher"));
		Result r = sh("CDPATH=.:/usr; export CDPATH; launcher/fiji-gan --version");
		assertEquals(0, r.exitCode(), r.err());
		assertEquals("fiji-gan (development build)", r.out().strip(), r.err());
		assertEquals("", r.err());
		assertEquals(List.of("bin", "launcher", "run.err", "run.out"), names());
	}

	/**
	 * Java 24 and newer printed 8 WARNING lines on every run (ONNX Runtime's
	 * System.load, protobuf's sun.misc.Unsafe): the launcher allows both, the
	 * Unsafe option only for a Java whose release file says 23 or newer, as older
	 * ones refuse it and would not start.
	 */
	@Test
	void theJvmsAccessOptionsFollowTheJavaVersion() throws Exception {
		FolderEntriesCliTest.launcherCopy(dir.resolve("launcher"));
		Path jdk = dir.resolve("launcher/jdk");
		// a Java that prints the options it was given, one per line
		Files.writeString(jdk.resolve("bin/java"),
			"#!/bin/sh\nfor a; do echo \"$a\"; done\n");
		for (String version : new String[] { "25.0.3", "23", "17.0.15", null }) {
			Files.deleteIfExists(jdk.resolve("release"));
			if (version != null) Files.writeString(jdk.resolve("release"),
				"IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
			Result r = sh("launcher/fiji-gan --version");
			assertEquals(0, r.exitCode(), r.err());
			List<String> options = r.out().lines().toList();
			assertTrue(options.contains("--enable-native-access=ALL-UNNAMED"), r
				.out());
			assertEquals(version != null && !version.startsWith("17"), options
				.contains("--sun-misc-unsafe-memory-access=allow"), version + ": " + r
					.out());
		}
	}

	/**
	 * A JAVA_HOME without a Java fails in one line of the launcher's, exit 1, not
	 * with the shell's "exec: .../bin/java: not found" and exit 127.
	 */
	@Test
	void aJavaHomeWithoutJavaIsOneLineAndExitOne() throws Exception {
		FolderEntriesCliTest.launcherCopy(dir.resolve("launcher"));
		Path none = dir.resolve("no-java");
		Result r = sh("JAVA_HOME='" + none + "'; export JAVA_HOME; " +
			"launcher/fiji-gan --version");
		assertEquals(1, r.exitCode(), r.err());
		assertEquals("fiji-gan: JAVA_HOME is " + none + ", which has no " +
			"bin/java: set it to a Java 17 or newer, or unset it to use the java " +
			"on the PATH\n", r.err());
		assertEquals("", r.out());
	}
}


package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher switches off ONNX Runtime's telemetry files: without
 * ORT_DISABLE_TELEMETRY=1, ONNX Runtime 1.29 wrote a database and device id
 * under ~/.cache/Microsoft/DeveloperTools/.onnxruntime, and .ses and
 * mat-debug-PID.log in $TMPDIR, on every command that loaded a model.
 */
class LauncherNativeFilesTest {

	@TempDir
	Path dir;

	@Test
	@EnabledOnOs(OS.LINUX)
	void infoThroughTheLauncherWritesNothingInTheHomeOrTempFolder()
		throws Exception
	{
		// a copy of the launcher whose build is done, with a Java that runs this
		// class path
		Path launcher = FolderEntriesCliTest.launcherCopy(dir.resolve("launcher"))
			.getParent();
		Path home = Files.createDirectories(dir.resolve("home")), tmp = Files
			.createDirectories(dir.resolve("tmp"));
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");

		ProcessBuilder pb = new ProcessBuilder(launcher.resolve("fiji-gan")
			.toString(), "info", "--model", model.toString()).redirectOutput(dir
				.resolve("run.out").toFile()).redirectError(dir.resolve("run.err")
					.toFile());
		pb.environment().remove("ORT_DISABLE_TELEMETRY");
		pb.environment().remove("XDG_CACHE_HOME");
		pb.environment().put("HOME", home.toString());
		pb.environment().put("TMPDIR", tmp.toString());
		pb.environment().put("FIJI_GAN_CDS", "0");
		pb.environment().put("JAVA_HOME", launcher.resolve("jdk").toString());
		Process p = pb.start();
		assertTrue(p.waitFor(120, TimeUnit.SECONDS), "still running");
		assertEquals(0, p.exitValue(), Files.readString(dir.resolve("run.err"),
			StandardCharsets.UTF_8));
		assertTrue(Files.readString(dir.resolve("run.out"), StandardCharsets.UTF_8)
			.contains("loads:         yes"));
		assertEquals(List.of(), list(tmp));
		assertEquals(List.of(), list(home));
	}

	private static List<String> list(Path folder) throws Exception {
		try (Stream<Path> s = Files.list(folder)) {
			return s.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}
}

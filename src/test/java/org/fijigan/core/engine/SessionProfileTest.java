
package org.fijigan.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.fijigan.core.CancellationToken;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModelSession#PROFILE_PROPERTY}: ONNX Runtime's profiler on every
 * session, one complete trace file per session once it closes.
 */
class SessionProfileTest {

	@Test
	void aProfiledSessionWritesItsNodesKernelTimesWhenItCloses(@TempDir Path dir)
		throws Exception
	{
		Path folder = dir.resolve("profiles");
		byte[] model = OnnxModels.conv3x3(1, 2, 3, 2).toBytes();
		Map<String, Tensor> in = Map.of("x", Tensor.of(new float[16], 1, 1, 4, 4));
		String old = System.getProperty(ModelSession.PROFILE_PROPERTY);
		System.setProperty(ModelSession.PROFILE_PROPERTY, folder.toString());
		try (ModelSession s = ModelSession.open(model, "two convs", DeviceSpec.CPU,
			1))
		{
			for (int i = 0; i < 3; i++)
				s.run(in, List.of("y"), CancellationToken.none());
		}
		finally {
			if (old == null) System.clearProperty(ModelSession.PROFILE_PROPERTY);
			else System.setProperty(ModelSession.PROFILE_PROPERTY, old);
		}
		List<Path> files;
		try (Stream<Path> list = Files.list(folder)) {
			files = list.toList();
		}
		assertEquals(2, files.size(), files.toString());
		Path json = files.stream().filter(f -> f.toString().endsWith(".json"))
			.findFirst().orElseThrow();
		String name = json.getFileName().toString();
		assertTrue(name.matches("(\\d{3})-two-convs_.*\\.json"), name);
		// the model from memory, beside its trace
		assertArrayEquals(model, Files.readAllBytes(json.resolveSibling(name
			.substring(0, 3) + "-two-convs.onnx")));
		String trace = Files.readString(json).strip();
		// a complete JSON array: ONNX Runtime writes the closing bracket last
		assertTrue(trace.startsWith("[") && trace.endsWith("]"), trace.substring(
			Math.max(0, trace.length() - 200)));
		assertEquals(3, count(trace, "\"name\"\\s*:\\s*\"model_run\""));
		// the kernels of both Convs in each run (ONNX Runtime may fuse the Relu
		// into the first, and on x86 adds layout nodes of its own around them)
		Matcher ops = Pattern.compile("\"op_name\"\\s*:\\s*\"(\\w+)\"").matcher(
			trace);
		int convs = 0;
		while (ops.find())
			if (ops.group(1).equals("Conv") || ops.group(1).equals("FusedConv"))
				convs++;
		assertEquals(2 * 3, convs, "two Conv kernels in each of three runs");
	}

	private static int count(String text, String regex) {
		Matcher m = Pattern.compile(regex).matcher(text);
		int n = 0;
		while (m.find())
			n++;
		return n;
	}
}

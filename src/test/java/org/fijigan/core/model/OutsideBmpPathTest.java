
package org.fijigan.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.io.FileNameEncoding;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * A model whose path holds a character outside the Basic Multilingual Plane,
 * which ONNX Runtime's Java binding cannot pass as a path: one without external
 * data is opened from its bytes wherever a session is opened by path (info's
 * load check, models install, a run); one with external data is refused naming
 * that cause. Before, each said "File doesn't exist".
 */
class OutsideBmpPathTest {

	@TempDir
	Path dir;

	Path folder;

	@BeforeEach
	void folder() throws IOException {
		assumeTrue(FileNameEncoding.name().equals("UTF-8"),
			"file names are not UTF-8 here");
		folder = Files.createDirectories(dir.resolve("\uD83D\uDE00dir"));
	}

	@Test
	void aModelWithoutExternalDataLoadsRunsAndInstalls() throws IOException {
		Path onnx = OnnxModels.addConstant(1, 0.5f).write(folder,
			"\uD835\uDD10.onnx");
		assertNull(ModelLoader.whyNotLoadable(onnx));
		try (ModelSession s = ModelSession.open(onnx, DeviceSpec.CPU, 1)) {
			Tensor y = s.run(Map.of("x", Tensor.of(new float[] { 1, 2 }, 1, 1, 1, 2)),
				List.of("y"), CancellationToken.none()).get("y");
			assertArrayEquals(new float[] { 1.5f, 2.5f }, y.floats());
		}
		InstalledModel m = new ModelStore(dir.resolve("models")).install(onnx
			.toString(), "m", null, null, null);
		assertArrayEquals(Files.readAllBytes(onnx), Files.readAllBytes(m.folder()
			.resolve(ModelStore.ONNX_FILE)));
	}

	@Test
	void aModelWithExternalDataIsRefusedNamingTheCharacter() throws IOException {
		Files.write(folder.resolve("w.bin"), new byte[] { 0, 0, 0, 0x40 });
		Path onnx = OnnxModels.builder().input("x", "N,1,H,W").initializer(
			TensorProto.newBuilder().setName("w").setDataType(OnnxModels.FLOAT)
				.addDims(1).addDims(1).addDims(1).addDims(1).setDataLocation(
					TensorProto.DataLocation.EXTERNAL).addExternalData(
						StringStringEntryProto.newBuilder().setKey("location").setValue(
							"w.bin")).build()).node("Conv", "x,w", "y", OnnxModels.attrInts(
								"kernel_shape", 1, 1)).output("y", "N,1,H,W").write(folder,
									"conv.onnx");
		String expected = "ONNX Runtime cannot load conv.onnx: it keeps weights " +
			"in external data files [w.bin], which ONNX Runtime finds only by the " +
			"model's path, and it cannot be given the path " + onnx + ": it holds " +
			"'\uD83D\uDE00' (U+1F600), a character outside the Basic Multilingual " +
			"Plane, which ONNX Runtime's Java binding cannot pass; move or rename " +
			"the folder so that its path has no such character";
		assertEquals(expected, ModelLoader.whyNotLoadable(onnx));
		GanException e = assertThrows(GanException.class, () -> new ModelStore(dir
			.resolve("models")).install(onnx.toString(), "ext", null, null, null));
		assertEquals("conv.onnx was not installed: " + expected, e.getMessage());
	}
}


package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.fijigan.core.batch.Manifest;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

/**
 * Plugins>GAN>Batch Process Folder... from macro options, headless, as a
 * cluster node runs it.
 */
class BatchProcessFolderCommandTest {

	@TempDir
	Path dir;

	void image(String name, float first) throws Exception {
		Path file = dir.resolve("in").resolve(name);
		Files.createDirectories(file.getParent());
		ImagePlus imp = new ImagePlus(name, new FloatProcessor(3, 2, new float[] {
			first, 1, 2, 3, 4, 5 }));
		assertTrue(new FileSaver(imp).saveAsTiff(file.toString()));
	}

	@Test
	void aMacroProcessesItsShardOfTheFolderIntoTheOutputFolder()
		throws Exception
	{
		image("a.tif", 10);
		image("b.tif", 20);
		image("sub/c.tif", 30);
		Path model = OnnxModels.addConstant(1, 0.25f).write(dir, "add.onnx");
		Path out = dir.resolve("out dir");
		String options = "model=[" + model + "] input=[" + dir.resolve("in") +
			"] output=[" + out + "] normalize=none device=cpu threads=1 float";

		MacroRun.plugIn("batch", options + " shard=1/2");
		assertEquals(List.of("b.tif planned", "b.tif done"), Manifest.read(out
			.resolve("manifest.part-1-of-2.csv")).rows().stream().map(r -> r.get(
				"output") + " " + r.get("status")).toList());
		MacroRun.plugIn("batch", options + " shard=0/2");

		assertEquals(3, Manifest.merge(Manifest.partsIn(out), out.resolve(
			"manifest.csv")).rows());
		List<Map<String, String>> rows = Manifest.read(out.resolve("manifest.csv"))
			.rows();
		assertEquals(List.of("a.tif", "b.tif", "sub/c.tif"), rows.stream().map(
			r -> r.get("output")).toList());
		ImagePlus c = IJ.openImage(out.resolve("sub/c.tif").toString());
		assertArrayEquals(new float[] { 30.25f, 1.25f, 2.25f, 3.25f, 4.25f, 5.25f },
			(float[]) c.getProcessor().getPixels());
		assertEquals("add", c.getProp("fiji-gan.model"));
	}

	/**
	 * Each result records every setting that changes its pixels, as the command
	 * line's fiji-gan.command does: halo, float and nonfinite were left out.
	 */
	@Test
	void eachResultRecordsTheSettingsThatMadeIt() throws Exception {
		image("a.tif", 10);
		Path model = OnnxModels.addConstant(1, 0.25f).write(dir, "add.onnx");
		Path out = dir.resolve("out");
		MacroRun.plugIn("batch", "model=[" + model + "] input=[" + dir.resolve(
			"in") + "] output=[" + out + "] halo=0 normalize=range device=cpu " +
			"threads=1 float nonfinite=zero fail timings");
		ImagePlus a = IJ.openImage(out.resolve("a.tif").toString());
		assertEquals("Batch Process Folder (model=" + model + " input=" + dir
			.resolve("in") +
			" task=auto mask=none format=keep device=cpu float tile=auto halo=0 normalize=range nonfinite=zero)",
			a.getProp("fiji-gan.command"));
	}

	@Test
	void aFailedImageIsReportedAndTheCommandKeepsItsSummary() throws Exception {
		image("a.tif", 1);
		Files.writeString(dir.resolve("in/bad.tif"), "not a TIFF");
		BatchProcessFolderCommand c = new BatchProcessFolderCommand();
		c.model = OnnxModels.addConstant(1, 0.25f).write(dir, "add.onnx")
			.toString();
		c.input = dir.resolve("in").toFile();
		c.output = dir.resolve("out").toFile();
		c.normalize = "none";
		c.threads = 1;
		c.run();
		assertEquals("1 of 2 images failed; see " + dir.resolve("out/manifest.csv"),
			c.errorMessage());
		assertEquals(1, c.summary().done());
		assertEquals("bad.tif", c.summary().failures().get(0).item());

		Files.delete(dir.resolve("in/bad.tif"));
		c.run(); // the rerun skips a.tif and has nothing left to fail
		assertNull(c.errorMessage());
		assertEquals(1, c.summary().skipped());
		assertEquals(0, c.summary().done());
	}

	@Test
	void aHaloThatIsNoWholeNumberOfPixelsIsRefusedAsTheImageCommandsRefuseIt()
		throws Exception
	{
		image("a.tif", 1);
		String model = OnnxModels.addConstant(1, 0.25f).write(dir, "add.onnx")
			.toString();
		for (Class<? extends InferenceCommand> type : List.of(
			BatchProcessFolderCommand.class, DenoiseCommand.class))
		{
			InferenceCommand c = type.getConstructor().newInstance();
			c.model = model;
			c.halo = "-2";
			if (c instanceof BatchProcessFolderCommand b) {
				b.input = dir.resolve("in").toFile();
				b.output = dir.resolve("out").toFile();
			}
			else((DenoiseCommand) c).image = new ImagePlus("a", new FloatProcessor(3,
				2));
			c.run();
			assertEquals(
				"halo '-2' must be auto or a whole number of pixels from 0 to 16384", c
					.errorMessage(), type.getSimpleName());
		}
		assertFalse(Files.exists(dir.resolve("out")), "nothing written");
	}
}


package org.fijigan.cli;

import static org.fijigan.cli.MainTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.core.image.Npy;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

/**
 * The SYNTHETIC slice labels of generated images, and of results made from
 * them, on the right slices and channels, and what {@code trust provenance}
 * reads from them.
 */
class SliceLabelProvenanceTest {

	@TempDir
	Path dir;

	private static final String HEADER = "slice,model,sha256,seed,class\n";

	private Result provenance(Path image) {
		Result p = cli("trust", "provenance", "--input", image);
		assertEquals(0, p.exitCode(), p.err());
		return p;
	}

	/** A result with two channels of each generated slice keeps every seed. */
	@Test
	void aMultiChannelResultOfAGeneratedStackKeepsEachSlicesSeed()
		throws Exception
	{
		Path gan = OnnxModels.generator(4, 2, 4, 4).write(dir, "cgan.onnx");
		String sha = ModelLoader.sha256(gan);
		Path stack = dir.resolve("g5.tif"), two = dir.resolve("g5-2c.tif");
		assertEquals(0, cli("generate", "--model", gan, "--output", stack,
			"--count", 5, "--seed", 7).exitCode());
		String rows = provenance(stack).out();
		assertTrue(rows.startsWith(HEADER + "1,cgan," + sha + ",7,") && rows
			.contains("\n5,cgan," + sha + ",11,"), rows);
		Result r = cli("run", "--model", OnnxModels.conv3x3(1, 2, 3, 1).write(dir,
			"one2two.onnx"), "--input", stack, "--output", two, "--normalize", "none",
			"--float", "--threads", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(rows, provenance(two).out());
		ImagePlus imp = IJ.openImage(two.toString());
		assertEquals(2, imp.getNChannels());
		for (int plane = 1; plane <= 10; plane++)
			assertTrue(imp.getStack().getSliceLabel(plane).startsWith(
				"SYNTHETIC seed=" + (7 + (plane - 1) / 2) + " "), plane + ": " + imp
					.getStack().getSliceLabel(plane));
	}

	/**
	 * A result of a generated NIfTI stack, whose labels are lines of its comment,
	 * keeps them.
	 */
	@Test
	void aResultOfAGeneratedNiftiStackKeepsItsSliceLabels() throws Exception {
		Path gan = OnnxModels.generator(4, 2, 4, 4).write(dir, "cgan.onnx");
		String sha = ModelLoader.sha256(gan);
		Path nii = dir.resolve("g3.nii.gz"), out = dir.resolve("g3-id.tif");
		assertEquals(0, cli("generate", "--model", gan, "--output", nii, "--count",
			3, "--seed", 5).exitCode());
		Result r = cli("run", "--model", OnnxModels.identity(1).write(dir,
			"id.onnx"), "--input", nii, "--output", out, "--threads", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(HEADER + "1,cgan," + sha + ",5,0\n2,cgan," + sha +
			",6,1\n3,cgan," + sha + ",7,0\n", provenance(out).out());
		assertEquals("SYNTHETIC seed=6 class=1 model=cgan sha256=" + sha.substring(
			0, 12), IJ.openImage(out.toString()).getStack().getSliceLabel(2));
	}

	/**
	 * A single generated image saved as TIFF (with its properties): its slice
	 * label, not the image-wide seed and class, says which latent row or seed it
	 * came from.
	 */
	@Test
	void aSinglePlaneTiffIsReadFromItsSliceLabel() throws Exception {
		Path gan = OnnxModels.generator(8, 0, 4, 4).write(dir, "gen.onnx");
		String sha = ModelLoader.sha256(gan);
		Path latent = dir.resolve("z.npy"), one = dir.resolve("one.tif");
		Npy.writeFloat(latent, new float[8], 1, 8);
		assertEquals(0, cli("generate", "--model", gan, "--output", one, "--latent",
			latent, "--count", 1).exitCode());
		assertEquals(HEADER + "1,gen," + sha + ",latent 0,\n", provenance(one)
			.out());

		// Fiji's Duplicate of slice 3 of a generated stack keeps the stack's
		// properties (seed 7, every class) and the slice's own label
		Path cgan = OnnxModels.generator(4, 2, 4, 4).write(dir, "cgan.onnx");
		String csha = ModelLoader.sha256(cgan);
		Path stack = dir.resolve("g5.tif"), dup = dir.resolve("g5-3.tif");
		assertEquals(0, cli("generate", "--model", cgan, "--output", stack,
			"--count", 5, "--seed", 7).exitCode());
		ImagePlus g5 = IJ.openImage(stack.toString());
		ImageStack slice3 = new ImageStack(4, 4);
		slice3.addSlice(g5.getStack().getSliceLabel(3), g5.getStack().getProcessor(
			3));
		ImagePlus third = new ImagePlus("g5-3", slice3);
		String[] pairs = g5.getPropertiesAsArray();
		for (int i = 0; i + 1 < pairs.length; i += 2)
			if (pairs[i].startsWith("fiji-gan.")) third.setProp(pairs[i], pairs[i +
				1]);
		third.setProperty("Info", g5.getInfoProperty());
		assertTrue(third.getProp("fiji-gan.seed").equals("7"));
		assertTrue(new FileSaver(third).saveAsTiff(dup.toString()));
		String row3 = provenance(stack).out().split("\n")[3];
		assertTrue(row3.startsWith("3,cgan," + csha + ",9,"), row3);
		assertEquals(HEADER + "1" + row3.substring(1) + "\n", provenance(dup)
			.out());
	}

	/**
	 * A two-channel generator's slice label goes on both channels' planes of its
	 * slice.
	 */
	@Test
	void aMultiChannelGeneratorLabelsEveryChannelOfASlice() throws Exception {
		Path gan = dir.resolve("gen2c.onnx"), out = dir.resolve("g2c.tif");
		Result m = cli("create-model", "--arch", "dcgan", "--channels", 2, "--size",
			16, "--width", 4, "--latent", 8, "-o", gan);
		assertEquals(0, m.exitCode(), m.err());
		String sha = ModelLoader.sha256(gan);
		assertEquals(0, cli("generate", "--model", gan, "--count", 3, "--seed", 100,
			"--output", out, "--threads", 1).exitCode());
		ImagePlus imp = IJ.openImage(out.toString());
		assertEquals(2, imp.getNChannels());
		assertEquals(3, imp.getNSlices());
		for (int plane = 1; plane <= 6; plane++)
			assertEquals("SYNTHETIC seed=" + (100 + (plane - 1) / 2) +
				" model=gen2c sha256=" + sha.substring(0, 12), imp.getStack()
					.getSliceLabel(plane), "plane " + plane);
		assertEquals(HEADER + "1,gen2c," + sha + ",100,\n2,gen2c," + sha +
			",101,\n3,gen2c," + sha + ",102,\n", provenance(out).out());
	}

	/**
	 * A slice labelled with another model than the image-wide one is listed with
	 * that model's name and hash, never one's name with the other's hash.
	 */
	@Test
	void aRowTakesModelAndHashFromTheSameLabel() throws Exception {
		ImageStack stack = new ImageStack(4, 4);
		stack.addSlice("SYNTHETIC seed=1 model=genA sha256=aaaaaaaaaaaa",
			new ByteProcessor(4, 4));
		stack.addSlice("SYNTHETIC seed=2 model=genB sha256=bbbbbbbbbbbb",
			new ByteProcessor(4, 4));
		ImagePlus imp = new ImagePlus("forged", stack);
		imp.setProperty("Info", "fiji-gan.synthetic = yes\n" +
			"fiji-gan.task = generate\nfiji-gan.model = genA\n" +
			"fiji-gan.model.sha256 = aaaaaaaaaaaa1111\n");
		Path file = dir.resolve("forged.tif");
		assertTrue(new FileSaver(imp).saveAsTiffStack(file.toString()));
		assertEquals(HEADER + "1,genA,aaaaaaaaaaaa1111,1,\n" +
			"2,genB,bbbbbbbbbbbb,2,\n", provenance(file).out());
		assertTrue(Files.exists(file));
	}
}

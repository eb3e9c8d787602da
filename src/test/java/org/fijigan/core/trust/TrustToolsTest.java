
package org.fijigan.core.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.junit.jupiter.api.Test;

/** The trust tools on hand-made images, with exact expected values. */
class TrustToolsTest {

	/** A 3x2 8-bit image with pixels 10, 20, 30 / 40, 50, 250. */
	static RasterImage input() {
		return new RasterImage(3, 2, 1, 1, 1, PixelType.UINT8, new Object[] {
			new byte[] { 10, 20, 30, 40, 50, (byte) 250 } });
	}

	/** Each input pixel replicated into a scale x scale block, 32-bit. */
	static RasterImage replicated(RasterImage in, int s) {
		int w = in.width() * s, h = in.height() * s;
		float[] src = new float[in.width() * in.height()], out = new float[w * h];
		in.readRegion(0, 0, 0, 0, 0, in.width(), in.height(), src, 0);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				out[y * w + x] = src[(y / s) * in.width() + x / s];
		return new RasterImage(w, h, 1, 1, 1, PixelType.FLOAT32, new Object[] {
			out });
	}

	static float[] plane(RasterImage image) {
		return (float[]) image.plane(0);
	}

	@Test
	void pixelReplicationIsPerfectlyConsistent() {
		Consistency c = Consistency.of(input(), replicated(input(), 2), 0);
		assertEquals(2, c.scale());
		assertArrayEquals(new float[6], plane(c.map()));
		assertEquals(Double.POSITIVE_INFINITY, c.psnr());
		assertEquals(0, c.meanAbsoluteDifference());
		assertEquals(240, c.inputRange());
		assertEquals(PixelType.FLOAT32, c.map().type());
		assertEquals(3, c.map().width());
		assertTrue(c.summary().startsWith(
			"scale 2: PSNR inf dB, mean |difference| 0 "), c.summary());
	}

	@Test
	void aPerturbedResultGivesTheKnownDifference() {
		RasterImage sr = replicated(input(), 2);
		float[] p = plane(sr);
		p[0 * 6 + 2] += 8; // block (1, 0): one of its four pixels +8 -> mean +2
		p[3 * 6 + 5] -= 4; // block (2, 1): -4 -> mean -1
		Consistency c = Consistency.of(input(), sr, 2);
		assertArrayEquals(new float[] { 0, 2, 0, 0, 0, -1 }, plane(c.map()));
		assertEquals(0.5, c.meanAbsoluteDifference()); // (2 + 1) / 6
		assertEquals(0.5 / 240, c.relativeMeanAbsoluteDifference());
		double mse = (4 + 1) / 6.0;
		assertEquals(10 * Math.log10(240 * 240 / mse), c.psnr(), 1e-12);
	}

	@Test
	void eachChannelIsScoredAgainstItsOwnRange() {
		// channel 1 spans 0-60000 and is reproduced exactly; channel 2 spans
		// 0-100 and is 10 off everywhere: pooled over one range of 60000 that
		// read as 0.008%, though it is 10% of what channel 2 holds
		float[][] in = { { 0, 60000, 30000, 10000, 20000, 40000 }, { 0, 100, 50, 20,
			40, 60 } };
		RasterImage input = RasterImage.allocate(3, 2, 2, 1, 1, PixelType.FLOAT32);
		RasterImage sr = RasterImage.allocate(6, 4, 2, 1, 1, PixelType.FLOAT32);
		for (int c = 0; c < 2; c++) {
			input.writeRegion(c, 0, 0, 0, 0, 3, 2, in[c], 0);
			float[] out = new float[24];
			for (int y = 0; y < 4; y++)
				for (int x = 0; x < 6; x++)
					out[y * 6 + x] = in[c][(y / 2) * 3 + x / 2] + (c == 1 ? 10 : 0);
			sr.writeRegion(c, 0, 0, 0, 0, 6, 4, out, 0);
		}
		Consistency c = Consistency.of(input, sr, 0);
		assertEquals(2, c.channels().size());
		assertEquals(Double.POSITIVE_INFINITY, c.channels().get(0).psnr());
		assertEquals(60000, c.channels().get(0).inputRange());
		assertEquals(10, c.channels().get(1).meanAbsoluteDifference(), 1e-9);
		assertEquals(100, c.channels().get(1).inputRange());
		assertEquals(0.1, c.channels().get(1).relativeMeanAbsoluteDifference(),
			1e-9);
		assertEquals(20, c.channels().get(1).psnr(), 1e-9);
		// the headline numbers are the worst channel's
		assertEquals(20, c.psnr(), 1e-9);
		assertEquals(0.1, c.relativeMeanAbsoluteDifference(), 1e-9);
		assertEquals(List.of(
			"scale 2, channel 1 of 2: PSNR inf dB, mean |difference| 0 (0% of the input's range 60000)",
			"scale 2, channel 2 of 2: PSNR 20.00 dB, mean |difference| 10 (10% of the input's range 100)"),
			c.lines());
		assertEquals(String.join("; ", c.lines()), c.map().properties().get(
			"fiji-gan.trust.summary"));
	}

	@Test
	void aConstantInputHasNoRangeToMeasureAgainst() {
		RasterImage flat = RasterImage.allocate(3, 2, 1, 1, 1, PixelType.FLOAT32);
		java.util.Arrays.fill(plane(flat), 5);
		RasterImage sr = RasterImage.allocate(6, 4, 1, 1, 1, PixelType.FLOAT32);
		java.util.Arrays.fill(plane(sr), 6);
		Consistency c = Consistency.of(flat, sr, 0);
		assertEquals(1, c.meanAbsoluteDifference());
		assertEquals(0, c.inputRange());
		assertTrue(Double.isNaN(c.psnr()));
		assertTrue(Double.isNaN(c.relativeMeanAbsoluteDifference()));
		assertEquals(
			"scale 2: mean |difference| 1 (the input is constant: it has " +
				"no range to give a PSNR or a percentage of)", c.summary());
	}

	/**
	 * Pixels that are NaN or infinite in the input or in the result's block are
	 * left out of the score, and the line (and the map's summary) says how many.
	 */
	@Test
	void pixelsLeftOutOfTheScoreAreCounted() {
		RasterImage in = input();
		RasterImage sr = replicated(in, 2);
		float[] p = plane(sr);
		p[0] = Float.NaN; // block (0, 0)
		p[3 * 6 + 5] = Float.POSITIVE_INFINITY; // block (2, 1)
		p[1 * 6 + 2] += 8; // block (1, 0): mean +2
		Consistency c = Consistency.of(in, sr, 2);
		assertEquals(2, c.worst().leftOut());
		assertEquals(6, c.worst().pixels());
		assertEquals(0.5, c.meanAbsoluteDifference()); // 2 over 4 finite blocks
		assertTrue(c.summary().endsWith("; over 4 of 6 pixels: 2 left out, NaN " +
			"or infinite in the input or the result"), c.summary());
		assertEquals(c.summary(), c.map().properties().get(
			"fiji-gan.trust.summary"));
		// all finite: nothing said
		assertEquals(0, Consistency.of(in, replicated(in, 2), 2).worst().leftOut());
	}

	@Test
	void consistencyRefusesSizesThatAreNoWholeScale() {
		RasterImage odd = RasterImage.allocate(7, 4, 1, 1, 1, PixelType.FLOAT32);
		GanException e = assertThrows(GanException.class, () -> Consistency.of(
			input(), odd, 0));
		assertEquals(
			"the result (7x4) is not the input (3x2) enlarged by one whole scale along x and y " +
				"(it is x2.333 along x and x2 along y): the consistency check averages whole " +
				"blocks of scale x scale pixels, so it does not check a result of a scale that " +
				"is not a whole number", e.getMessage());
		// x2 along x only, and a downscaled result: each named for what it is
		e = assertThrows(GanException.class, () -> Consistency.of(input(),
			RasterImage.allocate(6, 2, 1, 1, 1, PixelType.FLOAT32), 0));
		assertTrue(e.getMessage().endsWith("(it is x2 along x and x1 along y): " +
			"the consistency check averages whole blocks of scale x scale pixels, " +
			"so it does not check a result enlarged differently along x and y"), e
				.getMessage());
		e = assertThrows(GanException.class, () -> Consistency.of(RasterImage
			.allocate(4, 4, 1, 1, 1, PixelType.FLOAT32), RasterImage.allocate(2, 2, 1,
				1, 1, PixelType.FLOAT32), 0));
		assertTrue(e.getMessage().endsWith(
			"so it does not check a result smaller " + "than its input"), e
				.getMessage());
		// fiji-gan's own x1.5 results: the message says why they cannot be checked
		e = assertThrows(GanException.class, () -> Consistency.of(RasterImage
			.allocate(24, 20, 1, 1, 1, PixelType.FLOAT32), RasterImage.allocate(36,
				30, 1, 1, 1, PixelType.FLOAT32), 0));
		assertTrue(e.getMessage().contains("(it is x1.5 along x and x1.5 along " +
			"y)"), e.getMessage());
		assertThrows(GanException.class, () -> Consistency.of(input(), replicated(
			input(), 2), 3));
	}

	@Test
	void residualIsInputMinusOutput() {
		RasterImage out = new RasterImage(3, 2, 1, 1, 1, PixelType.FLOAT32,
			new Object[] { new float[] { 9, 20, 31.5f, 40, 0, 250 } });
		RasterImage r = Residual.of(input(), out);
		assertArrayEquals(new float[] { 1, 0, -1.5f, 0, 50, 0 }, plane(r));
		assertEquals("residual = input - result", r.properties().get(
			"fiji-gan.trust"));
		assertThrows(GanException.class, () -> Residual.of(input(), replicated(
			input(), 2)));
	}

	@Test
	void residualOfAnRgbImageHasThreeChannels() {
		RasterImage a = new RasterImage(1, 1, 1, 1, 1, PixelType.RGB, new Object[] {
			new int[] { 0x0a1420 } });
		RasterImage b = new RasterImage(1, 1, 1, 1, 1, PixelType.RGB, new Object[] {
			new int[] { 0x081020 } });
		RasterImage r = Residual.of(a, b);
		assertEquals(3, r.channels());
		assertArrayEquals(new float[] { 2 }, (float[]) r.plane(0));
		assertArrayEquals(new float[] { 4 }, (float[]) r.plane(1));
		assertArrayEquals(new float[] { 0 }, (float[]) r.plane(2));
	}

	@Test
	void theOutlineIsExactlyTheInnerRimOfEachHole() {
		// 6x5 mask: a 4x3 hole at (1,1)-(4,3) and a one-pixel hole at the corner
		// (5,0)
		String[] rows = { //
			".....#", //
			".####.", //
			".####.", //
			".####.", //
			"......" };
		byte[] m = new byte[30];
		for (int y = 0; y < 5; y++)
			for (int x = 0; x < 6; x++)
				if (rows[y].charAt(x) == '#') m[y * 6 + x] = (byte) 255;
		RasterImage mask = new RasterImage(6, 5, 1, 1, 1, PixelType.UINT8,
			new Object[] { m });
		HoleOutline o = HoleOutline.of(mask, 0, 0, true);
		assertEquals(13, o.holePixels());
		List<String> boundary = new ArrayList<>();
		for (int[] p : o.boundaryPixels())
			boundary.add(p[0] + "," + p[1]);
		// all hole pixels but the two inner ones (2,2) and (3,2)
		assertEquals(List.of("5,0", "1,1", "2,1", "3,1", "4,1", "1,2", "4,2", "1,3",
			"2,3", "3,3", "4,3"), boundary);

		HoleOutline inverted = HoleOutline.of(mask, 0, 0, false);
		assertEquals(17, inverted.holePixels());
		assertTrue(inverted.boundary()[0] && !inverted.boundary()[14] && inverted
			.boundary()[4]);
	}

	static Map<String, String> generated() {
		Map<String, String> p = new LinkedHashMap<>();
		p.put("fiji-gan.synthetic",
			"SYNTHETIC: every slice was generated by a GAN, not acquired");
		p.put("fiji-gan.task", "generate");
		p.put("fiji-gan.model", "c gan");
		p.put("fiji-gan.model.sha256", "0123456789abcdef".repeat(4));
		p.put("fiji-gan.seed", "41");
		p.put("fiji-gan.slice.1.label",
			"SYNTHETIC seed=41 class=axial, thin model=c gan sha256=0123456789ab");
		p.put("fiji-gan.slice.2.label",
			"SYNTHETIC seed=42 class=coronal model=c gan sha256=0123456789ab");
		return p;
	}

	@Test
	void provenanceHasOneRowPerSlice() {
		String sha = "0123456789abcdef".repeat(4);
		List<GenerationProvenance.Row> rows = GenerationProvenance.rows(generated(),
			2);
		assertEquals(List.of(new GenerationProvenance.Row(1, "c gan", sha, "41",
			"axial, thin"), new GenerationProvenance.Row(2, "c gan", sha, "42",
				"coronal")), rows);
		assertEquals("slice,model,sha256,seed,class\n1,c gan," + sha +
			",41,\"axial, thin\"\n2,c gan," + sha + ",42,coronal\n",
			GenerationProvenance.toCsv(rows));
	}

	@Test
	void provenanceReadsLatentRowsTheInfoTextAndRefusesOtherImages() {
		Map<String, String> p = new LinkedHashMap<>();
		p.put("Info",
			"fiji-gan.synthetic = SYNTHETIC\nfiji-gan.model = g\nfiji-gan.model.sha256 = " +
				"ab".repeat(32) + "\n");
		p.put("fiji-gan.slice.1.label",
			"SYNTHETIC latent=0 model=g sha256=abababababab");
		assertEquals(List.of(new GenerationProvenance.Row(1, "g", "ab".repeat(32),
			"latent 0", "")), GenerationProvenance.rows(p, 1));
		// a one-slice TIFF: ImageJ keeps the slice label as the image's Label
		p.remove("fiji-gan.slice.1.label");
		p.put("Label", "SYNTHETIC latent=0 class=axial-3 model=g " +
			"sha256=abababababab");
		assertEquals(List.of(new GenerationProvenance.Row(1, "g", "ab".repeat(32),
			"latent 0", "axial-3")), GenerationProvenance.rows(p, 1));

		GanException e = assertThrows(GanException.class, () -> GenerationProvenance
			.rows(Map.of("fiji-gan.task", "denoise"), 1));
		assertTrue(e.getMessage().startsWith(
			"this image carries no generation provenance"), e.getMessage());
		Map<String, String> missing = generated();
		missing.remove("fiji-gan.slice.2.label");
		assertThrows(GanException.class, () -> GenerationProvenance.rows(missing,
			2));
	}

	/**
	 * A generated stack that kept its slices' SYNTHETIC labels but lost the
	 * image-wide properties (no fiji-gan.synthetic, no fiji-gan.task): still
	 * synthetic, its rows come from the labels, and an image made from it is
	 * SYNTHETIC too.
	 */
	@Test
	void theSlicesLabelsAloneMarkAnImageSynthetic() {
		Map<String, String> labels = new LinkedHashMap<>();
		generated().forEach((k, v) -> {
			if (k.startsWith("fiji-gan.slice.")) labels.put(k, v);
		});
		assertTrue(GenerationProvenance.isSynthetic(labels));
		assertEquals(List.of(new GenerationProvenance.Row(1, "c gan",
			"0123456789ab", "41", "axial, thin"), new GenerationProvenance.Row(2,
				"c gan", "0123456789ab", "42", "coronal")), GenerationProvenance.rows(
					labels, 2));
		Map<String, String> result = new LinkedHashMap<>();
		assertTrue(GenerationProvenance.carry(labels, result));
		assertTrue(result.get("fiji-gan.synthetic").startsWith("SYNTHETIC"), result
			.toString());
		// one plane: ImageJ's Label
		assertTrue(GenerationProvenance.isSynthetic(Map.of("Label",
			"SYNTHETIC seed=3 model=g sha256=abababababab")));
		// a label that is no generator's is not enough
		assertTrue(!GenerationProvenance.isSynthetic(Map.of(
			"fiji-gan.slice.1.label", "SYNTHETIC aperture", "Label", "cells")));
	}

	/**
	 * A result made with {@code --channels 2,1,0} records the input channel each
	 * of its channels came from; the residual and the consistency map compare
	 * each with that one (they compared channel k with channel k: an unchanged
	 * BGR result looked like a wholly different image), and a result whose
	 * channels come from no one input channel is refused.
	 */
	@Test
	void aResultRecordingItsChannelsSourcesIsComparedWithThem() {
		RasterImage input = RasterImage.allocate(4, 4, 3, 1, 1, PixelType.FLOAT32);
		RasterImage same = RasterImage.allocate(4, 4, 3, 1, 1, PixelType.FLOAT32),
				enlarged = RasterImage.allocate(8, 8, 3, 1, 1, PixelType.FLOAT32);
		for (int c = 0; c < 3; c++)
			for (int i = 0; i < 16; i++) {
				float v = 100 * c + i; // each channel a ramp of its own
				((float[]) input.plane(c, 0, 0))[i] = v;
				((float[]) same.plane(2 - c, 0, 0))[i] = v;
				for (int d = 0; d < 4; d++)
					((float[]) enlarged.plane(2 - c, 0, 0))[(2 * (i / 4) + d / 2) * 8 +
						2 * (i % 4) + d % 2] = v;
			}
		same.properties().put(ResidualCheck.CHANNELS_PROPERTY, "2,1,0");
		enlarged.properties().put(ResidualCheck.CHANNELS_PROPERTY, "2,1,0");
		RasterImage residual = Residual.of(input, same);
		for (int c = 0; c < 3; c++)
			for (float v : (float[]) residual.plane(c, 0, 0))
				assertEquals(0, v, "channel " + c);
		Consistency c = Consistency.of(input, enlarged, 0);
		assertEquals(Double.POSITIVE_INFINITY, c.psnr());
		assertTrue(c.lines().get(0).startsWith("scale 2, channel 1 of 3 (against " +
			"input channel 3, which the result records it was made from): PSNR inf"),
			c.lines().get(0));
		same.properties().put(ResidualCheck.CHANNELS_PROPERTY, "mixed");
		GanException e = assertThrows(GanException.class, () -> Residual.of(input,
			same));
		assertTrue(e.getMessage().startsWith("the result records that its " +
			"channels are not each made from one input channel (fiji-gan.channels: " +
			"mixed)"), e.getMessage());
	}

	/**
	 * One plane of a 5-sample stack (seeds 10-14) that lost its slice label but
	 * kept the stack's properties: its row took the stack's first seed, 10,
	 * whichever sample it was. It is refused, as 5 unlabelled slices are; a
	 * single generated image (count 1) still takes the image-wide seed.
	 */
	@Test
	void anUnlabelledPlaneOfSeveralSamplesIsNotGivenTheFirstSeed() {
		Map<String, String> p = new LinkedHashMap<>();
		p.put("fiji-gan.synthetic", "SYNTHETIC");
		p.put("fiji-gan.model", "g");
		p.put("fiji-gan.model.sha256", "ab".repeat(32));
		p.put("fiji-gan.seed", "10");
		p.put("fiji-gan.count", "5");
		GanException e = assertThrows(GanException.class, () -> GenerationProvenance
			.rows(p, 1));
		assertTrue(e.getMessage().startsWith("the image is one slice but its " +
			"properties describe 5 generated samples (fiji-gan.count)"), e
				.getMessage());
		p.put("fiji-gan.count", "1");
		assertEquals(List.of(new GenerationProvenance.Row(1, "g", "ab".repeat(32),
			"10", "")), GenerationProvenance.rows(p, 1));
	}
}

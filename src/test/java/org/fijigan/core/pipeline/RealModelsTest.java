
package org.fijigan.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.OutputTransform;
import org.fijigan.core.model.TaskKind;
import org.fijigan.testing.RealModels;
import org.junit.jupiter.api.Test;

/**
 * Graphs that real exporters produced run with the defaults and give the
 * expected sizes.
 */
class RealModelsTest {

	static final InferenceOptions CPU = InferenceOptions.defaults().withDevice(
		DeviceSpec.CPU, 2);

	static RasterImage rgb(int w, int h) {
		RasterImage img = RasterImage.allocate(w, h, 1, 1, 1, PixelType.RGB);
		int[] p = (int[]) img.plane(0);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				p[y * w + x] = 0xff000000 | (x * 255 / w) << 16 | (y * 255 / h) << 8 |
					((x + y) % 32) * 8;
		return img;
	}

	static ModelDescriptor load(String file) {
		return ModelLoader.load(RealModels.model(file).toString(),
			ModelOverrides.NONE);
	}

	static RunResult run(ModelDescriptor m, RasterImage img, InferenceOptions o) {
		return ImageToImage.run(m, img, o, ProgressListener.NONE, CancellationToken
			.none());
	}

	@Test
	void realEsrganX4WithDynamicShapes() {
		ModelDescriptor m = load("realesr-animevideov3.onnx");
		assertEquals(TaskKind.SUPER_RESOLUTION, m.task());
		assertEquals(4.0, m.scale());
		RunResult r = run(m, rgb(37, 29), CPU);
		assertEquals(148, r.image().width());
		assertEquals(116, r.image().height());
		assertEquals(PixelType.RGB, r.image().type());
		// tiled equals untiled in raw mode: the halo from the graph covers the
		// receptive field
		RasterImage f = RasterImage.allocate(70, 50, 3, 1, 1, PixelType.FLOAT32);
		Random rnd = new Random(3);
		for (int i = 0; i < 3; i++) {
			float[] p = (float[]) f.plane(i);
			for (int k = 0; k < p.length; k++)
				p[k] = rnd.nextFloat();
		}
		InferenceOptions raw = CPU.withNormalization(new Normalization.None());
		RasterImage whole = run(m, f, raw.withTileSize(InferenceOptions.NO_TILING))
			.image();
		RasterImage tiled = run(m, f, raw.withTileSize(56)).image();
		assertTrue(ImageToImageTest.maxAbsDiff(whole, tiled) <= 1e-4f, "max diff " +
			ImageToImageTest.maxAbsDiff(whole, tiled));
	}

	@Test
	void srganWithFixed44InputIsTiledAtThatShape() {
		ModelDescriptor m = load("srgan_netG_x2.onnx");
		assertEquals(2.0, m.scale());
		assertTrue(m.image().isFixedSize());
		RunResult r = run(m, rgb(100, 60), CPU);
		assertEquals(200, r.image().width());
		assertEquals(120, r.image().height());
		assertEquals(44, r.report().windowWidth());
	}

	@Test
	void espcnLumaX3OnAGreyImageSmallerThanItsFixedInput() {
		ModelDescriptor m = load("espcn_x3_luma.onnx");
		assertEquals(3.0, m.scale());
		RasterImage g = RasterImage.allocate(90, 50, 1, 1, 1, PixelType.UINT16);
		short[] p = (short[]) g.plane(0);
		for (int i = 0; i < p.length; i++)
			p[i] = (short) (i * 7 % 4000);
		RunResult r = run(m, g, CPU);
		assertEquals(270, r.image().width());
		assertEquals(150, r.image().height());
		assertEquals(PixelType.UINT16, r.image().type());
	}

	@Test
	void dncnnPredictsNoiseAndIsSubtracted() {
		ModelDescriptor m = load("dncnn_s25_noise.onnx");
		assertEquals(TaskKind.DENOISE, m.task());
		assertEquals(OutputTransform.SUBTRACT_FROM_INPUT, m.outputTransform());
		// a smooth ramp plus seeded Gaussian noise (sigma 25/255): denoising must
		// bring it closer
		int w = 96, h = 96;
		RasterImage noisy = RasterImage.allocate(w, h, 1, 1, 1, PixelType.UINT8);
		float[] clean = new float[w * h];
		Random rnd = new Random(25);
		byte[] p = (byte[]) noisy.plane(0);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				clean[y * w + x] = 60 + x + y / 2f;
				p[y * w + x] = (byte) Math.max(0, Math.min(255, Math.round(clean[y * w +
					x] + 25 * rnd.nextGaussian())));
			}
		RasterImage out = run(m, noisy, CPU.withNormalization(
			new Normalization.BitDepthRange())).image();
		byte[] o = (byte[]) out.plane(0);
		double before = 0, after = 0;
		for (int i = 0; i < o.length; i++) {
			before += Math.pow((p[i] & 0xff) - clean[i], 2);
			after += Math.pow((o[i] & 0xff) - clean[i], 2);
		}
		double psnrBefore = 10 * Math.log10(255.0 * 255 / (before / o.length));
		double psnrAfter = 10 * Math.log10(255.0 * 255 / (after / o.length));
		assertTrue(psnrAfter > psnrBefore + 6, "PSNR " + psnrBefore + " -> " +
			psnrAfter);
	}
}

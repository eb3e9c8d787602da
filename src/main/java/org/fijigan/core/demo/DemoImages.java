
package org.fijigan.core.demo;

import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.demo.DemoReport.Metric;
import org.fijigan.core.eval.TaskProtocol;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.pipeline.RunResult;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.train.data.Planes;

/**
 * The demo's conversions between images, [0,1] planes and the panels and files
 * it shows.
 */
final class DemoImages {

	/**
	 * Generated and real slices are enlarged on the sheet by a whole factor to
	 * about this side.
	 */
	static final int SMALL_IMAGE_SIDE = 128;

	private DemoImages() {}

	/** The lines under a panel: its PSNR and SSIM. */
	static List<String> captions(Metric m) {
		return List.of("PSNR " + Numbers.fixed(m.psnr(), 2) + " dB", "SSIM " +
			Numbers.fixed(m.ssim(), 4));
	}

	static int zoom(RasterImage image) {
		return Math.max(1, SMALL_IMAGE_SIDE / Math.max(image.width(), image
			.height()));
	}

	/** An 8-bit grey plane's values / 255. */
	static float[] unit(RasterImage image) {
		int w = image.width(), h = image.height();
		float[] v = new float[w * h];
		image.readRegion(0, 0, 0, 0, 0, w, h, v, 0);
		for (int i = 0; i < v.length; i++)
			v[i] /= 255f;
		return v;
	}

	static float[] crop(float[] plane, int width, int w, int h) {
		float[] out = new float[w * h];
		for (int y = 0; y < h; y++)
			System.arraycopy(plane, y * width, out, y * w, w);
		return out;
	}

	static RasterImage floatImage(float[] values, int w, int h, String title) {
		RasterImage image = RasterImage.allocate(w, h, 1, 1, 1, PixelType.FLOAT32);
		System.arraycopy(values, 0, (float[]) image.plane(0), 0, values.length);
		return image.setTitle(title);
	}

	/** One plane of [0,1] values as an 8-bit image (rounded). */
	static RasterImage grey8(Planes plane) {
		int w = plane.width(), h = plane.height();
		float[] unit = plane.values();
		RasterImage image = RasterImage.allocate(w, h, 1, 1, 1, PixelType.UINT8);
		float[] scaled = new float[unit.length];
		for (int i = 0; i < unit.length; i++)
			scaled[i] = unit[i] * 255;
		image.writeRegion(0, 0, 0, 0, 0, w, h, scaled, 0);
		return image;
	}

	/** A model's result as one clipped plane, the mean of its channels. */
	static Planes result(RunResult r, int w, int h, ModelDescriptor m) {
		RasterImage out = r.image();
		if (out.width() != w || out.height() != h) throw new GanException(m.name() +
			" returned " + out.width() + "x" + out.height() + "; the demo expected " +
			w + "x" + h);
		return new Planes(1, h, w, TaskProtocol.clip(channelMean(out, 0)));
	}

	static float[] channelMean(RasterImage image, int z) {
		int n = image.width() * image.height(), c = image.logicalChannels();
		float[] sum = new float[n], plane = new float[n];
		for (int ch = 0; ch < c; ch++) {
			image.readRegion(ch, z, 0, 0, 0, image.width(), image.height(), plane, 0);
			for (int i = 0; i < n; i++)
				sum[i] += plane[i] / c;
		}
		return sum;
	}

	/**
	 * The run's provenance on an output image (the PNG keeps it in text chunks).
	 */
	static RasterImage withProvenance(RasterImage image, RunResult r) {
		r.image().properties().forEach((k, v) -> {
			if (k.startsWith("fiji-gan.")) image.properties().put(k, v);
		});
		return image.setTitle(r.image().title());
	}

	/**
	 * Generated slice {@code i} as an image of its own, with its SYNTHETIC label
	 * and seed.
	 */
	static RasterImage slice(RunResult stack, int i, long seed) {
		RasterImage s = stack.image();
		Object[] planes = new Object[s.channels()];
		for (int c = 0; c < planes.length; c++)
			planes[c] = s.plane(c, i, 0);
		RasterImage one = new RasterImage(s.width(), s.height(), s.channels(), 1, 1,
			s.type(), planes);
		s.properties().forEach((k, v) -> {
			if (!k.startsWith("fiji-gan.slice.") && !k.equals("fiji-gan.count") && !k
				.equals("fiji-gan.seed")) one.properties().put(k, v);
		});
		one.properties().put("fiji-gan.seed", Long.toString(seed));
		String label = s.properties().get("fiji-gan.slice." + (i + 1) + ".label");
		if (label != null) one.properties().put("fiji-gan.slice.1.label", label);
		return one.setTitle(s.title() + "-" + (i + 1));
	}

	/**
	 * An 8-bit grey view of a one-plane image (RGB and multi-channel averaged).
	 */
	static RasterImage greyView(RasterImage image) {
		if (image.type() == PixelType.UINT8 && image.channels() == 1) return image;
		int w = image.width(), h = image.height();
		float[] mean = channelMean(image, 0);
		RasterImage out = RasterImage.allocate(w, h, 1, 1, 1, PixelType.UINT8);
		out.writeRegion(0, 0, 0, 0, 0, w, h, mean, 0);
		return out;
	}
}

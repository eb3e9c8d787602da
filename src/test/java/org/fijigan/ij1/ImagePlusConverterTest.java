
package org.fijigan.ij1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Calibration;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.junit.jupiter.api.Test;

import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.LUT;
import ij.process.ShortProcessor;

class ImagePlusConverterTest {

	/**
	 * A virtual stack of 100,000 16-bit planes of 4096x4096 (3.1 TiB), which no
	 * heap holds, is refused before any plane is read; a small one is read whole.
	 */
	@Test
	void aVirtualStackLargerThanTheFreeHeapIsRefusedBeforeAnyPlaneIsRead() {
		int[] reads = { 0 };
		class Planes extends ij.VirtualStack {

			final int size;

			Planes(int w, int h, int size) {
				super(w, h, null, "/");
				this.size = size;
			}

			@Override
			public int getSize() {
				return size;
			}

			@Override
			public ij.process.ImageProcessor getProcessor(int n) {
				reads[0]++;
				return new ij.process.ShortProcessor(getWidth(), getHeight());
			}

			@Override
			public Object getPixels(int n) {
				return getProcessor(n).getPixels();
			}
		}
		ImagePlus huge = new ImagePlus("huge", new Planes(4096, 4096, 100_000));
		reads[0] = 0;
		GanException e = assertThrows(GanException.class, () -> ImagePlusConverter
			.toRaster(huge));
		assertTrue(e.getMessage().startsWith("huge is a virtual stack of 100000 " +
			"planes (3.1 TiB), more than fits: only "), e.getMessage());
		assertTrue(e.getMessage().matches(".* maximum is free: give Java more " +
			"\\(JAVA_OPTS=-Xmx[0-9]+g, or Edit>Options>Memory in Fiji\\), or " +
			"process a range of it at a time \\(Image>Duplicate\\.\\.\\. with a " +
			"range\\)"), e.getMessage());
		assertEquals(0, reads[0]);

		ImagePlus small = new ImagePlus("small", new Planes(8, 4, 3));
		reads[0] = 0;
		RasterImage r = ImagePlusConverter.toRaster(small);
		assertEquals(3, r.planeCount());
		assertEquals(3, reads[0]);
	}

	@Test
	void eightBitSharesItsPixelsBothWays() {
		ImagePlus imp = new ImagePlus("a.tif", new ByteProcessor(3, 2, new byte[] {
			0, 1, 2, (byte) 200, (byte) 254, (byte) 255 }));
		RasterImage r = ImagePlusConverter.toRaster(imp);
		assertEquals(PixelType.UINT8, r.type());
		assertSame(imp.getProcessor().getPixels(), r.plane(0));
		ImagePlus back = ImagePlusConverter.toImagePlus(r);
		assertSame(r.plane(0), back.getProcessor().getPixels());
		assertEquals(ImagePlus.GRAY8, back.getType());
		assertEquals("a.tif", back.getTitle());
		assertArrayEquals(new int[] { 3, 2, 1, 1, 1 }, back.getDimensions());
		assertEquals(200, back.getProcessor().get(0, 1));
	}

	@Test
	void sixteenBitFloatAndRgbKeepExactValues() {
		short[] s = { 0, 1, (short) 40000, (short) 65535 };
		float[] f = { -1.5f, 0, Float.NaN, 3.25e6f };
		int[] rgb = { 0xff102030, 0xff000000, 0xffffffff, 0xff00ff00 };
		ImageProcessor[] ips = { new ShortProcessor(2, 2, s, null),
			new FloatProcessor(2, 2, f), new ColorProcessor(2, 2, rgb) };
		PixelType[] types = { PixelType.UINT16, PixelType.FLOAT32, PixelType.RGB };
		int[] ijTypes = { ImagePlus.GRAY16, ImagePlus.GRAY32, ImagePlus.COLOR_RGB };
		for (int i = 0; i < 3; i++) {
			Object pixels = ips[i].getPixels();
			Object copy = ips[i].duplicate().getPixels();
			RasterImage r = ImagePlusConverter.toRaster(new ImagePlus("t" + i,
				ips[i]));
			assertEquals(types[i], r.type());
			ImagePlus back = ImagePlusConverter.toImagePlus(r);
			assertEquals(ijTypes[i], back.getType());
			assertSame(pixels, back.getProcessor().getPixels());
			assertTrue(java.util.Objects.deepEquals(copy, back.getProcessor()
				.getPixels()), "values of " + types[i]);
		}
		assertEquals(0x10, readChannel(new ColorProcessor(2, 2, rgb), 0)[0]);
		assertEquals(0x30, readChannel(new ColorProcessor(2, 2, rgb), 2)[0]);
	}

	private static float[] readChannel(ImageProcessor ip, int channel) {
		float[] v = new float[4];
		ImagePlusConverter.toRaster(new ImagePlus("rgb", ip)).readRegion(channel, 0,
			0, 0, 0, 2, 2, v, 0);
		return v;
	}

	@Test
	void hyperstackKeepsOrderDimensionsCalibrationAndLabels() {
		int c = 2, z = 3, t = 2;
		ImageStack stack = new ImageStack(4, 3);
		for (int i = 0; i < c * z * t; i++) {
			short[] p = new short[12];
			for (int j = 0; j < 12; j++)
				p[j] = (short) (1000 * i + j);
			stack.addSlice("plane" + (i + 1), new ShortProcessor(4, 3, p, null));
		}
		ImagePlus imp = new ImagePlus("hyper", stack);
		imp.setDimensions(c, z, t);
		imp = new CompositeImage(imp, CompositeImage.COMPOSITE);
		imp.getCalibration().pixelWidth = 0.25;
		imp.getCalibration().pixelHeight = 0.5;
		imp.getCalibration().pixelDepth = 2;
		imp.getCalibration().setUnit("micron");
		imp.setProp("experiment", "E7");
		imp.setProperty("Info", "Objective = 63x\nfiji-gan.old = stale");

		RasterImage r = ImagePlusConverter.toRaster(imp);
		assertArrayEquals(new int[] { 4, 3, 2, 3, 2 }, new int[] { r.width(), r
			.height(), r.channels(), r.slices(), r.frames() });
		// ImageJ's stack index 1 + c + C*(z + Z*t) is the raster's plane index + 1
		assertSame(imp.getStack().getPixels(1 + 1 + c * (2 + z * 1)), r.plane(1, 2,
			1));
		assertEquals((short) (1000 * (1 + c * (2 + z)) + 5), ((short[]) r.plane(1,
			2, 1))[5]);
		assertEquals(new Calibration(0.25, 0.5, 2, "micron"), r.calibration());
		assertEquals("E7", r.properties().get("experiment"));
		// labels by slice and frame (z + Z*t + 1), channel 1's as the slice's,
		// another channel's under it: plane 7 is channel 1 of z 0, t 1
		assertEquals("plane7", r.properties().get("fiji-gan.slice.4.label"));
		assertEquals("plane8", r.properties().get(
			"fiji-gan.slice.4.channel.2.label"));

		r.properties().put("fiji-gan.model", "unet");
		ImagePlus back = ImagePlusConverter.toImagePlus(r);
		assertInstanceOf(CompositeImage.class, back);
		assertTrue(back.isHyperStack());
		assertArrayEquals(new int[] { 4, 3, 2, 3, 2 }, back.getDimensions());
		for (int i = 1; i <= c * z * t; i++) {
			assertSame(imp.getStack().getPixels(i), back.getStack().getPixels(i));
			assertEquals("plane" + i, back.getStack().getSliceLabel(i));
		}
		assertEquals(0.25, back.getCalibration().pixelWidth);
		assertEquals(0.5, back.getCalibration().pixelHeight);
		assertEquals(2, back.getCalibration().pixelDepth);
		assertEquals("micron", back.getCalibration().getUnit());
		assertEquals("E7", back.getProp("experiment"));
		assertEquals("unet", back.getProp("fiji-gan.model"));
		assertEquals("Objective = 63x\nfiji-gan.model = unet\n", back
			.getInfoProperty());
		assertNull(back.getProp("fiji-gan.slice.4.label"));
	}

	/**
	 * Several channels in a hyperstack that is not a CompositeImage (a stack
	 * given channels by Image > Properties) show one LUT and range: they were not
	 * kept, and the result came back in composite mode, red and green, its range
	 * reset.
	 */
	@Test
	void aMultiChannelHyperstackThatIsNotCompositeKeepsItsLutAndRange() {
		ImageStack stack = new ImageStack(4, 3);
		for (int i = 0; i < 6; i++)
			stack.addSlice(new ShortProcessor(4, 3, new short[12], null));
		ImagePlus imp = new ImagePlus("plain", stack);
		imp.setDimensions(2, 3, 1);
		imp.setOpenAsHyperStack(true);
		imp.setLut(LUT.createLutFromColor(java.awt.Color.RED));
		imp.setDisplayRange(1000, 9000);
		assertTrue(!(imp instanceof CompositeImage) && imp.getNChannels() == 2);
		ImagePlus back = ImagePlusConverter.toImagePlus(ImagePlusConverter.toRaster(
			imp));
		CompositeImage c = assertInstanceOf(CompositeImage.class, back);
		assertEquals(CompositeImage.COLOR, c.getMode());
		for (int ch = 1; ch <= 2; ch++) {
			assertEquals(0xffff0000, c.getChannelLut(ch).getRGB(255), "channel " +
				ch);
			assertArrayEquals(new double[] { 1000, 9000 }, new double[] { c
				.getChannelLut(ch).min, c.getChannelLut(ch).max }, "channel " + ch);
		}
		assertEquals(1000, c.getDisplayRangeMin());
		assertEquals(9000, c.getDisplayRangeMax());
	}

	@Test
	void aSourceImageIsNotChangedByConversion() {
		ImagePlus imp = new ImagePlus("src", new FloatProcessor(2, 2, new float[] {
			1, 2, 3, 4 }));
		imp.setProp("k", "v");
		RasterImage r = ImagePlusConverter.toRaster(imp);
		r.properties().put("fiji-gan.x", "y");
		r.setTitle("other");
		ImagePlusConverter.toImagePlus(r);
		assertEquals("src", imp.getTitle());
		assertNull(imp.getProp("fiji-gan.x"));
		assertNull(imp.getInfoProperty());
		assertArrayEquals(new float[] { 1, 2, 3, 4 }, (float[]) imp.getProcessor()
			.getPixels());
	}

	@Test
	void indexedColourBecomesAnRgbCopyWithANote() {
		// a GIF-like palette: colours jump between neighbouring entries (not a
		// pseudocolour ramp)
		byte[] r = new byte[256], g = new byte[256], b = new byte[256];
		new java.util.Random(3).nextBytes(r);
		new java.util.Random(4).nextBytes(g);
		new java.util.Random(5).nextBytes(b);
		r[1] = (byte) 255;
		g[1] = b[1] = r[2] = b[2] = r[3] = g[3] = 0;
		g[2] = (byte) 128;
		b[3] = 7;
		ByteProcessor ip = new ByteProcessor(3, 1, new byte[] { 1, 2, 3 });
		ip.setLut(new LUT(r, g, b));
		ImagePlus imp = new ImagePlus("indexed.gif", ip);
		imp.setTypeToColor256();
		List<String> notes = new ArrayList<>();
		RasterImage raster = ImagePlusConverter.toRaster(imp, notes::add);
		assertEquals(PixelType.RGB, raster.type());
		assertArrayEquals(new int[] { 0xffff0000, 0xff008000, 0xff000007 },
			(int[]) raster.plane(0));
		assertEquals(1, notes.size());
		assertEquals("indexed.gif is indexed colour: the model sees an RGB copy",
			notes.get(0));
		assertArrayEquals(new byte[] { 1, 2, 3 }, (byte[]) imp.getProcessor()
			.getPixels());
	}

	@Test
	void anImageWithoutPixelsIsRefusedClearly() {
		GanException e = assertThrows(GanException.class, () -> ImagePlusConverter
			.toRaster(new ImagePlus()));
		assertEquals("no image to process", e.getMessage());
	}

	@Test
	void generatorSliceLabelsBecomeStackLabels() {
		RasterImage r = RasterImage.allocate(2, 2, 1, 3, 1, PixelType.UINT8);
		r.properties().put("fiji-gan.slice.2.label", "SYNTHETIC seed=8");
		r.properties().put("fiji-gan.synthetic", "SYNTHETIC");
		ImagePlus imp = ImagePlusConverter.toImagePlus(r);
		assertEquals(3, imp.getStackSize());
		assertNull(imp.getStack().getSliceLabel(1));
		assertEquals("SYNTHETIC seed=8", imp.getStack().getSliceLabel(2));
		assertEquals("fiji-gan.synthetic = SYNTHETIC\n", imp.getInfoProperty());
	}

	@Test
	void originFrameIntervalAndUnitsPerAxisCrossBothWays() {
		ImagePlus imp = new ImagePlus("t", new ShortProcessor(4, 3));
		ij.measure.Calibration cal = imp.getCalibration();
		cal.pixelWidth = 0.5;
		cal.pixelHeight = 0.25;
		cal.setUnit("micron");
		cal.setYUnit("nm");
		cal.xOrigin = 10;
		cal.yOrigin = 4;
		cal.zOrigin = 1;
		cal.frameInterval = 2.5;
		cal.setTimeUnit("min");

		Calibration c = ImagePlusConverter.toRaster(imp).calibration();
		assertEquals(new Calibration(0.5, 0.25, 1, "micron").withUnits("nm",
			"micron").withOrigin(10, 4, 1).withFrameInterval(2.5, "min"), c);

		ij.measure.Calibration back = ImagePlusConverter.toImagePlus(
			ImagePlusConverter.toRaster(imp)).getCalibration();
		assertEquals(10, back.xOrigin);
		assertEquals(4, back.yOrigin);
		assertEquals(1, back.zOrigin);
		assertEquals(2.5, back.frameInterval);
		assertEquals("min", back.getTimeUnit());
		assertEquals("micron", back.getUnit());
		assertEquals("nm", back.getYUnit());
		assertEquals("micron", back.getZUnit());
	}
}

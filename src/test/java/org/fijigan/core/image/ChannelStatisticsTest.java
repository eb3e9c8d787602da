
package org.fijigan.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ChannelStatisticsTest {

	@Test
	void percentilesInterpolateLikeNumpyForIntegerAndFloatData() {
		// values 0..99 over two slices of a 10x5 image
		RasterImage u16 = RasterImage.allocate(10, 5, 1, 2, 1, PixelType.UINT16);
		RasterImage f32 = RasterImage.allocate(10, 5, 1, 2, 1, PixelType.FLOAT32);
		for (int z = 0; z < 2; z++)
			for (int i = 0; i < 50; i++) {
				((short[]) u16.plane(0, z, 0))[i] = (short) (z * 50 + i);
				((float[]) f32.plane(0, z, 0))[i] = z * 50 + i;
			}
		for (RasterImage img : new RasterImage[] { u16, f32 }) {
			ChannelStatistics s = ChannelStatistics.of(img, 0);
			// numpy.percentile(np.arange(100), [1, 99.8, 50]) = 0.99, 98.802, 49.5
			assertEquals(0.99, s.percentile(1), 1e-9);
			assertEquals(98.802, s.percentile(99.8), 1e-9);
			assertEquals(49.5, s.percentile(50), 1e-9);
			assertEquals(49.5, s.mean(), 1e-9);
			assertEquals(0, s.min());
			assertEquals(99, s.max());
		}
	}

	@Test
	void onePlaneOrSeveralChannelsTogetherAndInvertedCdfPercentiles() {
		// channel 0: slice 0 holds 0..49, slice 1 holds 50..99; channel 1: 1000 +
		// the same
		for (PixelType type : new PixelType[] { PixelType.UINT16,
			PixelType.FLOAT32 })
		{
			RasterImage img = RasterImage.allocate(10, 5, 2, 2, 1, type);
			for (int c = 0; c < 2; c++)
				for (int z = 0; z < 2; z++) {
					float[] v = new float[50];
					for (int i = 0; i < 50; i++)
						v[i] = c * 1000 + z * 50 + i;
					img.writeRegion(c, z, 0, 0, 0, 10, 5, v, 0);
				}
			ChannelStatistics slice1 = ChannelStatistics.of(img, new int[] { 0 }, 1);
			assertEquals(50, slice1.count());
			assertEquals(74.5, slice1.mean(), 1e-9);
			// population std of 50 consecutive integers: sqrt((50^2 - 1) / 12)
			assertEquals(Math.sqrt((2500 - 1) / 12.0), slice1.std(), 1e-9);
			// numpy.percentile(np.arange(50, 100), 25, method="inverted_cdf") = 62
			// (rank ceil(12.5) - 1 = 12)
			assertEquals(62, slice1.percentileInvertedCdf(25));
			assertEquals(50, slice1.percentileInvertedCdf(0));
			assertEquals(99, slice1.percentileInvertedCdf(100));
			ChannelStatistics both = ChannelStatistics.of(img, new int[] { 0, 1 },
				-1);
			assertEquals(200, both.count());
			assertEquals(549.5, both.mean(), 1e-9);
			assertEquals(99, both.percentileInvertedCdf(50)); // rank 99 of 0..99,
																												// 1000..1099
		}
	}

	@Test
	void pooledStatisticsAreThoseOfTheImagesTakenTogether() {
		// 0..49 in one image, 50..99 in the other: pooled, they are the 0..99 of
		// the test above
		for (PixelType type : new PixelType[] { PixelType.UINT16,
			PixelType.FLOAT32 })
		{
			RasterImage a = RasterImage.allocate(10, 5, 1, 1, 1, type), b =
				RasterImage.allocate(10, 5, 1, 1, 1, type);
			for (int i = 0; i < 50; i++) {
				if (type == PixelType.UINT16) {
					((short[]) a.plane(0))[i] = (short) i;
					((short[]) b.plane(0))[i] = (short) (50 + i);
				}
				else {
					((float[]) a.plane(0))[i] = i;
					((float[]) b.plane(0))[i] = 50 + i;
				}
			}
			ChannelStatistics s = ChannelStatistics.pooled(java.util.List.of(
				ChannelStatistics.of(b, 0), ChannelStatistics.of(a, 0)));
			assertEquals(0.99, s.percentile(1), 1e-9, type.name());
			assertEquals(98.802, s.percentile(99.8), 1e-9);
			assertEquals(49.5, s.mean(), 1e-9);
			assertEquals(Math.sqrt((100 * 100 - 1) / 12.0), s.std(), 1e-9); // population
																																			// std of
																																			// 0..99
			assertEquals(0, s.min());
			assertEquals(99, s.max());
			assertEquals(100, s.count());
		}
	}

	@Test
	void nanAndInfinityAreSkippedAndCounted() {
		RasterImage f = RasterImage.allocate(4, 1, 1, 1, 1, PixelType.FLOAT32);
		float[] p = (float[]) f.plane(0);
		p[0] = 1;
		p[1] = Float.NaN;
		p[2] = 3;
		p[3] = Float.POSITIVE_INFINITY;
		ChannelStatistics s = ChannelStatistics.of(f, 0);
		assertEquals(2, s.count());
		assertEquals(2, s.nonFiniteCount());
		assertEquals(2, s.percentile(50), 1e-9);
	}

	@Test
	void rgbComponentsAreSeparateChannels() {
		RasterImage rgb = RasterImage.allocate(2, 1, 1, 1, 1, PixelType.RGB);
		((int[]) rgb.plane(0))[0] = 0xff102030;
		((int[]) rgb.plane(0))[1] = 0xff405060;
		assertEquals(0x10 + 0x40, ChannelStatistics.of(rgb, 0).mean() * 2, 1e-9);
		assertEquals(0x30 + 0x60, ChannelStatistics.of(rgb, 2).mean() * 2, 1e-9);
	}
}

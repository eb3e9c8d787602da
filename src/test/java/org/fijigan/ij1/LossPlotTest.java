
package org.fijigan.ij1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import ij.gui.Plot;

/**
 * The one loss plot: what it draws from a training history, and its PNG drawn
 * headless.
 */
class LossPlotTest {

	private static final float N = Float.NaN;

	/**
	 * Rows as the trainer writes them: step, loss, content, discriminator,
	 * validation loss, PSNR, SSIM.
	 */
	private static final List<float[]> HISTORY = List.of( //
		new float[] { 1, 0.8f, 0.8f, N, N, N, N }, //
		new float[] { 2, 0.6f, 0.6f, N, 0.7f, 20, 0.5f }, //
		new float[] { 3, N, N, N, N, N, N }, // a step whose loss was not finite
		new float[] { 4, 0.4f, 0.4f, N, 0.5f, 22, 0.6f });

	@Test
	void trainingLossIsALineAndValidationLossCirclesOnALinearAxis() {
		Plot p = LossPlot.of(HISTORY);
		assertEquals(LossPlot.TITLE, p.getTitle());
		float[][] training = p.getDataObjectArrays(0);
		assertArrayEquals(new float[] { 1, 2, 4 }, training[0]);
		assertArrayEquals(new float[] { 0.8f, 0.6f, 0.4f }, training[1]);
		float[][] validation = p.getDataObjectArrays(1);
		assertArrayEquals(new float[] { 2, 4 }, validation[0]);
		assertArrayEquals(new float[] { 0.7f, 0.5f }, validation[1]);
		assertEquals(0, p.getFlags() & Plot.Y_LOG_NUMBERS, "0.4 to 0.8: linear");
	}

	@Test
	void lossesSpanningMoreThanAFactorOf20GetALogarithmicAxis() {
		Plot p = LossPlot.of(List.of(new float[] { 1, 2.5f }, new float[] { 2,
			0.1f }));
		assertTrue((p.getFlags() & Plot.Y_LOG_NUMBERS) != 0,
			"2.5 to 0.1 spans 25x");
		assertEquals(0, LossPlot.of(List.of(new float[] { 1, 2f }, new float[] { 2,
			0.1f })).getFlags() & Plot.Y_LOG_NUMBERS, "2 to 0.1 spans 20x");
	}

	@Test
	void thePngIsDrawnWithoutADisplay() throws IOException {
		assertTrue(GraphicsEnvironment.isHeadless(), "the suite runs headless");
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		LossPlot.writePng(out, HISTORY);
		BufferedImage png = ImageIO.read(new ByteArrayInputStream(out
			.toByteArray()));
		assertEquals(LossPlot.PNG_WIDTH, png.getWidth());
		assertEquals(LossPlot.PNG_HEIGHT, png.getHeight());
		int blue = 0, grey = 0;
		for (int y = 0; y < png.getHeight(); y++)
			for (int x = 0; x < png.getWidth(); x++) {
				int rgb = png.getRGB(x, y) & 0xffffff;
				if (rgb == 0x0000ff) blue++;
				if (rgb == 0x808080) grey++;
			}
		assertTrue(blue > 10, "validation circles: " + blue + " blue pixels");
		assertTrue(grey > 50, "training line: " + grey + " grey pixels");
	}
}

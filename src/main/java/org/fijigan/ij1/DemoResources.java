
package org.fijigan.ij1;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.imageio.ImageIO;

import org.fijigan.core.GanException;
import org.fijigan.core.demo.ContactSheet;
import org.fijigan.core.demo.DemoSamples;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;

import ij.process.ByteProcessor;

/**
 * What the demo needs from outside core, for the command line and Fiji alike:
 * its sample images, read from this jar ({@code org/fijigan/demo/}, sources and
 * licenses in the README there), and its contact sheet rendered with text
 * (ImageJ's {@code drawString}, which works headless).
 */
public final class DemoResources {

	/** The folder of the samples inside the jar. */
	static final String FOLDER = "/org/fijigan/demo/";
	/**
	 * The real held-out MRI slices, by the generator's class names (middle
	 * positions), in sheet order.
	 */
	static final String[] MRI_CLASSES = { "axial-2", "coronal-2", "sagittal-1" };
	static final int TITLE_SIZE = 18, TEXT_SIZE = 13, CAPTION_SIZE = 12,
			NOTE_SIZE = 12, MARK_SIZE = 11;

	private DemoResources() {}

	/**
	 * The bundled samples: a CC0 brick-wall photo crop, the synthetic cells, its
	 * holes, three MRI slices.
	 */
	public static DemoSamples samples() {
		Map<String, RasterImage> mri = new LinkedHashMap<>();
		for (String c : MRI_CLASSES)
			mri.put(c, read("mri-" + c + ".png"));
		return new DemoSamples(read("brick.png"), "brick wall photo (CC0)", read(
			"cells.png"), "synthetic cells", read("hole-mask.png"), mri);
	}

	/** An 8-bit grey PNG of the jar's demo folder. */
	static RasterImage read(String name) {
		BufferedImage b;
		try (InputStream in = DemoResources.class.getResourceAsStream(FOLDER +
			name))
		{
			if (in == null) throw new GanException("demo sample " + name +
				" is missing from the jar");
			b = ImageIO.read(in);
		}
		catch (IOException e) {
			throw new GanException("cannot read demo sample " + name + ": " + e
				.getMessage(), e);
		}
		if (b == null || b.getType() != BufferedImage.TYPE_BYTE_GRAY)
			throw new GanException("demo sample " + name +
				" is not an 8-bit grey PNG");
		Raster r = b.getRaster();
		int w = b.getWidth(), h = b.getHeight();
		int[] samples = r.getSamples(0, 0, w, h, 0, new int[w * h]);
		RasterImage image = RasterImage.allocate(w, h, 1, 1, 1, PixelType.UINT8);
		byte[] plane = (byte[]) image.plane(0);
		for (int i = 0; i < plane.length; i++)
			plane[i] = (byte) samples[i];
		return image.setTitle(name);
	}

	/**
	 * The sheet with its text drawn: black on white, the SYNTHETIC marks white on
	 * black.
	 */
	public static ByteProcessor render(ContactSheet sheet) {
		ByteProcessor ip = new ByteProcessor(sheet.width(), sheet.height(), sheet
			.pixels());
		ip.setAntialiasedText(true);
		for (ContactSheet.Text t : sheet.texts()) {
			ip.setFont(font(t.style()));
			String text = fit(ip, t.text(), t.width());
			int w = ip.getStringWidth(text);
			int x = t.centred() ? t.x() + Math.max(0, (t.width() - w) / 2) : t.x();
			int box = t.style() == ContactSheet.Style.TITLE ? ContactSheet.TITLE_LINE
				: ContactSheet.LINE;
			java.awt.FontMetrics fm = ip.getFontMetrics();
			// drawString's y is the bottom of the text (baseline plus descent)
			int bottom = t.y() + (box + fm.getAscent() + fm.getDescent()) / 2;
			if (t.style() == ContactSheet.Style.MARK) {
				ip.setColor(Color.white);
				ip.drawString(text, x + 2, bottom, Color.black);
			}
			else {
				ip.setColor(Color.black);
				ip.drawString(text, x, bottom);
			}
		}
		return ip;
	}

	/** The rendered sheet as an image core can write. */
	public static RasterImage renderRaster(ContactSheet sheet) {
		ByteProcessor ip = render(sheet);
		return new RasterImage(ip.getWidth(), ip.getHeight(), 1, 1, 1,
			PixelType.UINT8, new Object[] { ip.getPixels() }).setTitle(
				"fiji-gan demo");
	}

	private static Font font(ContactSheet.Style style) {
		return switch (style) {
			case TITLE -> new Font("SansSerif", Font.BOLD, TITLE_SIZE);
			case HEADER, TASK -> new Font("SansSerif", Font.BOLD, TEXT_SIZE);
			case PLAIN -> new Font("SansSerif", Font.PLAIN, TEXT_SIZE);
			case CAPTION -> new Font("SansSerif", Font.PLAIN, CAPTION_SIZE);
			case MARK -> new Font("SansSerif", Font.BOLD, MARK_SIZE);
			case NOTE -> new Font("SansSerif", Font.PLAIN, NOTE_SIZE);
		};
	}

	/**
	 * {@code text}, shortened with an ellipsis until it fits {@code width}
	 * pixels.
	 */
	private static String fit(ByteProcessor ip, String text, int width) {
		if (ip.getStringWidth(text) <= width) return text;
		String t = text;
		while (t.length() > 1 && ip.getStringWidth(t + "...") > width)
			t = t.substring(0, t.length() - 1);
		return t.strip() + "...";
	}
}

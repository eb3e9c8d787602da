
package org.fijigan.imagej;

import java.awt.Color;
import java.util.List;
import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.trust.Consistency;
import org.fijigan.core.trust.GenerationProvenance;
import org.fijigan.core.pipeline.Inpainter;
import org.fijigan.core.trust.HoleOutline;
import org.fijigan.core.trust.Residual;
import org.fijigan.ij1.ImagePlusConverter;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import ij.plugin.filter.ThresholdToSelection;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

/**
 * Shows beside a result what the model changed: for super-resolution the
 * consistency map (a new 32-bit image; the score goes to the log), for
 * denoising the residual (a new image), for inpainting the hole outline (an
 * overlay on the result), for generation the provenance table (a Results
 * table). The work is done by {@code org.fijigan.core.trust}; neither image's
 * pixels are changed.
 */
@Plugin(type = Command.class, headless = true,
	label = "Show What The GAN Changed")
public class ShowChangesCommand implements Command, DialogChoices {

	static final String[] SHOW = { "auto", "consistency", "residual", "outline",
		"provenance" };
	static final String NONE = "none";

	@Parameter(label = "Result",
		description = "the model's result (the current image)")
	ImagePlus image;

	@Parameter(label = "Original",
		description = "the image the model was given; none for a generated image")
	String original = NONE;

	@Parameter(label = "Show", choices = { "auto", "consistency", "residual",
		"outline", "provenance" },
		description = "auto: chosen from the result's fiji-gan.task")
	String show = "auto";

	@Parameter(label = "Mask",
		description = "for the outline: selection (on the original), roi manager, or the title of the mask image")
	String mask = InpaintMasks.SELECTION;

	@Parameter(type = ItemIO.OUTPUT)
	ImagePlus output;

	/**
	 * The original when set directly (scripts, tests); else {@link #original}
	 * names an open image.
	 */
	ImagePlus originalImage;
	/** The provenance table of the last run, or null. */
	ResultsTable table;
	/** The consistency score of the last run (a line per channel), or null. */
	String score;
	private String errorMessage;

	@Override
	public String[] choices(String key) {
		return switch (key) {
			case "original" -> DialogChoices.imageTitles(NONE);
			case "mask" -> DialogChoices.imageTitles(InpaintMasks.SELECTION,
				InpaintMasks.ROI_MANAGER);
			default -> null;
		};
	}

	@Override
	public void run() {
		output = null;
		table = null;
		score = null;
		errorMessage = null;
		try {
			execute();
		}
		catch (GanException e) {
			errorMessage = e.getMessage();
			CancellableCommand.report(errorMessage);
		}
	}

	/** The message of the error that stopped the last run, or null. */
	public String errorMessage() {
		return errorMessage;
	}

	private void execute() {
		if (image == null) throw new GanException(
			"no result image: open one first");
		String what = show == null || show.equals("auto") ? auto() : show
			.toLowerCase(Locale.ROOT);
		switch (what) {
			case "consistency" -> {
				Consistency c = Consistency.of(raster(original()), raster(image), 0);
				score = c.summary();
				for (String line : c.lines())
					IJ.log("fiji-gan: consistency of " + image.getTitle() + ": " + line);
				output = ImagePlusConverter.toImagePlus(c.map());
			}
			case "residual" -> output = ImagePlusConverter.toImagePlus(Residual.of(
				raster(original()), raster(image)));
			case "outline" -> outline();
			case "provenance" -> provenance();
			default -> throw new GanException("'" + show +
				"' is not a choice for show: use one of " + String.join(", ", SHOW));
		}
	}

	/** What the result's {@code fiji-gan.task} calls for. */
	private String auto() {
		String task = image.getProp("fiji-gan.task");
		if (task == null) throw new GanException(image.getTitle() +
			" carries no fiji-gan.task property; choose what to show (consistency, residual, outline, provenance)");
		return switch (task) {
			case "super-resolution" -> "consistency";
			case "inpaint" -> "outline";
			case "generate" -> "provenance";
			default -> "residual";
		};
	}

	private void outline() {
		ImagePlus source = originalOrNull() != null ? originalOrNull() : image;
		// the holes as Inpaint reads them: an RGB mask's non-black pixels
		RasterImage holes = Inpainter.greyMask(InpaintMasks.of(source, mask));
		if (holes.width() != image.getWidth() || holes.height() != image
			.getHeight()) throw new GanException("the mask is " + holes.width() +
				"x" + holes.height() + " but " + image.getTitle() + " is " + image
					.getWidth() + "x" + image.getHeight());
		Overlay overlay = image.getOverlay() == null ? new Overlay() : image
			.getOverlay();
		int pixels = 0;
		for (int t = 0; t < holes.frames(); t++)
			for (int z = 0; z < holes.slices(); z++) {
				HoleOutline o = HoleOutline.of(holes, z, t, true);
				pixels += o.holePixels();
				Roi roi = outlineRoi(o);
				if (roi == null) continue;
				roi.setStrokeColor(Color.YELLOW);
				roi.setName("fiji-gan hole outline");
				if (holes.slices() * holes.frames() > 1) roi.setPosition(0, z + 1, t +
					1);
				overlay.add(roi);
			}
		image.setOverlay(overlay);
		IJ.log("fiji-gan: outlined " + pixels + " inpainted pixel(s) on " + image
			.getTitle());
	}

	/**
	 * The outline of the holes along pixel edges, as ImageJ draws a selection;
	 * null without holes.
	 */
	static Roi outlineRoi(HoleOutline outline) {
		byte[] pixels = new byte[outline.width() * outline.height()];
		boolean[] holes = outline.holes();
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (byte) (holes[i] ? 255 : 0);
		ByteProcessor bp = new ByteProcessor(outline.width(), outline.height(),
			pixels);
		bp.setThreshold(255, 255, ImageProcessor.NO_LUT_UPDATE);
		return ThresholdToSelection.run(new ImagePlus("holes", bp));
	}

	private void provenance() {
		RasterImage r = raster(image);
		List<GenerationProvenance.Row> rows = GenerationProvenance.rows(r
			.properties(), r.slices() * r.frames());
		ResultsTable t = new ResultsTable();
		for (GenerationProvenance.Row row : rows) {
			t.incrementCounter();
			t.addValue("Slice", row.slice());
			t.addValue("Model", row.model());
			t.addValue("SHA-256", row.sha256());
			t.addValue("Seed", row.seed());
			t.addValue("Class", row.className());
		}
		table = t;
		// headless, the Results table a macro reads, as Demo's and Evaluate's are
		CancellableCommand.showTable(t, "GAN Provenance of " + image.getTitle());
	}

	private ImagePlus original() {
		ImagePlus o = originalOrNull();
		if (o == null) throw new GanException(
			"choose the original image (the one the model was given)");
		return o;
	}

	private ImagePlus originalOrNull() {
		if (originalImage != null) return originalImage;
		if (original == null || original.isBlank() || original.equals(NONE))
			return null;
		ImagePlus o = DialogChoices.openImage(original, "original");
		if (o == null) throw new GanException("no open image is called '" +
			original + "'");
		return o;
	}

	private static RasterImage raster(ImagePlus imp) {
		return ImagePlusConverter.toRaster(imp, IJ::log);
	}
}

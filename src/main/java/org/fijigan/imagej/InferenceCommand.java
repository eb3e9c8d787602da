
package org.fijigan.imagej;

import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.NonFinite;
import org.fijigan.core.model.ModelOverrides;
import org.scijava.plugin.Parameter;

/**
 * A command that runs an image-to-image model over images: the inference
 * options it shares with the others of its kind, declared once (tiling, halo,
 * normalisation, device, threads, float output). The one-image commands
 * ({@link ImageCommand}) and {@link BatchProcessFolderCommand} extend it.
 * SciJava and {@link ParameterDialog} both find these inherited fields; their
 * macro keys are
 * {@code tile halo normalize device threads float nonfinite timings}.
 */
public abstract class InferenceCommand extends GanCommand {

	@Parameter(label = "Tile size",
		description = "auto, none, or the model input window in pixels")
	String tile = "auto";

	@Parameter(label = "Halo",
		description = "auto, or the context each tile gets on each side, in pixels")
	String halo = "auto";

	@Parameter(label = "Normalize",
		description = "auto (the model's own, else percentile), percentile, percentile:LOW,HIGH, range, range:MIN,MAX or none; " +
			"percentiles are per channel, but shared by the colour channels of an RGB image fed together to the model")
	String normalize = "auto";

	@Parameter(label = "Device",
		description = "auto, cpu, cuda, cuda:1, cuda:strict (never the CPU), ...")
	String device = "auto";

	@Parameter(label = "Threads", min = "0",
		description = "CPU threads; 0 uses all cores")
	int threads;

	@Parameter(label = "Float output",
		description = "32-bit output instead of the input's bit depth")
	boolean floatOutput;

	@Parameter(label = "Nonfinite outputs", choices = { "fail", "zero", "clip" },
		description = "what NaN and infinite model outputs become in an integer result (float output keeps them)")
	String nonfinite = "fail";

	@Parameter(label = "Timings",
		description = "write where the time went, stage by stage, to the Log")
	boolean timings;

	/** The options as one immutable configuration. */
	InferenceOptions options() {
		String n = normalize.trim().toLowerCase(Locale.ROOT);
		return InferenceOptions.defaults().withNormalization(n.equals("auto") ? null
			: Normalization.parse(n)).withTileSize(InferenceOptions.parseTileSize(
				tile)).withFloatOutput(floatOutput).withDevice(DeviceSpec.parse(device),
					threads).withNonFinite(NonFinite.parse(nonfinite));
	}

	/**
	 * The halo the user asked for, or null for auto (the model's own).
	 *
	 * @throws GanException when it is not auto or a whole number of pixels &ge; 0
	 */
	Integer haloPixels() {
		Double h = autoOrNumber("halo", halo);
		if (h != null && (h < 0 || h != Math.rint(h) ||
			h > ModelOverrides.MAX_HALO)) throw new GanException("halo '" + halo +
				"' must be auto or a whole number of pixels from 0 to " +
				ModelOverrides.MAX_HALO);
		return h == null ? null : h.intValue();
	}
}

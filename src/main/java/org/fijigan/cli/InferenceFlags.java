
package org.fijigan.cli;

import org.fijigan.core.image.Normalization;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.NonFinite;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How to run a model on one image: the options shared by the image-to-image
 * commands.
 */
final class InferenceFlags {

	@Option(names = "--tile", paramLabel = "N|auto|none", defaultValue = "auto",
		converter = TileSize.class,
		description = "Model input window in pixels, halo included; auto sizes it from memory, " +
			"none runs the whole plane at once (default: auto).")
	int tileSize;

	@Option(names = "--normalize", paramLabel = "MODE",
		description = "percentile[:LOW,HIGH], range[:MIN,MAX] or none (raw values in and out, " +
			"32-bit output). Default: the model's, else percentile:1,99.8. Percentiles are taken " +
			"per channel, except that the colour channels of an RGB image fed together to the " +
			"model share one map (percentiles over all three), which keeps its colours; range " +
			"gives every channel the same map.")
	Normalization normalization;

	@Mixin
	DeviceFlags run;

	@Option(names = "--float",
		description = "Write 32-bit float output instead of the input's bit depth.")
	boolean floatOutput;

	@Option(names = "--nonfinite", paramLabel = "fail|zero|clip",
		defaultValue = "fail", converter = NonFiniteText.class,
		description = "NaN and infinite values the model gives, where the result has integer pixels: " +
			"fail (default), zero (write 0), or clip (+inf to the maximum, -inf to the minimum, NaN " +
			"to 0). A 32-bit result (--float) keeps them. Also how NaN mask pixels are read (as 0 " +
			"with zero or clip).")
	NonFinite nonFinite;

	@Option(names = "--channels", paramLabel = "C,C,...", split = ",",
		hideParamSyntax = true,
		description = "Image channel (from 0) fed to each model channel, e.g. 0,0,0 feeds a grey " +
			"image to an RGB model.")
	int[] channelMap;

	InferenceOptions options() {
		return InferenceOptions.defaults().withNormalization(normalization)
			.withTileSize(tileSize).withFloatOutput(floatOutput ||
				normalization instanceof Normalization.None).withDevice(run.device,
					run.threads).withChannelMap(channelMap).withNonFinite(nonFinite);
	}

	static final class NonFiniteText implements
		picocli.CommandLine.ITypeConverter<NonFinite>
	{

		@Override
		public NonFinite convert(String text) throws Exception {
			return Main.converter(NonFinite::parse).convert(text);
		}
	}

	static final class TileSize implements
		picocli.CommandLine.ITypeConverter<Integer>
	{

		@Override
		public Integer convert(String text) throws Exception {
			return Main.converter(InferenceOptions::parseTileSize).convert(text);
		}
	}
}


package org.fijigan.cli;

import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.train.data.Degradation;

import picocli.CommandLine.Option;

/**
 * fine-tune's options for training a denoiser on noisy images alone:
 * Noise2Void's blind spots ({@link Degradation.BlindSpot}), with structN2V's
 * line mask as an option.
 */
final class SelfSupervisedOptions {

	static final String N2V = "n2v";

	@Option(names = "--self-supervised", paramLabel = N2V, description = {
		"Train on noisy images alone (--data): n2v hides a few pixels of each patch " +
			"(each replaced by a random neighbour) and counts the loss only there, against the noisy " +
			"values (Noise2Void, Krull et al. 2019). For any image-to-image denoiser; the loss is l2 " +
			"unless --loss says otherwise." })
	String method;

	@Option(names = "--n2v-fraction", paramLabel = "F",
		description = "Share of each patch's pixels hidden: one in every g x g cell, g = " +
			"round(1/sqrt(F)) (default: " + Degradation.BlindSpot.DEFAULT_FRACTION +
			", one in every 8x8).")
	Double fraction;

	@Option(names = "--n2v-neighbourhood", paramLabel = "N",
		description = "A hidden pixel takes the value of another pixel of its N x N neighbourhood, N " +
			"odd and at most the patch (default: " +
			Degradation.BlindSpot.DEFAULT_NEIGHBOURHOOD + ").")
	Integer neighbourhood;

	@Option(names = "--n2v-struct", paramLabel = "horizontal:LEN|vertical:LEN",
		description = "structN2V for noise correlated along rows or columns (stripes): also hide the " +
			"LEN-pixel line (odd LEN, at most the patch) centred on each hidden pixel along that axis (default: none).")
	String struct;

	/**
	 * The blind spots asked for, or null without {@code --self-supervised}.
	 *
	 * @throws GanException for an unknown method, or n2v options without it
	 */
	Degradation.BlindSpot blindSpot() {
		if (method == null) {
			if (fraction != null || neighbourhood != null || struct != null)
				throw new GanException(
					"--n2v-fraction, --n2v-neighbourhood and --n2v-struct go with --self-supervised n2v");
			return null;
		}
		if (!method.trim().toLowerCase(Locale.ROOT).equals(N2V))
			throw new GanException("unknown self-supervised method '" + method +
				"': use n2v (Noise2Void)");
		return new Degradation.BlindSpot(fraction != null ? fraction
			: Degradation.BlindSpot.DEFAULT_FRACTION, neighbourhood != null
				? neighbourhood : Degradation.BlindSpot.DEFAULT_NEIGHBOURHOOD,
			Degradation.BlindSpot.Line.parse(struct));
	}
}

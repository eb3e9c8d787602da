
package org.fijigan.core.train;

import java.util.Locale;

import org.fijigan.core.GanException;

/**
 * Penalties on the gradient of the discriminator with respect to its input,
 * added to its loss. Each needs the gradient of that gradient with respect to
 * the discriminator's parameters, which the step graph gets by differentiating
 * its own backward pass once more.
 * <ul>
 * <li>WGAN-GP (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs"):
 * {@code λ (‖∇_x̂
 * D(x̂)‖₂ - 1)²} averaged over the batch, on interpolates
 * {@code x̂ = ε real + (1 - ε) fake} with {@code ε ~ U(0, 1)} drawn per sample;
 * the norm is per sample over all of C, H and W. It belongs to the Wasserstein
 * critic loss.</li>
 * <li>R1 (Mescheder et al. 2018, "Which Training Methods for GANs do actually
 * Converge?"): {@code γ/2 · E_real ‖∇_x D(x)‖²}. Lazy regularisation (Karras et
 * al. 2020, StyleGAN2) applies it at every {@code r1Every}-th discriminator
 * step only, with γ multiplied by {@code r1Every}.</li>
 * </ul>
 * A discriminator that outputs a map of logits (PatchGAN) is scored per image
 * by the mean of its map, the value its losses average; the gradients are of
 * that score.
 *
 * @param wganGp λ of WGAN-GP; 0: off
 * @param r1Gamma γ of R1; 0: off
 * @param r1Every apply R1 at every k-th discriminator step (1: every step)
 */
public record GradientPenalties(float wganGp, float r1Gamma, int r1Every) {

	/** No penalty. */
	public static final GradientPenalties NONE = new GradientPenalties(0, 0, 1);

	public GradientPenalties {
		if (!(wganGp >= 0) || Float.isInfinite(wganGp)) throw new GanException(
			"the WGAN-GP weight must be a number >= 0, got " + wganGp);
		if (!(r1Gamma >= 0) || Float.isInfinite(r1Gamma)) throw new GanException(
			"--r1 gamma must be a number >= 0, got " + r1Gamma);
		if (r1Every < 1) throw new GanException(
			"--r1-every must be at least 1, got " + r1Every);
		if (r1Every > 1 && r1Gamma == 0) throw new GanException(
			"--r1-every applies R1 lazily: it needs --r1 GAMMA above 0");
	}

	/**
	 * Parses the value of {@code --gradient-penalty}: {@code wgan-gp:LAMBDA}, or
	 * {@code wgan-gp} for the paper's λ = 10, or {@code none}.
	 *
	 * @return λ (0 for none)
	 */
	public static float parseWganGp(String text) {
		String t = text.trim().toLowerCase(Locale.ROOT);
		if (t.equals("none")) return 0;
		if (t.equals("wgan-gp")) return 10;
		if (t.startsWith("wgan-gp:")) {
			String v = t.substring("wgan-gp:".length());
			float lambda;
			try {
				lambda = Float.parseFloat(v);
			}
			catch (NumberFormatException e) {
				throw new GanException(
					"--gradient-penalty wgan-gp:LAMBDA needs a number, got '" + v + "'");
			}
			if (!(lambda > 0) || Float.isInfinite(lambda)) throw new GanException(
				"--gradient-penalty wgan-gp:LAMBDA needs LAMBDA above 0, got " + v);
			return lambda;
		}
		throw new GanException("unknown gradient penalty '" + text +
			"': use wgan-gp:LAMBDA (e.g. " + "wgan-gp:10) or none");
	}

	public boolean any() {
		return wganGp > 0 || r1Gamma > 0;
	}

	/**
	 * Whether R1 is applied at discriminator step {@code step} (0-based): every
	 * r1Every-th from 0.
	 */
	public boolean r1At(long step) {
		return r1Gamma > 0 && step % r1Every == 0;
	}

	/**
	 * The penalties one step graph applies: R1 with γ scaled by {@code r1Every}
	 * when {@code withR1}, none otherwise; WGAN-GP as it is. The result applies
	 * at every step it runs.
	 */
	public GradientPenalties forStep(boolean withR1) {
		return new GradientPenalties(wganGp, withR1 ? r1Gamma * r1Every : 0, 1);
	}

	/**
	 * How the metadata and notes name them, e.g.
	 * {@code wgan-gp 10 + r1 gamma=1 every 16}.
	 */
	public String describe() {
		StringBuilder b = new StringBuilder();
		if (wganGp > 0) b.append("wgan-gp ").append(wganGp);
		if (r1Gamma > 0) {
			if (b.length() > 0) b.append(" + ");
			b.append("r1 gamma=").append(r1Gamma);
			if (r1Every > 1) b.append(" every ").append(r1Every);
		}
		return b.length() == 0 ? "none" : b.toString();
	}
}

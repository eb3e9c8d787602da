
package org.fijigan.core.train;

import java.util.Locale;

import org.fijigan.core.GanException;

/** GAN losses, on raw discriminator logits. */
public enum AdversarialKind {

		/** D: softplus(-D(real)) + softplus(D(fake)); G: softplus(-D(fake)). */
		NONSATURATING,
		/** D: relu(1 - D(real)) + relu(1 + D(fake)); G: -D(fake). */
		HINGE,
		/** D: (D(real) - 1)^2 + D(fake)^2; G: (D(fake) - 1)^2. */
		LSGAN,
		/**
		 * The Wasserstein critic (Arjovsky et al. 2017): D: D(fake) - D(real); G:
		 * -D(fake). Its critic must be kept Lipschitz, here by the WGAN-GP gradient
		 * penalty ({@link GradientPenalties}).
		 */
		WASSERSTEIN;

	public static AdversarialKind parse(String s) {
		String v = s.trim().toUpperCase(Locale.ROOT).replace("-", "");
		if (v.equals("NS") || v.equals("NONSATURATING")) return NONSATURATING;
		if (v.equals("HINGE")) return HINGE;
		if (v.equals("LSGAN") || v.equals("LS")) return LSGAN;
		if (v.equals("WASSERSTEIN") || v.equals("WGAN")) return WASSERSTEIN;
		throw new GanException("unknown adversarial loss '" + s +
			"': use nonsaturating, hinge, lsgan or wasserstein");
	}
}

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
	LSGAN;

	public static AdversarialKind parse(String s) {
		String v = s.trim().toUpperCase(Locale.ROOT).replace("-", "");
		if (v.equals("NS") || v.equals("NONSATURATING")) return NONSATURATING;
		if (v.equals("HINGE")) return HINGE;
		if (v.equals("LSGAN") || v.equals("LS")) return LSGAN;
		throw new GanException("unknown adversarial loss '" + s + "': use nonsaturating, hinge or lsgan");
	}
}

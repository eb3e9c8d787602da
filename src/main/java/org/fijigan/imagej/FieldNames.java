
package org.fijigan.imagej;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Messages of the engine name what the user set by its command-line flag
 * ("state it with --scale"); in Fiji the user set a dialog field. This puts the
 * field's label in place of each flag that has a field ("state it with
 * 'Scale'"), and leaves other flags as they are.
 */
final class FieldNames {

	/** The dialog field of each flag the dialogs offer. */
	private static final Map<String, String> LABELS = Map.ofEntries(Map.entry(
		"patch", "Patch"), Map.entry("tile", "Tile size"), Map.entry("overwrite",
			"Overwrite"), Map.entry("scale", "Scale"), Map.entry("normalize",
				"Normalize"), Map.entry("gradient-penalty", "Gradient penalty"), Map
					.entry("r1", "Gamma (R1)"), Map.entry("r1-every", "Lazy R1 interval"),
		Map.entry("count", "Count"), Map.entry("nonfinite", "Nonfinite outputs"),
		Map.entry("mask", "Mask"), Map.entry("halo", "Halo"), Map.entry(
			"checkpoint-dir", "Checkpoint folder"), Map.entry("batch", "Batch"), Map
				.entry("adversarial-weight", "Adversarial weight"), Map.entry("task",
					"Task"), Map.entry("shard", "Shard"), Map.entry("float",
						"Float output"), Map.entry("discriminator-width",
							"Width of the discriminator"), Map.entry("diff-augment",
								"DiffAugment"), Map.entry("d-steps", "Updates of D per step"),
		Map.entry("d-lr", "TTUR learning rate"), Map.entry("class", "Class"), Map
			.entry("adversarial", "GAN loss"), Map.entry("range", "Range"), Map.entry(
				"replace-input-model", "Replace input model"), Map.entry("adam-betas",
					"Adam betas"), Map.entry("ada-target", "ADA target"), Map.entry(
						"spectral-norm", "Spectral normalisation"), Map.entry("resume",
							"Resume"), Map.entry("minibatch-std", "Minibatch std"), Map.entry(
								"device", "Device"), Map.entry("classes", "Class"), Map.entry(
									"discriminator", "Discriminator"), Map.entry("seed", "Seed"),
		Map.entry("steps", "Steps"), Map.entry("lr", "Learning rate"), Map.entry(
			"ema", "EMA decay"), Map.entry("optimizer", "Optimizer"), Map.entry(
				"loss", "Loss"), Map.entry("augment", "Augment"), Map.entry("threads",
					"Threads"), Map.entry("validation", "Validation fraction"), Map.entry(
						"n2v-fraction", "Masked fraction"), Map.entry("n2v-neighbourhood",
							"Neighbourhood"), Map.entry("n2v-struct",
								"Line mask (structN2V)"), Map.entry("format", "Format"), Map
									.entry("fail-fast", "Fail fast"));

	private static final Pattern FLAG = Pattern.compile(
		"--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)");

	private FieldNames() {}

	/** {@code message} with each flag that has a dialog field named by it. */
	static String inFiji(String message) {
		if (message == null) return null;
		Matcher m = FLAG.matcher(message);
		StringBuilder sb = new StringBuilder();
		while (m.find()) {
			String label = LABELS.get(m.group(1));
			m.appendReplacement(sb, Matcher.quoteReplacement(label == null ? m.group()
				: "'" + label + "'"));
		}
		return m.appendTail(sb).toString();
	}
}


package org.fijigan.imagej;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Messages and notes of the engine name what the user set by its command-line
 * flag ("state it with --scale"); in Fiji the user set a dialog field. This
 * puts the field's label in place of each flag that has a field ("state it with
 * 'Scale'"), and leaves other flags as they are.
 */
final class FieldNames {

	/** The dialog field of each flag the dialogs offer: flag=label. */
	private static final Map<String, String> LABELS = """
			patch=Patch
			tile=Tile size
			overwrite=Overwrite
			scale=Scale
			normalize=Normalize
			gradient-penalty=Gradient penalty
			r1=Gamma (R1)
			r1-every=Lazy R1 interval
			count=Count
			nonfinite=Nonfinite outputs
			mask=Mask
			halo=Halo
			checkpoint-dir=Checkpoint folder
			batch=Batch
			adversarial-weight=Adversarial weight
			task=Task
			shard=Shard
			float=Float output
			discriminator-width=Width of the discriminator
			diff-augment=DiffAugment
			d-steps=Updates of D per step
			d-lr=TTUR learning rate
			class=Class
			adversarial=GAN loss
			range=Range
			replace-input-model=Replace input model
			adam-betas=Adam betas
			ada-target=ADA target
			spectral-norm=Spectral normalisation
			resume=Resume
			minibatch-std=Minibatch std
			device=Device
			classes=Class
			discriminator=Discriminator
			seed=Seed
			steps=Steps
			lr=Learning rate
			ema=EMA decay
			optimizer=Optimizer
			loss=Loss
			augment=Augment
			threads=Threads
			validation=Validation fraction
			n2v-fraction=Masked fraction
			n2v-neighbourhood=Neighbourhood
			n2v-struct=Line mask (structN2V)
			format=Format
			fail-fast=Fail fast
			train-data=Training folder
			blocks=Blocks
			data=Data folder
			input-dir=Data folder
			target-dir=Targets folder
			degradation=Degradation
			freeze=Freeze
			lr-schedule=Schedule of the learning rate
			checkpoint-every=Interval of checkpoints
			validate-every=Validate every
			no-ema-warmup=Constant EMA decay
			self-supervised=Training data
			""".lines().map(l -> l.split("=", 2)).collect(java.util.stream.Collectors
		.toUnmodifiableMap(kv -> kv[0], kv -> kv[1]));

	private static final Pattern FLAG = Pattern.compile(
		"(?:(?<![^\\s(\\['\",;:{<`|])|(?<=--[a-z][a-z0-9-]{0,40}/))" +
			"--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?![\\w-]|\\.\\w|/(?!--))");

	private FieldNames() {}

	/**
	 * A flag with the value that a choice of a dialog field stands for: the field
	 * and its choice.
	 */
	private static final Map<String, String> CHOICES = Map.of(
		"--self-supervised n2v", "Training data '" +
			FineTuneCommand.NO_CLEAN_IMAGES + "'");

	/** {@code message} with each flag that has a dialog field named by it. */
	static String inFiji(String message) {
		if (message == null) return null;
		for (Map.Entry<String, String> c : CHOICES.entrySet())
			message = message.replace(c.getKey(), c.getValue());
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


package org.fijigan.core.model;

import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.model.bioimage.Axis;

/**
 * What the user states about a model, replacing what was read or inferred.
 * Every field is optional (null = keep). Start from {@link #NONE} and add what
 * was stated: {@code ModelOverrides.NONE.withTask(task).withHaloPixels(halo)}.
 *
 * @param range sets both the input and output value range; a package's own
 *          preprocessing and postprocessing, which map values into the range it
 *          states, are dropped, so that fiji-gan maps the image into the stated
 *          range and the output back itself
 * @param maskHoleValue the mask value that marks a hole (inpainting models
 *          only)
 * @param residualOption not an override: how the command loading the model lets
 *          the user state whether its output is the noise (e.g.
 *          {@code "--residual"}), for the messages that tell the user to; null
 *          where it offers no way, and they name only the metadata key
 *          {@link ModelLoader#META_RESIDUAL}
 * @param commandTask not an override: the image-to-image task of the command
 *          loading the model (Denoise, Super-Resolution), which a model that
 *          neither states a task nor is inferred to have one runs as, with
 *          everything that task's inference decides: a denoiser's output named
 *          as the noise is subtracted from the input. A model of this task must
 *          keep its input's size unless the task enlarges; null where the
 *          command runs any model (run, info)
 */
public record ModelOverrides(TaskKind task, Double scale, Integer haloPixels,
		ValueRange range, OutputTransform outputTransform, Double maskHoleValue,
		String residualOption, TaskKind commandTask) {

	public static final ModelOverrides NONE = new ModelOverrides(null, null, null,
		null, null, null, null, null);
	/** The largest scale stated: beyond any super-resolution model's. */
	public static final double MAX_SCALE = 64;
	/**
	 * The largest halo stated: a tile is at least twice as wide, and a model that
	 * sees further runs untiled (--tile none). A descriptor's halo has the same
	 * bound.
	 */
	public static final int MAX_HALO = Axis.MAX_HALO;

	/**
	 * The largest mask hole value, in size: a mask's values are those of an
	 * image's pixels, and no integer mask (8 or 16 bits) holds more than 65535. A
	 * model fed 1e30 for its holes computes infinities and NaN there; real models
	 * take 1 or 0, some -1, 255 or 65535.
	 */
	public static final double MAX_MASK_HOLE = 65535;

	/** The scales a model may have, for messages: "a scale from 1/64 to 64". */
	public static final String SCALES = "a scale from 1/" + (int) MAX_SCALE +
		" to " + (int) MAX_SCALE;
	/** The halos a model may have, for messages. */
	public static final String HALOS = "a halo from 0 to " + MAX_HALO + " px";
	/** The mask hole values a model may take, for messages. */
	public static final String MASK_HOLES = "a mask hole value from -" +
		(int) MAX_MASK_HOLE + " to " + (int) MAX_MASK_HOLE +
		" (1 or 0 for most models)";

	public ModelOverrides {
		if (scale != null) checkScale(scale, "--scale " + scale, "");
		if (haloPixels != null) checkHalo(haloPixels, "--halo " + haloPixels, "");
		if (maskHoleValue != null) checkMaskHole(maskHoleValue, "--mask-hole " +
			maskHoleValue, "");
	}

	/**
	 * Refuses a scale beyond {@code 1/MAX_SCALE .. MAX_SCALE}, whether the user
	 * or the model states it.
	 *
	 * @param stated where it was stated, and the value, for the message:
	 *          {@code --scale 100.0}
	 * @param remedy appended to the message: how else to give it, or ""
	 */
	public static void checkScale(double scale, String stated, String remedy) {
		if (!(scale >= 1 / MAX_SCALE && scale <= MAX_SCALE)) throw new GanException(
			stated + " is beyond what a model does: give " + SCALES + remedy);
	}

	/**
	 * Refuses a halo below 0 or above {@link #MAX_HALO} pixels, whether the user
	 * or the model states it.
	 *
	 * @param stated where it was stated, and the value, for the message
	 * @param remedy appended to the message: how else to give it, or ""
	 */
	public static void checkHalo(long halo, String stated, String remedy) {
		if (halo < 0) throw new GanException(stated + " is negative: give " +
			HALOS + remedy);
		if (halo > MAX_HALO) throw new GanException(stated + " is beyond " +
			MAX_HALO + " px, wider than any tile: for a model that sees that far, " +
			"run untiled (--tile none)" + remedy);
	}

	/**
	 * Refuses a mask hole value that is not finite or beyond
	 * {@link #MAX_MASK_HOLE} in size, whether the user or the model states it.
	 *
	 * @param stated where it was stated, and the value, for the message
	 * @param remedy appended to the message: how else to give it, or ""
	 */
	public static void checkMaskHole(double value, String stated, String remedy) {
		if (!(Math.abs(value) <= MAX_MASK_HOLE)) throw new GanException(stated +
			" is not a mask value: give " + MASK_HOLES + remedy);
	}

	/** Overrides without a {@link #residualOption}. */
	public ModelOverrides(TaskKind task, Double scale, Integer haloPixels,
		ValueRange range, OutputTransform outputTransform, Double maskHoleValue)
	{
		this(task, scale, haloPixels, range, outputTransform, maskHoleValue, null,
			null);
	}

	/**
	 * Whether nothing is overridden (whatever {@link #residualOption} and
	 * {@link #commandTask} say).
	 */
	public boolean isEmpty() {
		return withResidualOption(null).withCommandTask(null).equals(NONE);
	}

	public ModelOverrides withTask(TaskKind task) {
		return new ModelOverrides(task, scale, haloPixels, range, outputTransform,
			maskHoleValue, residualOption, commandTask);
	}

	public ModelOverrides withScale(Double scale) {
		return new ModelOverrides(task, scale, haloPixels, range, outputTransform,
			maskHoleValue, residualOption, commandTask);
	}

	public ModelOverrides withHaloPixels(Integer haloPixels) {
		return new ModelOverrides(task, scale, haloPixels, range, outputTransform,
			maskHoleValue, residualOption, commandTask);
	}

	public ModelOverrides withRange(ValueRange range) {
		return new ModelOverrides(task, scale, haloPixels, range, outputTransform,
			maskHoleValue, residualOption, commandTask);
	}

	public ModelOverrides withOutputTransform(OutputTransform outputTransform) {
		return new ModelOverrides(task, scale, haloPixels, range, outputTransform,
			maskHoleValue, residualOption, commandTask);
	}

	public ModelOverrides withResidualOption(String residualOption) {
		return new ModelOverrides(task, scale, haloPixels, range, outputTransform,
			maskHoleValue, residualOption, commandTask);
	}

	public ModelOverrides withMaskHoleValue(Double maskHoleValue) {
		return new ModelOverrides(task, scale, haloPixels, range, outputTransform,
			maskHoleValue, residualOption, commandTask);
	}

	public ModelOverrides withCommandTask(TaskKind commandTask) {
		return new ModelOverrides(task, scale, haloPixels, range, outputTransform,
			maskHoleValue, residualOption, commandTask);
	}

	/**
	 * A copy of {@code d} with these overrides applied; a mask hole value applies
	 * to inpainting models only.
	 */
	public ModelDescriptor applyTo(ModelDescriptor d) {
		if (isEmpty()) return d;
		ModelDescriptor.Builder b = d.toBuilder();
		if (task != null) b.task(task).origin("task", "override");
		if (scale != null) b.scale(scale).origin("scale", "override");
		if (haloPixels != null) b.haloPixels(haloPixels).origin("halo", "override");
		if (range != null) b.ranges(range, range).processing(List.of(), List.of())
			.outputInInputUnits(true).origin("range", "override");
		if (outputTransform != null) b.outputTransform(outputTransform).origin(
			"output", "override");
		if (maskHoleValue != null && d.kind() instanceof ModelKind.Inpainting k) {
			MaskSpec m = k.mask();
			b.kind(new ModelKind.Inpainting(k.image(), m.withHoleValue(
				maskHoleValue))).origin("mask", "override");
		}
		ModelDescriptor o = b.build();
		if (task != null || scale != null) checkSizeKept(o.name(), o.task(), o
			.scale(), o.origins().getOrDefault("scale", "?"));
		return o;
	}

	/**
	 * Refuses to run a model of {@code scale} (from {@code scaleOrigin}) as a
	 * {@code task} that keeps the input's size: a denoise or inpaint result is
	 * labelled and checked as the input's own pixels, and an enlarged one was
	 * written as denoised, without the residual check or the generated mark a
	 * super-resolution result gets.
	 */
	static void checkSizeKept(String name, TaskKind task, double scale,
		String scaleOrigin)
	{
		if (task.keepsSize() && scale != 1) throw new GanException("model " + name +
			" has a scale of " + Numbers.significant(scale, 4) + " (" + scaleOrigin +
			"), but a" + (task == TaskKind.INPAINT ? "n " : " ") + task.id() +
			" model's result is its input's " +
			"size (scale 1): run it as super-resolution, or state a scale of 1");
	}
}


package org.fijigan.core.model.bioimage;

import java.util.List;

import org.fijigan.core.GanException;

/**
 * One axis of a model tensor, normalised from either descriptor format. At most
 * one of three size forms is set: a fixed {@code size}; {@code min + n * step}
 * for n >= 0 ({@code min} and {@code step}); or, on outputs, a
 * {@code reference} to another tensor's axis. When none is set the size is free
 * (a batch axis without size) or only known after the run.
 *
 * @param id the axis id the descriptor's processing steps refer to: in 0.4 the
 *          letter from the axes string ("b", "c", "y", "x", "z", "t", "i"), in
 *          0.5 the axis id as written (defaults "batch", "channel", "index",
 *          "time", "x")
 * @param scale the 0.5 physical scale of one pixel (1.0 when absent, and always
 *          1.0 in 0.4); the size factor between tensors is already folded into
 *          {@link SizeReference#scale()}
 * @param halo output pixels to crop from each side of this axis to drop border
 *          effects
 * @param channelNames the 0.5 channel names of a channel axis; empty otherwise
 */
public record Axis(Type type, String id, Integer size, Integer min,
		Integer step, SizeReference reference, double scale, int halo,
		List<String> channelNames) {

	/**
	 * The widest halo taken, in pixels: a tile is at least twice as wide, and a
	 * model that sees further runs untiled. The same bound holds for a halo given
	 * on the command line.
	 */
	public static final int MAX_HALO = 16384;
	/** The most halo a descriptor may give, as the refusal says it. */
	static final String HALO_LIMIT = "fiji-gan takes halos of at most " +
		MAX_HALO + " px";

	/**
	 * The largest size, minimum or step an axis may give: the bound an ONNX
	 * graph's declared shape has too. Real image models stay far below.
	 */
	public static final int MAX_SIZE = 1 << 20;
	/** The most an axis may give, as the refusal says it. */
	static final String SIZE_LIMIT = "fiji-gan refuses axes over " + MAX_SIZE;

	/** What an axis indexes. */
	public enum Type {
			BATCH, CHANNEL, SPACE, TIME, INDEX
	}

	/**
	 * An output axis length derived from another tensor's axis:
	 * {@code floor(referenceLength * scale) + offset}. For a x2 super-resolution
	 * output {@code scale} is 2 whichever format the descriptor used (0.4 writes
	 * {@code scale: 2}, 0.5 writes the output pixel as half the input pixel); a
	 * 0.4 {@code offset} is doubled as the 0.4 spec says.
	 */
	public record SizeReference(String tensorId, String axisId, double scale,
			int offset) {

		public SizeReference {
			if (tensorId == null || axisId == null) throw new GanException(
				"a size reference needs a tensor and an axis id");
			if (!(scale > 0) || Double.isInfinite(scale)) throw new GanException(
				"size reference scale must be positive, is " + scale);
		}

		/**
		 * The length of the referring axis when the referenced axis is
		 * {@code referenceLength} long.
		 */
		public long sizeFor(long referenceLength) {
			return (long) Math.floor(referenceLength * scale + 1e-9) + offset;
		}
	}

	public Axis {
		if (type == null || id == null || id.isBlank()) throw new GanException(
			"an axis needs a type and an id");
		if ((min == null) != (step == null)) throw new GanException("axis " + id +
			": min and step go together");
		int forms = (size != null ? 1 : 0) + (min != null ? 1 : 0) +
			(reference != null ? 1 : 0);
		if (forms > 1) throw new GanException("axis " + id +
			": give one of a fixed size, min/step or a reference");
		if (size != null && size < 1 || min != null && (min < 1 || step < 1))
			throw new GanException("axis " + id + ": sizes must be positive (size " +
				size + ", min " + min + ", step " + step + ")");
		for (Integer n : new Integer[] { size, min, step })
			if (n != null && n > MAX_SIZE) throw new GanException("axis " + id +
				": " + n + " is beyond " + MAX_SIZE + "; " + SIZE_LIMIT);
		if (!(scale > 0) || Double.isInfinite(scale)) throw new GanException(
			"axis " + id + ": scale must be positive, is " + scale);
		if (halo < 0 || halo > MAX_HALO) throw new GanException("axis " + id +
			": halo must be 0 to " + MAX_HALO + " px, is " + halo);
		channelNames = channelNames == null ? List.of() : List.copyOf(channelNames);
		if (!channelNames.isEmpty() && (type != Type.CHANNEL || size == null ||
			size != channelNames.size())) throw new GanException("axis " + id + ": " +
				channelNames.size() + " channel names for a " + type +
				" axis of size " + size);
	}

	/** True for x, y and z axes: the ones tiling splits and a halo pads. */
	public boolean isSpatial() {
		return type == Type.SPACE;
	}

	public boolean hasFixedSize() {
		return size != null;
	}

	/** True when the model takes any length {@code min + n * step}. */
	public boolean isParameterized() {
		return min != null;
	}
}


package org.fijigan.core.model;

import java.util.Locale;

import org.fijigan.core.GanException;

/**
 * What a model does, which decides how the engine feeds it and reads its
 * output.
 */
public enum TaskKind {

		/** Image to image, output larger by the model's scale. */
		SUPER_RESOLUTION("super-resolution"),
		/**
		 * Image to image of the same size; the output may be the noise (see
		 * {@link OutputTransform}).
		 */
		DENOISE("denoise"),
		/** Any other image-to-image model. */
		IMAGE_TO_IMAGE("image-to-image"),
		/** Image plus mask to image. */
		INPAINT("inpaint"),
		/** Latent vector (and optional class label) to image. */
		GENERATE("generate");

	private final String id;

	TaskKind(String id) {
		this.id = id;
	}

	public String id() {
		return id;
	}

	/**
	 * Whether a model of this task gives a result of its input's size (scale 1):
	 * denoising and inpainting.
	 */
	public boolean keepsSize() {
		return this == DENOISE || this == INPAINT;
	}

	public boolean isImageToImage() {
		return this == SUPER_RESOLUTION || this == DENOISE ||
			this == IMAGE_TO_IMAGE;
	}

	public static TaskKind parse(String text) {
		String s = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
		for (TaskKind t : values())
			if (t.id.equals(s)) return t;
		switch (s) {
			case "sr", "superresolution":
				return SUPER_RESOLUTION;
			case "denoising":
				return DENOISE;
			case "inpainting":
				return INPAINT;
			case "generator", "generation":
				return GENERATE;
			case "generic", "run":
				return IMAGE_TO_IMAGE;
			default:
				throw new GanException("unknown task '" + text +
					"': use super-resolution, denoise, image-to-image, inpaint or generate");
		}
	}
}


package org.fijigan.core.model;

/** How a model's output becomes the result image. */
public enum OutputTransform {
		/** The output is the result. */
		DIRECT,
		/**
		 * The output is what the model removes (e.g. DnCNN predicts the noise):
		 * result = input - output, computed in the model's value space.
		 */
		SUBTRACT_FROM_INPUT
}

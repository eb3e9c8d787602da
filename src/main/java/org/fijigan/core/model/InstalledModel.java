
package org.fijigan.core.model;

import java.nio.file.Path;
import java.util.List;

/**
 * A model in a {@link ModelStore}, as listed: what a user needs to pick one.
 *
 * @param name the folder name, which {@code --model NAME} loads when the store
 *          is the models folder
 * @param folder the model's folder
 * @param format {@code bioimage.io} (the folder holds an rdf.yaml),
 *          {@code onnx} (a {@value ModelStore#ONNX_FILE}), or {@code ?} (the
 *          folder cannot be read, see {@code problem})
 * @param title the descriptor's name, or the name
 * @param description the descriptor's description, or ""
 * @param card up to {@value ModelStore#CARD_LINES} non-blank lines of the model
 *          card (the descriptor's documentation, else a README.md in the
 *          folder)
 * @param problem why the model cannot be read, or null when it can
 */
public record InstalledModel(String name, Path folder, String format,
		String title, String description, List<String> card, String problem) {

	public InstalledModel {
		card = card == null ? List.of() : List.copyOf(card);
		description = description == null ? "" : description;
	}
}

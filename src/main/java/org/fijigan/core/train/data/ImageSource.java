
package org.fijigan.core.train.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.fijigan.core.GanException;
import org.fijigan.core.image.RasterImage;

/**
 * Named images to train on: a folder (the command line's implementation walks
 * it recursively and names each file by its path relative to the folder, with
 * {@code /} separators), or images already open in Fiji. Names are unique; a
 * name's first folder ({@code cats/a.png -> cats}) is its class when a
 * generator is trained with class labels.
 * <p>
 * {@link TrainingData} opens every image once, when it is created, and then
 * only reads it.
 */
public interface ImageSource {

	/** The image names, in a stable order. */
	List<String> names();

	/**
	 * Opens one image. The returned image is only read.
	 *
	 * @throws GanException when the image cannot be opened, with a message naming
	 *           it
	 */
	RasterImage open(String name);

	/**
	 * The folder whose files these are, each named by its path relative to it;
	 * null for images in memory.
	 */
	default Path folder() {
		return null;
	}

	/** A description for messages, e.g. the folder's path. */
	default String describe() {
		return names().size() + " images";
	}

	/**
	 * Images already in memory (e.g. the images open in Fiji), named by their
	 * titles; a repeated title gets {@code " (2)"}, {@code " (3)"}, ... appended.
	 */
	static ImageSource of(List<RasterImage> images) {
		Map<String, RasterImage> byName = new LinkedHashMap<>();
		Map<String, Integer> seen = new HashMap<>();
		for (RasterImage image : images) {
			Objects.requireNonNull(image);
			String name = image.title();
			int n = seen.merge(name, 1, Integer::sum);
			if (n > 1) name = name + " (" + n + ")";
			while (byName.containsKey(name))
				name = name + "'";
			byName.put(name, image);
		}
		List<String> names = List.copyOf(new ArrayList<>(byName.keySet()));
		return new ImageSource() {

			@Override
			public List<String> names() {
				return names;
			}

			@Override
			public RasterImage open(String name) {
				RasterImage image = byName.get(name);
				if (image == null) throw new GanException("no open image named '" +
					name + "'");
				return image;
			}

			@Override
			public String describe() {
				return names.size() == 1 ? "1 open image" : names.size() +
					" open images";
			}
		};
	}
}

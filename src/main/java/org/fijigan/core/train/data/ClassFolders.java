
package org.fijigan.core.train.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.fijigan.core.GanException;
import org.fijigan.core.model.GeneratorSpec;

/**
 * The classes of a conditional generator's images, by the folder each image
 * sits in (its name's first folder), as fine-tuning and evaluation both number
 * them: the model's class names when it has them (a folder names one exactly,
 * ignoring case, or by its label number), else folders named by numbers are
 * those classes. Other folders of a model without class names are refused where
 * images are read against the model ({@link #of}): which label such a name
 * stands for is unknown. Only the data a model is fine-tuned on defines its
 * classes by them, the folders in sorted order ({@link #forTraining}).
 *
 * @param names the class names, index = label (for numbered folders, {@code 0}
 *          to the largest)
 * @param labels the label of each folder, folders in sorted order
 */
public record ClassFolders(List<String> names, Map<String, Integer> labels) {

	public ClassFolders {
		names = List.copyOf(names);
		labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
	}

	/**
	 * The class of the image called {@code imageName}: its first folder.
	 *
	 * @param images what the images are, for the message (e.g.
	 *          {@code real images})
	 * @throws GanException when the image is not in a folder
	 */
	public static String classOf(String imageName, String images) {
		int slash = imageName.indexOf('/');
		if (slash <= 0) throw new GanException(
			"the generator takes a class label, so the " + images +
				" must sit in sub-folders named by class (one per class), but '" +
				imageName + "' is not in a sub-folder");
		return imageName.substring(0, slash);
	}

	/**
	 * Numbers the class folders {@code folders} (repeats allowed) of images read
	 * against generator {@code g} (held-out or training images to compare with
	 * it).
	 *
	 * @throws GanException when a folder is not one of the model's named classes,
	 *           is not a label number of a model that names no classes, or its
	 *           label is beyond the model's class count
	 */
	public static ClassFolders of(GeneratorSpec g, Collection<String> folders) {
		if (g.classNames().isEmpty()) for (String f : new TreeSet<>(folders))
			if (!f.matches("\\d{1,4}")) throw new GanException("sub-folder '" + f +
				"' is not a label number, and the model names no classes, so which " +
				"class it holds is unknown: name the class sub-folders by label " +
				"number (" + (g.classCount() > 0 ? "0.." + (g.classCount() - 1)
					: "0, 1, ...") + "), or fine-tune the model on named folders, " +
				"which records their names");
		return forTraining(g, folders);
	}

	/**
	 * Numbers the class folders {@code folders} (repeats allowed) of the images
	 * generator {@code g} is fine-tuned on: as {@link #of}, but a model that
	 * names no classes learns named folders as its classes in sorted order.
	 *
	 * @throws GanException when a folder is not one of the model's named classes,
	 *           or its label is beyond the model's class count
	 */
	public static ClassFolders forTraining(GeneratorSpec g,
		Collection<String> folders)
	{
		TreeSet<String> distinct = new TreeSet<>(folders);
		if (!g.classNames().isEmpty()) {
			Map<String, Integer> labels = new LinkedHashMap<>();
			for (String f : distinct) {
				int label = g.labelOfFolder(f);
				if (label < 0) throw new GanException("sub-folder '" + f +
					"' is not one of the model's classes " + g.classNames() +
					": name the sub-folders after them or by label number (0.." + (g
						.classNames().size() - 1) + ")");
				labels.put(f, label);
			}
			return new ClassFolders(g.classNames(), labels);
		}
		List<String> names;
		if (distinct.stream().allMatch(f -> f.matches("\\d{1,4}"))) {
			int max = distinct.stream().mapToInt(Integer::parseInt).max().orElse(0);
			List<String> numbered = new ArrayList<>();
			for (int i = 0; i <= max; i++)
				numbered.add(Integer.toString(i));
			names = numbered;
		}
		else names = List.copyOf(distinct);
		Map<String, Integer> index = new LinkedHashMap<>();
		for (int i = 0; i < names.size(); i++)
			index.putIfAbsent(names.get(i), i);
		Map<String, Integer> labels = new LinkedHashMap<>();
		for (String f : distinct) {
			// a numbered folder such as "007" is its number
			int label = index.containsKey(f) ? index.get(f) : Integer.parseInt(f);
			if (g.classCount() > 0 && label >= g.classCount()) throw new GanException(
				"sub-folder '" + f + "' would be class " + label +
					" but the model has " + g.classCount() + " classes (0.." + (g
						.classCount() - 1) + ")" + (f.matches("\\d+") ? ""
							: "; classes are numbered by sorted sub-folder name"));
			labels.put(f, label);
		}
		return new ClassFolders(names, labels);
	}

	/**
	 * These folders, when no two of them name one class (as {@code axial} and
	 * {@code Axial}, or {@code axial} and {@code 0}, would).
	 *
	 * @throws GanException naming two folders of one class
	 */
	public ClassFolders requireOneFolderEach() {
		Map<Integer, String> seen = new LinkedHashMap<>();
		for (var e : labels.entrySet()) {
			String other = seen.putIfAbsent(e.getValue(), e.getKey());
			if (other != null) throw new GanException("sub-folders '" + other +
				"' and '" + e.getKey() + "' both name class " + names.get(e
					.getValue()) + ": put each class's images in one sub-folder");
		}
		return this;
	}
}

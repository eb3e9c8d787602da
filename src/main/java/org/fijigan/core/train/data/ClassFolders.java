
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
 * those classes, else the folders in sorted order.
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
	 * Numbers the class folders {@code folders} (repeats allowed) for generator
	 * {@code g}.
	 *
	 * @throws GanException when a folder is not one of the model's named classes,
	 *           or its label is beyond the model's class count
	 */
	public static ClassFolders of(GeneratorSpec g, Collection<String> folders) {
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


package org.fijigan.imagej;

import java.util.ArrayList;
import java.util.List;

import ij.WindowManager;

/**
 * A command whose dialog offers choices known only when it opens (the titles of
 * the open images). {@link ParameterDialog#ask} asks the command for them; a
 * macro value outside them is refused as for any choice.
 */
interface DialogChoices {

	/**
	 * The choices of the field with macro key {@code key}, or null to keep the
	 * annotation's.
	 */
	String[] choices(String key);

	/**
	 * {@code items} with the choices {@code command} gives, when it gives any.
	 */
	static List<ParameterDialog.Item> apply(Object command,
		List<ParameterDialog.Item> items)
	{
		if (!(command instanceof DialogChoices d)) return items;
		List<ParameterDialog.Item> out = new ArrayList<>();
		for (ParameterDialog.Item i : items) {
			String[] choices = d.choices(i.key());
			out.add(choices == null || choices.length == 0 ? i
				: new ParameterDialog.Item(i.field(), i.label(), i.key(), choices));
		}
		return out;
	}

	/**
	 * The titles of the open images (batch-mode images included), {@code first}
	 * entries ahead.
	 */
	static String[] imageTitles(String... first) {
		List<String> titles = new ArrayList<>(List.of(first));
		String[] open = WindowManager.getImageTitles();
		if (open != null) for (String t : open)
			if (!titles.contains(t)) titles.add(t);
		return titles.toArray(String[]::new);
	}
}

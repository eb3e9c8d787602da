
package org.fijigan.imagej;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;

import ij.ImagePlus;
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

	/**
	 * The open image (batch-mode images included) whose title is {@code title} as
	 * written, or null when none is. Refused when several are: a title cannot say
	 * which of them is meant, and taking the first would quietly work on another
	 * image than the one the user looks at.
	 *
	 * @param key the macro key the title was given for, as the message names it
	 */
	static ImagePlus openImage(String title, String key) {
		int[] ids = WindowManager.getIDList();
		ImagePlus found = null;
		int count = 0;
		if (ids != null) for (int id : ids) {
			ImagePlus imp = WindowManager.getImage(id);
			if (imp == null || !title.equals(imp.getTitle())) continue;
			if (found == null) found = imp;
			count++;
		}
		if (count > 1) throw new GanException(count + " open images are called '" +
			title + "', so " + key + "=[" + title +
			"] does not say which: rename the one meant (Image > Rename...)");
		return found;
	}
}

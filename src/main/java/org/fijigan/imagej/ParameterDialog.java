
package org.fijigan.imagej;

import java.awt.GraphicsEnvironment;
import java.awt.HeadlessException;
import java.awt.TextField;
import java.io.File;
import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.GanException;
import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;
import org.scijava.widget.FileWidget;

import ij.ImagePlus;
import ij.Macro;
import ij.Prefs;
import ij.gui.GenericDialog;
import ij.macro.Interpreter;

/**
 * Shows a command's {@code @Parameter} fields as an ImageJ 1
 * {@link GenericDialog}, so that the parameters are declared once, in the
 * command. A field's macro key is the lower-case first word of its label, as
 * for any ImageJ dialog: label "Tile size" is key {@code tile}. In a macro the
 * dialog reads the options and does not appear; with the Recorder on it records
 * itself. Where AWT cannot make a dialog (headless without the ImageJ patcher),
 * the macro options are read directly with the same rules. Fields are listed
 * superclass first, in declaration order, unless the command puts some of its
 * own first ({@link BeforeInherited}). Supported field types: String (choices
 * allowed), int, long, double, boolean, File. ImagePlus fields are the input
 * image and the outputs, not dialog fields.
 */
final class ParameterDialog {

	/**
	 * One dialog field. With {@code suggestions}, the choices are what the dialog
	 * offers, and a macro may give another value (device {@code cuda:1}); the
	 * command checks it when it runs.
	 */
	record Item(Field field, String label, String key, String[] choices,
			boolean suggestions) {

		Item(Field field, String label, String key, String[] choices) {
			this(field, label, key, choices, false);
		}

		/**
		 * Whether the dialog shows this field only once "More options" is ticked.
		 */
		boolean isAdvanced() {
			return ADVANCED_KEYS.contains(key);
		}

		Class<?> type() {
			return field.getType();
		}

		boolean isFile() {
			return type() == File.class || FileWidget.OPEN_STYLE.equals(field
				.getAnnotation(Parameter.class).style());
		}

		boolean isFolder() {
			return FileWidget.DIRECTORY_STYLE.equals(field.getAnnotation(
				Parameter.class).style());
		}
	}

	/**
	 * Keys of the fields folded away under "More options": their defaults suit
	 * most images. GenericDialog cannot fold a section, so they come last and are
	 * hidden until the box is ticked.
	 */
	static final List<String> ADVANCED_KEYS = List.of("tile", "halo", "normalize",
		"threads", "nonfinite", "timings");

	private ParameterDialog() {}

	/**
	 * The fields as {@code command}'s dialog shows them: its own choices, and the
	 * devices that load here.
	 */
	static List<Item> dialogItems(Object command) {
		List<Item> out = new ArrayList<>();
		for (Item i : DialogChoices.apply(command, items(command.getClass())))
			out.add(i.key().equals("device") && i.type() == String.class && i
				.choices().length == 0 ? new Item(i.field(), i.label(), i.key(),
					ModelChoices.devices(), true) : i);
		return out;
	}

	/**
	 * {@code items} in dialog order: the everyday fields first, then the advanced
	 * ones.
	 */
	static List<Item> dialogOrder(List<Item> items) {
		List<Item> order = new ArrayList<>();
		for (Item i : items)
			if (!i.isAdvanced()) order.add(i);
		for (Item i : items)
			if (i.isAdvanced()) order.add(i);
		return order;
	}

	/**
	 * The dialog fields of {@code type}, superclass fields first, in declaration
	 * order (but see {@link BeforeInherited}).
	 */
	static List<Item> items(Class<?> type) {
		List<Item> items = new ArrayList<>();
		for (Field f : parameterFields(type)) {
			Parameter p = f.getAnnotation(Parameter.class);
			if (p.type() != ItemIO.INPUT || f.getType() == ImagePlus.class) continue;
			Class<?> t = f.getType();
			if (t != String.class && t != int.class && t != long.class &&
				t != double.class && t != boolean.class && t != File.class)
				throw new IllegalStateException(f +
					": the ImageJ 1 dialog cannot show a " + t.getSimpleName());
			String label = p.label().isEmpty() ? f.getName() : p.label();
			items.add(new Item(f, label, Macro.trimKey(label), p.choices()));
		}
		return items;
	}

	/**
	 * Fills {@code command}'s fields from a dialog or from the macro options;
	 * headless without options, the defaults stand. Outside macros the last
	 * values are remembered in ImageJ's prefs under {@code prefsPrefix.key}.
	 *
	 * @return false when the user cancelled
	 * @throws GanException for a value of the wrong kind (a word where a number
	 *           belongs, a fraction for a whole number, an unknown choice) or a
	 *           macro key that names no field
	 */
	static boolean ask(Object command, String title, String prefsPrefix) {
		return ask(command, title, prefsPrefix, null);
	}

	/**
	 * As {@link #ask(Object, String, String)}; for an image command,
	 * {@code image} (the current image, may be null) is what the dialog's Preview
	 * runs on. Interactive dialogs (not in a macro) also offer the known models
	 * and fold the advanced fields away; neither is a parameter, so a recorded
	 * macro holds only the fields.
	 */
	static boolean ask(Object command, String title, String prefsPrefix,
		ImagePlus image)
	{
		List<Item> items = dialogOrder(dialogItems(command));
		String options = Macro.getOptions();
		if (options != null) refuseUnknownKeys(items, options, title);
		if (options == null) for (Item i : items) {
			String saved = Prefs.get(prefsPrefix + "." + i.key(), null);
			try {
				if (saved != null) set(command, i, parse(i, saved));
			}
			catch (GanException e) {
				// a value saved by an older version: keep the default
			}
		}
		if (options == null && GraphicsEnvironment.isHeadless()) return true; // nobody
																																					// to
																																					// ask
		GenericDialog gd;
		try {
			gd = new GenericDialog(title);
		}
		catch (HeadlessException e) {
			readOptions(command, items, options);
			return true;
		}
		boolean interactive = options == null;
		DialogExtras extras = new DialogExtras(gd, prefsPrefix);
		Preview preview = Preview.isPossible(GraphicsEnvironment.isHeadless(),
			options, command, image) ? new Preview(image) : null;
		for (Item i : items) {
			boolean modelField = interactive && i.key().equals("model") && i
				.type() == String.class;
			if (interactive && i.isAdvanced() && !extras.hasAdvancedToggle()) extras
				.addAdvancedToggle(items.stream().filter(Item::isAdvanced).map(
					Item::label).toList());
			if (modelField) extras.addModelChooser();
			int before = gd.getComponentCount();
			add(gd, i, get(command, i));
			if (modelField) extras.setModelField((TextField) gd.getStringFields()
				.lastElement());
			if (interactive && i.isAdvanced()) extras.foldAway(gd, before);
		}
		if (preview != null) gd.addPanel(preview.panel());
		// Read every field on each change (ImageJ's convention: the first
		// listener's last read is the
		// one recorded), and rerun the preview with the settings as they stand.
		gd.addDialogListener((dialog, event) -> {
			Object settings = newInstance(command);
			try {
				for (Item i : items)
					set(settings, i, next(dialog, i));
			}
			catch (GanException e) {
				if (preview != null) preview.showProblem(e.getMessage());
				return true;
			}
			if (preview != null && event != null) preview.settingsChanged(settings);
			return true;
		});
		if (preview != null) preview.onToggle(() -> {
			// the Preview box is not a dialog field: read the fields as a listener
			// would (no recording
			// happens while the dialog is open)
			Object settings = newInstance(command);
			gd.resetCounters();
			try {
				for (Item i : items)
					set(settings, i, next(gd, i));
				preview.settingsChanged(settings);
			}
			catch (GanException e) {
				preview.showProblem(e.getMessage());
			}
			finally {
				gd.resetCounters();
			}
		});
		extras.finish();
		try {
			gd.showDialog();
		}
		finally {
			if (preview != null) preview.close();
		}
		if (gd.wasCanceled()) return false;
		for (Item i : items)
			set(command, i, next(gd, i, options, get(command, i)));
		if (options == null) for (Item i : items)
			Prefs.set(prefsPrefix + "." + i.key(), text(get(command, i)));
		return true;
	}

	/**
	 * {@code command}'s fields as the macro options that would set them, in
	 * dialog order, leaving out the keys in {@code leaveOut}: {@code key=value}
	 * (in brackets when the value is empty or holds a space), a ticked checkbox
	 * as its bare word and an unticked one not at all.
	 */
	static String macroOptions(Object command, Set<String> leaveOut) {
		StringBuilder sb = new StringBuilder();
		for (Item i : dialogOrder(items(command.getClass()))) {
			if (leaveOut.contains(i.key())) continue;
			Object value = get(command, i);
			String word;
			if (i.type() == boolean.class) {
				if (!(Boolean) value) continue;
				word = i.key();
			}
			else {
				String v = text(value);
				word = i.key() + "=" + (v.isEmpty() || v.chars().anyMatch(
					Character::isWhitespace) ? "[" + v + "]" : v);
			}
			if (sb.length() > 0) sb.append(' ');
			sb.append(word);
		}
		return sb.toString();
	}

	/**
	 * Sets the fields named in {@code options} as a GenericDialog would; an
	 * absent checkbox is off.
	 */
	static void readOptions(Object command, List<Item> items, String options) {
		if (options == null) return;
		List<Word> words = words(options);
		for (Item i : items) {
			if (i.type() == boolean.class) set(command, i, ticked(words, i.key()));
			else {
				String value = value(words, i.key());
				if (value != null) set(command, i, parse(i, value));
			}
		}
	}

	/**
	 * Older keys of fields that were renamed, with the key each has now: a macro
	 * recorded with one gets the new key named.
	 */
	private static final Map<String, String> RENAMED_KEYS = Map.of("structn2v",
		"line");

	/**
	 * Refuses a key of {@code options} that names none of the fields: ImageJ's
	 * dialog would ignore it, and the command would run with the field's default
	 * (a misspelt {@code normalise=none} normalises by percentiles). A checkbox
	 * is a bare word, also checked; a checkbox given a value ({@code keep=true})
	 * is refused too, as ImageJ would read it as unticked.
	 *
	 * @param title the command, as the error names it
	 */
	static void refuseUnknownKeys(List<Item> items, String options,
		String title)
	{
		List<String> keys = items.stream().map(Item::key).toList();
		for (Word word : words(options)) {
			String key = word.key();
			if (word.value() != null && items.stream().anyMatch(i -> i.key().equals(
				key) && i.type() == boolean.class)) throw new GanException(title +
					": the macro key '" + key +
					"' is a checkbox and takes no value (ImageJ reads " + key +
					"=... as unticked): tick it with the bare word '" + key +
					"', untick it by leaving it out");
			if (keys.contains(key)) continue;
			String near = nearestKey(key, keys);
			throw new GanException(title + " has no field with the macro key '" +
				key + "'" + (near != null ? ": did you mean '" + near + "'?"
					: "; its keys are " + String.join(", ", keys)));
		}
	}

	/**
	 * One word of a macro options string: a checkbox's bare word has no value
	 * (null); {@code key=value} has the value as written, without the brackets or
	 * quotes around it.
	 */
	record Word(String key, String value) {
	}

	/**
	 * The words of a macro options string as ImageJ reads them: bare words
	 * (checkboxes), {@code key=value} up to the next space, {@code key=[value]}
	 * (which may hold spaces, {@code key=} and brackets of its own, in pairs) and
	 * {@code key='value'}. Both the unknown-key check and the values read come
	 * from here, so that a {@code key=} inside a bracketed value (a folder named
	 * {@code runs/seed=5 x/}) is part of that value, never a key of its own, as
	 * {@link Macro#getValue} would take it.
	 *
	 * @throws GanException for a bracket or quote that is never closed
	 */
	static List<Word> words(String options) {
		List<Word> words = new ArrayList<>();
		int n = options.length(), k = 0;
		while (k < n) {
			while (k < n && Character.isWhitespace(options.charAt(k)))
				k++;
			if (k >= n) break;
			int start = k;
			while (k < n && !Character.isWhitespace(options.charAt(k)) && options
				.charAt(k) != '=')
				k++;
			String key = options.substring(start, k);
			if (k >= n || options.charAt(k) != '=') {
				words.add(new Word(key, null));
				continue;
			}
			k++;
			if (k < n && options.charAt(k) == '[') {
				int open = k, depth = 0;
				do {
					char c = options.charAt(k++);
					if (c == '[') depth++;
					else if (c == ']') depth--;
				}
				while (k < n && depth > 0);
				if (depth > 0) throw new GanException("the macro value of '" + key +
					"' opens a bracket [ that is never closed: write " + key +
					"=[...] with its closing ]");
				words.add(new Word(key, options.substring(open + 1, k - 1)));
			}
			else if (k < n && options.charAt(k) == '\'') {
				int end = options.indexOf('\'', k + 1);
				if (end < 0) throw new GanException("the macro value of '" + key +
					"' opens a quote ' that is never closed: write " + key +
					"='...' with its closing '");
				words.add(new Word(key, options.substring(k + 1, end)));
				k = end + 1;
			}
			else {
				int begin = k;
				while (k < n && !Character.isWhitespace(options.charAt(k)))
					k++;
				words.add(new Word(key, options.substring(begin, k)));
			}
		}
		return words;
	}

	/**
	 * The value that {@code words} give {@code key}: the first {@code key=value},
	 * as ImageJ takes it, or null. A value {@code &name} is the running macro's
	 * variable {@code name}, as ImageJ's dialog reads it (left as written where
	 * the macro has no such variable).
	 */
	static String value(List<Word> words, String key) {
		for (Word w : words) {
			if (!w.key().equals(key) || w.value() == null) continue;
			String v = w.value();
			if (v.startsWith("&") && v.length() > 1) {
				Interpreter interp = Interpreter.getInstance();
				String variable = interp == null ? null : interp.getVariableAsString(v
					.substring(1));
				// a whole number as ImageJ's dialogs give it (4, not 4.0), so that a
				// numeric variable names a choice such as a scale
				if (variable != null && interp.getStringVariable(v.substring(
					1)) == null)
				{
					double number = interp.getVariable2(v.substring(1));
					if (number == Math.rint(number) && Math.abs(number) < 1e15)
						return Long.toString((long) number);
				}
				if (variable != null) return variable;
			}
			return v;
		}
		return null;
	}

	/** Whether {@code words} tick the checkbox {@code key} (its bare word). */
	static boolean ticked(List<Word> words, String key) {
		return words.stream().anyMatch(w -> w.key().equals(key) && w
			.value() == null);
	}

	/**
	 * The key of {@code keys} that {@code key} is a slip for (at most two letters
	 * off, or an older name of it), or null.
	 */
	private static String nearestKey(String key, List<String> keys) {
		String renamed = RENAMED_KEYS.get(key);
		if (renamed != null && keys.contains(renamed)) return renamed;
		String best = null;
		int bestDistance = 3;
		for (String k : keys) {
			int d = editDistance(key.toLowerCase(Locale.ROOT), k);
			if (d < bestDistance) {
				best = k;
				bestDistance = d;
			}
		}
		return best;
	}

	/** Levenshtein distance: letters inserted, deleted or replaced. */
	private static int editDistance(String a, String b) {
		int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++)
			prev[j] = j;
		for (int i = 1; i <= a.length(); i++) {
			cur[0] = i;
			for (int j = 1; j <= b.length(); j++)
				cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a
					.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
			int[] t = prev;
			prev = cur;
			cur = t;
		}
		return prev[b.length()];
	}

	/** Whether {@code type} takes the current image (an ImagePlus input). */
	static boolean takesImage(Class<?> type) {
		return parameterFields(type).stream().anyMatch(f -> f
			.getType() == ImagePlus.class && f.getAnnotation(Parameter.class)
				.type() == ItemIO.INPUT);
	}

	static void setImage(Object command, ImagePlus image) {
		for (Field f : parameterFields(command.getClass()))
			if (f.getType() == ImagePlus.class && f.getAnnotation(Parameter.class)
				.type() == ItemIO.INPUT) setField(command, f, image);
	}

	static List<ImagePlus> outputImages(Object command) {
		List<ImagePlus> outputs = new ArrayList<>();
		for (Field f : parameterFields(command.getClass()))
			if (f.getType() == ImagePlus.class && f.getAnnotation(Parameter.class)
				.type() != ItemIO.INPUT)
			{
				Object value = getField(command, f);
				if (value != null) outputs.add((ImagePlus) value);
			}
		return outputs;
	}

	private static void add(GenericDialog gd, Item i, Object value) {
		Class<?> t = i.type();
		if (t == boolean.class) gd.addCheckbox(i.label(), (Boolean) value);
		// the ImageJ patcher's headless dialog parses a numeric field's macro
		// value as it adds the field, and throws on a word (threads=4x) before
		// any message can name it: a string field, parsed by parse(), says which
		// field and what value
		else if (isNumber(i) && GraphicsEnvironment.isHeadless()) gd.addStringField(
			i.label(), text(value), 30);
		else if (t == int.class || t == long.class) gd.addNumericField(i.label(),
			((Number) value).doubleValue(), 0);
		else if (t == double.class) {
			double v = (Double) value;
			// 3 decimals would show a learning rate of 1e-4 as 0.000 (and read it
			// back as 0)
			gd.addNumericField(i.label(), v, v != 0 && Math.abs(v) < 0.01 ? -3 : 3);
		}
		else if (i.choices().length > 0) gd.addChoice(i.label(), offered(i, value)
			.toArray(String[]::new), shown(i, value));
		// the ImageJ patcher's headless dialog has no file fields; a string field
		// reads the same
		else if (i.isFolder() && !GraphicsEnvironment.isHeadless()) gd
			.addDirectoryField(i.label(), text(value), 30);
		else if (i.isFile() && !GraphicsEnvironment.isHeadless()) gd.addFileField(i
			.label(), text(value), 30);
		else gd.addStringField(i.label(), text(value), 30);
	}

	/** The choices the dialog offers for {@code i}, showing {@code value}. */
	private static List<String> offered(Item i, Object value) {
		List<String> choices = new ArrayList<>(Arrays.asList(i.choices()));
		// a value saved or typed outside the suggestions (cuda:1) stays
		// selectable
		if (i.suggestions() && value != null && !text(value).isBlank() && !choices
			.contains(text(value))) choices.add(text(value));
		return choices;
	}

	/** The choice the dialog shows for {@code i} when given {@code value}. */
	private static String shown(Item i, Object value) {
		List<String> choices = offered(i, value);
		return choices.contains(text(value)) ? text(value) : choices.get(0);
	}

	/**
	 * A fresh instance of {@code command}'s class, to read dialog values into
	 * without touching it.
	 */
	private static Object newInstance(Object command) {
		try {
			return command.getClass().getConstructor().newInstance();
		}
		catch (ReflectiveOperationException e) {
			throw new IllegalStateException(command.getClass() +
				" needs a public no-argument constructor", e);
		}
	}

	/**
	 * As {@link #next(GenericDialog, Item)}, in a macro with the value read from
	 * the options by {@link #words} rather than by the dialog: ImageJ's dialog
	 * reads each field with {@link Macro#getValue}, which takes the first
	 * {@code key=} in the options even inside another key's bracketed value,
	 * reads a word as NaN and 2.6 as 2.6 in a numeric field, and (the ImageJ
	 * patcher's headless dialog, Fiji --headless) puts its first choice in place
	 * of a word it does not list (cuda:1, cuda:strict, a choice in other
	 * capitals). The dialog's field still takes its turn; a key the options do
	 * not give keeps what the dialog shows for {@code current}, the value it was
	 * given.
	 *
	 * @param options the macro's options, or null
	 */
	private static Object next(GenericDialog gd, Item i, String options,
		Object current)
	{
		if (options == null) return next(gd, i);
		List<Word> words = words(options);
		skip(gd, i);
		if (i.type() == boolean.class) return ticked(words, i.key());
		String typed = value(words, i.key());
		if (typed != null) return parse(i, typed);
		return i.type() == String.class && i.choices().length > 0 ? parse(i, shown(
			i, current)) : current;
	}

	/** Moves the dialog past {@code i}'s field without reading its value. */
	private static void skip(GenericDialog gd, Item i) {
		Class<?> t = i.type();
		if (t == boolean.class) gd.getNextBoolean();
		else if (t == String.class && i.choices().length > 0) gd.getNextChoice();
		else if (t == String.class || t == File.class || isNumber(i) &&
			GraphicsEnvironment.isHeadless()) gd.getNextString();
		else gd.getNextNumber();
	}

	private static Object next(GenericDialog gd, Item i) {
		Class<?> t = i.type();
		if (t == boolean.class) return gd.getNextBoolean();
		if (t == String.class && i.choices().length > 0) return parse(i, gd
			.getNextChoice());
		if (t == String.class || t == File.class || isNumber(i) &&
			GraphicsEnvironment.isHeadless()) return parse(i, gd.getNextString());
		double v = gd.getNextNumber();
		if (gd.invalidNumber() || Double.isNaN(v)) throw new GanException(i.key() +
			" must be a number");
		if (t == int.class) return (int) whole(i, v, text(v), Integer.MIN_VALUE,
			Integer.MAX_VALUE);
		if (t == long.class) return whole(i, v, text(v), Long.MIN_VALUE,
			Long.MAX_VALUE);
		return v;
	}

	private static boolean isNumber(Item i) {
		Class<?> t = i.type();
		return t == int.class || t == long.class || t == double.class;
	}

	/**
	 * {@code v} as a whole number from {@code min} to {@code max}; refused
	 * otherwise (a count of 2.6 is a slip, not 3).
	 */
	private static long whole(Item i, double v, String text, long min, long max) {
		if (v != Math.rint(v)) throw new GanException(i.key() +
			" must be a whole number, not '" + text + "'");
		if (!(v >= min && v <= max)) throw new GanException(i.key() +
			" must be a whole number from " + min + " to " + max + ", not '" + text +
			"'");
		return (long) v;
	}

	static Object parse(Item i, String text) {
		Class<?> t = i.type();
		String s = text.trim();
		try {
			if (t == boolean.class) return Boolean.valueOf(s);
			if (t == int.class) return (int) whole(i, Double.parseDouble(s), text,
				Integer.MIN_VALUE, Integer.MAX_VALUE);
			if (t == long.class) {
				if (!s.matches("-?\\d+")) return whole(i, Double.parseDouble(s), text,
					Long.MIN_VALUE, Long.MAX_VALUE);
				try {
					return Long.parseLong(s);
				}
				catch (NumberFormatException e) { // too many digits
					throw new GanException(i.key() + " must be a whole number from " +
						Long.MIN_VALUE + " to " + Long.MAX_VALUE + ", not '" + text + "'");
				}
			}
			if (t == double.class) return Double.parseDouble(s);
		}
		catch (NumberFormatException e) {
			throw new GanException(i.key() + " must be a number, not '" + text + "'");
		}
		if (t == File.class) return s.isEmpty() ? null : new File(s);
		if (i.choices().length == 0) return text;
		// the choice written as given wins (an image titled 'cells' beside one
		// titled 'Cells'); one in other capitals only when it is the only one
		for (String choice : i.choices())
			if (choice.equals(s)) return choice;
		String match = null;
		for (String choice : i.choices()) {
			if (!choice.equalsIgnoreCase(s)) continue;
			if (match != null && !match.equals(choice)) throw new GanException("'" +
				text + "' is not a choice for " + i.key() + " as written, and '" +
				match + "' and '" + choice +
				"' differ from it only in capitals: write the one meant as it is");
			match = choice;
		}
		if (match != null) return match;
		if (i.suggestions()) return s;
		throw new GanException("'" + text + "' is not a choice for " + i.key() +
			": use one of " + String.join(", ", i.choices()));
	}

	private static String text(Object value) {
		if (value == null) return "";
		if (value instanceof File f) return f.getPath();
		return value.toString();
	}

	/**
	 * The {@code @Parameter} fields of {@code type}: superclass fields first,
	 * each class's in declaration order, except those that {@code type} names in
	 * {@link BeforeInherited}, which come right before its direct superclass's
	 * fields.
	 */
	private static List<Field> parameterFields(Class<?> type) {
		Deque<Class<?>> chain = new ArrayDeque<>();
		for (Class<?> c = type; c != null && c != Object.class; c = c
			.getSuperclass())
			chain.push(c);
		BeforeInherited before = type.getAnnotation(BeforeInherited.class);
		List<String> early = before == null ? List.of() : List.of(before.value());
		List<Field> fields = new ArrayList<>(), earlyFields = new ArrayList<>();
		for (Field f : type.getDeclaredFields())
			if (f.isAnnotationPresent(Parameter.class) && early.contains(f.getName()))
				earlyFields.add(f);
		if (earlyFields.size() != early.size()) throw new IllegalStateException(
			type + ": @BeforeInherited " + early +
				" names a field that is not one of its own @Parameter fields");
		for (Class<?> c : chain) {
			if (c == type.getSuperclass()) fields.addAll(earlyFields);
			for (Field f : c.getDeclaredFields())
				if (f.isAnnotationPresent(Parameter.class) && !earlyFields.contains(f))
					fields.add(f);
		}
		return fields;
	}

	private static Object get(Object command, Item i) {
		return getField(command, i.field());
	}

	private static void set(Object command, Item i, Object value) {
		setField(command, i.field(), value);
	}

	private static Object getField(Object command, Field f) {
		try {
			f.setAccessible(true);
			return f.get(command);
		}
		catch (IllegalAccessException e) {
			throw new IllegalStateException(e);
		}
	}

	private static void setField(Object command, Field f, Object value) {
		try {
			f.setAccessible(true);
			f.set(command, value);
		}
		catch (IllegalAccessException e) {
			throw new IllegalStateException(e);
		}
	}
}


package org.fijigan.imagej;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.fijigan.core.GanException;

import ij.IJ;
import ij.Menus;

/**
 * The menu entries of this plugin's {@code plugins.config}, and a way to make
 * them runnable by {@code IJ.run} where ImageJ did not scan a plugins folder
 * (tests, scripts, an embedding application).
 */
public final class PluginsConfig {

	/**
	 * One line:
	 * {@code Plugins>GAN, "Denoise...", org.fijigan.imagej.GanPlugIn("denoise")}.
	 */
	public record Entry(String menuPath, String command, String className,
			String argument) {

		/** The class-and-argument text ImageJ keeps in its command table. */
		public String target() {
			return argument == null ? className : className + "(\"" + argument +
				"\")";
		}
	}

	private static final Pattern LINE = Pattern.compile(
		"\\s*([^,]+?)\\s*,\\s*\"([^\"]+)\"\\s*,\\s*([\\w.$]+)(?:\\(\"([^\"]*)\"\\))?\\s*");

	private PluginsConfig() {}

	/** The entries of the bundled {@code plugins.config}, in file order. */
	public static List<Entry> entries() {
		List<Entry> entries = new ArrayList<>();
		try (InputStream in = PluginsConfig.class.getResourceAsStream(
			"/plugins.config"))
		{
			if (in == null) throw new IllegalStateException(
				"plugins.config is missing from the jar");
			BufferedReader reader = new BufferedReader(new InputStreamReader(in,
				StandardCharsets.UTF_8));
			for (String line = reader.readLine(); line != null; line = reader
				.readLine())
			{
				if (line.isBlank() || line.startsWith("#")) continue;
				Matcher m = LINE.matcher(line);
				if (!m.matches()) throw new IllegalStateException(
					"plugins.config: cannot read '" + line + "'");
				entries.add(new Entry(m.group(1), m.group(2), m.group(3), m.group(4)));
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return entries;
	}

	/**
	 * Adds every entry to ImageJ's command table (initialising ImageJ's menus
	 * first if nothing has), so that {@code IJ.run("Denoise...", options)} works.
	 * Harmless when the entries are there.
	 *
	 * @throws GanException when ImageJ's command table cannot be set up (headless
	 *           without the ImageJ patcher that Fiji's --headless mode applies)
	 */
	public static void registerWithImageJ() {
		@SuppressWarnings("unchecked")
		Hashtable<String, String> commands = Menus.getCommands();
		if (commands == null) {
			initialiseImageJ();
			commands = Menus.getCommands();
		}
		for (Entry e : entries())
			commands.put(e.command(), e.target());
	}

	/**
	 * What {@code IJ.run} does the first time when no ImageJ window exists
	 * (IJ.init is not public).
	 */
	private static void initialiseImageJ() {
		try {
			Method init = IJ.class.getDeclaredMethod("init");
			init.setAccessible(true);
			init.invoke(null);
		}
		catch (InvocationTargetException e) {
			throw new GanException("ImageJ's menus could not be set up (" + e
				.getCause() +
				"); headless, run under Fiji --headless or with the ImageJ patcher", e
					.getCause());
		}
		catch (ReflectiveOperationException | RuntimeException e) {
			throw new GanException("ImageJ's menus could not be set up: " + e, e);
		}
		if (Menus.getCommands() == null) throw new GanException(
			"ImageJ's command table is missing");
	}
}


package org.fijigan.imagej;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ExecutionProvider;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.model.InstalledModel;
import org.fijigan.core.model.ModelLoader;

import ij.Prefs;

/**
 * What a dialog offers beside its text fields: the models this installation
 * knows (bundled, installed by Manage Models, recently used) and the devices
 * this machine can load. Choosing a model only fills the {@code model} field,
 * so a macro records and replays the model itself.
 */
final class ModelChoices {

	/** The entry that leaves the model field as typed or browsed. */
	static final String TYPED = "(type a path or Browse...)";
	/** How many recently used models the dialogs remember. */
	static final int RECENT_MAX = 8;
	private static final String RECENT_KEY = "fiji-gan.recent-models";

	private ModelChoices() {}

	/**
	 * The chooser's entries, label to model value, in the order shown:
	 * {@link #TYPED}, then bundled, installed and recent models; a model listed
	 * earlier is not repeated, and one that is both bundled and installed (in
	 * Fiji both live in models/) is listed as installed.
	 */
	static Map<String, String> entries(List<String> bundled,
		List<String> installed, List<String> recent)
	{
		Map<String, String> entries = new LinkedHashMap<>();
		entries.put(TYPED, "");
		List<String> seen = new ArrayList<>();
		List<String> onlyBundled = new ArrayList<>(bundled);
		onlyBundled.removeAll(installed);
		add(entries, seen, "bundled: ", onlyBundled);
		add(entries, seen, "installed: ", installed);
		add(entries, seen, "recent: ", recent);
		return entries;
	}

	private static void add(Map<String, String> entries, List<String> seen,
		String prefix, List<String> models)
	{
		for (String m : models)
			if (m != null && !m.isBlank() && !seen.contains(m)) {
				seen.add(m);
				entries.put(prefix + m, m);
			}
	}

	/**
	 * {@link #entries} for this installation: its models folder and ImageJ's
	 * prefs.
	 */
	static Map<String, String> entries() {
		FijiModels.useForNames();
		List<String> installed = new ArrayList<>();
		try {
			for (InstalledModel m : FijiModels.store(null).list())
				if (m.problem() == null) installed.add(m.name());
		}
		catch (GanException e) {
			// an unreadable models folder offers no installed models; the field still
			// works
		}
		return entries(ModelLoader.bundledNames(), installed, recent());
	}

	/** The recently used models, newest first. */
	static List<String> recent() {
		String saved = Prefs.get(RECENT_KEY, "");
		List<String> list = new ArrayList<>();
		for (String s : saved.split("\n"))
			if (!s.isBlank()) list.add(s);
		return list;
	}

	/**
	 * {@code recent} with {@code model} first, at most {@link #RECENT_MAX} long.
	 */
	static List<String> withRecent(List<String> recent, String model) {
		List<String> list = new ArrayList<>(recent);
		list.remove(model);
		list.add(0, model);
		return list.size() > RECENT_MAX ? list.subList(0, RECENT_MAX) : list;
	}

	/** Remembers a model that ran, for the next dialog's chooser. */
	static void remember(String model) {
		if (model == null || model.isBlank()) return;
		Prefs.set(RECENT_KEY, String.join("\n", withRecent(recent(), model
			.trim())));
	}

	/**
	 * {@code auto}, then the providers whose libraries load here (cpu at least),
	 * then each GPU one of them in strict mode ({@code cuda:strict}: no CPU
	 * fallback).
	 */
	static String[] devices() {
		return devices(ModelSession.loadableProviders());
	}

	static String[] devices(List<ExecutionProvider> loadable) {
		List<String> ids = new ArrayList<>(List.of("auto"));
		for (ExecutionProvider p : loadable)
			ids.add(p.id());
		for (ExecutionProvider p : loadable)
			if (p != ExecutionProvider.CPU) ids.add(new DeviceSpec(p, 0, true)
				.toString());
		return ids.toArray(String[]::new);
	}
}

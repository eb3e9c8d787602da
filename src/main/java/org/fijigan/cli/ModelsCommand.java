
package org.fijigan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.fijigan.core.model.InstalledModel;
import org.fijigan.core.model.ModelStore;

import org.fijigan.core.text.Printable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The models folder: {@code models} and {@code models list} list it,
 * {@code models install} and {@code models remove} change it (see
 * {@link ModelStore}). An installed model is then passed to {@code --model} by
 * its name.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
	description = "List the installed models (pass a name to --model); install or remove one.",
	subcommands = { ModelsCommand.ListCommand.class,
		ModelsCommand.InstallCommand.class, ModelsCommand.RemoveCommand.class })
final class ModelsCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() {
		return list(spec, null);
	}

	/**
	 * The store at {@code dir}, or the models folder that {@code --model NAME}
	 * searches.
	 */
	static ModelStore store(Path dir) {
		return dir == null ? ModelStore.standard() : new ModelStore(dir);
	}

	static int list(CommandSpec spec, Path dir) {
		PrintWriter out = spec.commandLine().getOut();
		ModelStore store = store(dir);
		List<InstalledModel> models = store.list();
		if (models.isEmpty()) out.println("no models in " + store.root() +
			" (neither bundled nor installed); install one with 'models install', or pass --model FILE.onnx, rdf.yaml or .zip");
		for (InstalledModel m : models)
			print(out, m);
		out.flush();
		return 0;
	}

	private static void print(PrintWriter out, InstalledModel m) {
		String about = m.problem() != null ? "(cannot be read: " + m.problem() + ")"
			: !m.description().isEmpty() ? m.description() : m.card().isEmpty() ? ""
				: m.card().get(0);
		// the descriptor's and card's text on one line each, control characters
		// escaped
		out.println(String.format("%-28s %-11s %s", Printable.of(m.name()), m
			.format(), Printable.of(about.lines().findFirst().orElse("").strip()))
			.stripTrailing());
		if (!m.title().equals(m.name())) out.println("    name: " + Printable.of(m
			.title()));
		for (String line : m.card())
			if (!line.equals(about)) out.println("    " + Printable.of(line));
		out.println("    " + Printable.of(m.folder().toString()));
	}

	@Command(name = "list", mixinStandardHelpOptions = true,
		description = "List the installed models with their descriptions and model cards.")
	static final class ListCommand implements Callable<Integer>,
		ResultOnStandardOutput
	{

		@Override
		public boolean resultOnStandardOutput() {
			return true;
		}

		@Spec
		CommandSpec spec;

		@Option(names = "--dir", paramLabel = "DIR",
			description = "The models folder (default: the one --model NAME searches).")
		Path dir;

		@Override
		public Integer call() {
			return list(spec, dir);
		}
	}

	@Command(name = "install", mixinStandardHelpOptions = true, description = {
		"Install a model from a folder with an rdf.yaml, an .onnx file, a bioimage.io .zip, or an http(s) URL.",
		"Nothing is installed unless the whole model arrived and every checksum matches." })
	static final class InstallCommand implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Parameters(paramLabel = "SOURCE",
			description = "Folder, .onnx, .zip, or http(s):// URL.")
		String source;

		@Option(names = "--name", paramLabel = "N",
			description = "Name in the models folder (default: from the file name).")
		String name;

		@Option(names = "--sha256", paramLabel = "H",
			description = "Expected SHA-256 of the file (of the ONNX weights for a folder).")
		String sha256;

		@Option(names = "--dir", paramLabel = "DIR",
			description = "The models folder (default: the one --model NAME searches).")
		Path dir;

		@Override
		public Integer call() {
			PrintWriter out = spec.commandLine().getOut();
			InstalledModel m;
			try (ConsoleProgress progress = ConsoleProgress.toTerminal(spec
				.commandLine().getErr()))
			{
				m = store(dir).install(source, name, sha256, progress, null);
			}
			out.println("installed " + m.name() + " (" + m.format() + ") in " + m
				.folder());
			boolean searched = m.folder().getParent().equals(ModelStore.standard()
				.root());
			out.println("use it with --model " + (searched ? m.name() : m.folder()
				.toString()));
			out.flush();
			return 0;
		}
	}

	@Command(name = "remove", mixinStandardHelpOptions = true,
		description = "Delete an installed model.")
	static final class RemoveCommand implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Parameters(paramLabel = "NAME",
			description = "The model's name, as 'models list' shows it.")
		String name;

		@Option(names = "--dir", paramLabel = "DIR",
			description = "The models folder (default: the one --model NAME searches).")
		Path dir;

		@Override
		public Integer call() {
			ModelStore store = store(dir);
			store.remove(name);
			spec.commandLine().getOut().println("removed " + name + " from " + store
				.root());
			spec.commandLine().getOut().flush();
			return 0;
		}
	}

}

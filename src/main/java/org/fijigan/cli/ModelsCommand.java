package org.fijigan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.fijigan.core.model.ModelLoader;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists the bundled models: the folders holding an {@code rdf.yaml} in the models folder. */
@Command(name = "models", mixinStandardHelpOptions = true,
	description = "List the bundled models; pass a name to --model.")
final class ModelsCommand implements Callable<Integer> {
	@Spec
	CommandSpec spec;

	@Override
	public Integer call() {
		PrintWriter out = spec.commandLine().getOut();
		Path dir = ModelLoader.modelsDir().toAbsolutePath();
		List<String> names = ModelLoader.bundledNames();
		if (names.isEmpty()) out.println("no models are bundled yet (looked in " + dir +
			"); pass --model FILE.onnx, rdf.yaml or .zip");
		for (String name : names)
			out.printf("%-28s %s%n", name, dir.resolve(name).resolve("rdf.yaml"));
		out.flush();
		return 0;
	}
}

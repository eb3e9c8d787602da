
package org.fijigan.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "info", mixinStandardHelpOptions = true,
	description = "Describe a model as fiji-gan reads it (after any overrides given), and the " +
		"execution providers this installation has.")
final class InfoCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Mixin
	ModelOptions model;

	@Override
	public Integer call() {
		ModelDescriptor d = ModelLoader.load(model.reference, model.overrides(
			null));
		PrintWriter out = spec.commandLine().getOut();
		out.println(ModelLoader.describe(d).stripTrailing());
		out.flush();
		return 0;
	}
}


package org.fijigan.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.fijigan.core.GanException;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.model.ModelLoader;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "info", mixinStandardHelpOptions = true,
	description = "Describe a model as fiji-gan reads it (after any overrides given), and the " +
		"execution providers this installation has.")
final class InfoCommand implements Callable<Integer>, ResultOnStandardOutput {

	@Override
	public boolean resultOnStandardOutput() {
		return true;
	}

	@Spec
	CommandSpec spec;

	@Mixin
	ModelOptions model;

	@Override
	public Integer call() {
		ModelDescriptor d = ModelLoader.load(model.reference, model.overrides(
			null));
		ModelLoader.Report report = ModelLoader.report(d, Normalization
			.recordedProblem(d));
		PrintWriter out = spec.commandLine().getOut();
		out.println(report.text().stripTrailing());
		out.flush();
		// described, but unusable: a script checking models sees it in the status
		if (report.problem() != null) throw new GanException(report.problem());
		return 0;
	}
}

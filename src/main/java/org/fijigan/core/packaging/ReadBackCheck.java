
package org.fijigan.core.packaging;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.fijigan.core.GanException;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.bioimage.ProcessingStep;
import org.fijigan.core.model.bioimage.ProcessingStep.EnsureDtype;
import org.fijigan.core.model.bioimage.ProcessingStep.ScaleLinear;
import org.fijigan.core.model.bioimage.ProcessingStep.ScaleRange;

/**
 * The last step of packaging: the written descriptor must load back as the
 * model that was packaged.
 */
final class ReadBackCheck {

	private ReadBackCheck() {}

	/**
	 * Throws unless {@code loaded} is the model that was packaged, with
	 * {@code steps} as its preprocessing.
	 */
	static void check(ModelDescriptor packaged, List<ProcessingStep> steps,
		ModelDescriptor loaded)
	{
		List<String> diff = new ArrayList<>();
		compare(diff, "task", packaged.task(), loaded.task());
		compare(diff, "scale", packaged.scale(), loaded.scale());
		compare(diff, "halo", packaged.haloPixels(), loaded.haloPixels());
		compare(diff, "value range", packaged.inputRange(), loaded.inputRange());
		compare(diff, "output value range", packaged.outputRange(), loaded
			.outputRange());
		compare(diff, "output", packaged.outputTransform(), loaded
			.outputTransform());
		compare(diff, "output axes", packaged.outputLayout(), loaded
			.outputLayout());
		compare(diff, "output channels", packaged.outputChannels(), loaded
			.outputChannels());
		if (packaged.kind() instanceof ModelKind.Generator ga && loaded
			.kind() instanceof ModelKind.Generator gb)
		{
			GeneratorSpec a = ga.spec(), b = gb.spec();
			compare(diff, "latent input", a.latentInput() + Arrays.toString(a
				.latentShape()), b.latentInput() + Arrays.toString(b.latentShape()));
			compare(diff, "class input", a.classInput(), b.classInput());
			compare(diff, "classes", a.classCount() + " " + a.classNames(), b
				.classCount() + " " + b.classNames());
		}
		else compare(diff, "inputs", packaged.kind(), loaded.kind()); // image input
																																	// and mask
		compare(diff, "preprocessing", describe(steps), describe(loaded
			.preprocessing()));
		// none written; for an integer output, format 0.5 implies a cast to its
		// type
		String outType = TestRun.outputType(packaged);
		compare(diff, "postprocessing", outType.startsWith("float") ? "[]"
			: "[ensure_dtype " + outType + "]", describe(loaded.postprocessing()));
		if (!diff.isEmpty()) throw new GanException("the written " +
			PackageWriter.RDF + " does not read back as the model " + "packaged (" +
			String.join("; ", diff) + "); this is a fiji-gan bug: please report it");
	}

	private static void compare(List<String> diff, String what, Object packaged,
		Object loaded)
	{
		if (!Objects.equals(packaged, loaded)) diff.add(what + " " + packaged +
			" reads back as " + loaded);
	}

	private static String describe(List<ProcessingStep> steps) {
		List<String> s = new ArrayList<>();
		for (ProcessingStep p : steps) {
			if (p instanceof ScaleRange r) s.add("scale_range " + r.minPercentile() +
				".." + r.maxPercentile() + " eps " + r.eps() + " axes " + r.axes());
			else if (p instanceof ScaleLinear l) s.add("scale_linear " + Arrays
				.toString(l.gain()) + " " + Arrays.toString(l.offset()));
			else if (p instanceof EnsureDtype e) s.add("ensure_dtype " + e
				.dataType());
			else s.add(p.describe());
		}
		return s.toString();
	}
}

package org.fijigan.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.ValueInfo;
import org.fijigan.core.model.bioimage.BioImageModel;
import org.fijigan.core.model.bioimage.BioImageRdf;

/**
 * Re-runs a bioimage.io package's test tensors in ONNX Runtime, as bioimage.io's own test does,
 * minus the preprocessing (fiji-gan's packages hold the tensors as fed to the model): each test
 * input goes to its model input, and the first output is compared with the test output.
 */
public final class PackageTensors {
	/**
	 * @param maxAbsDiff largest absolute difference between the run and the test output
	 * @param outputRange max - min of the test output (1 when flat)
	 * @param shape the test output's shape
	 */
	public record Check(double maxAbsDiff, double outputRange, long[] shape) {
		public double relativeError() {
			return maxAbsDiff / outputRange;
		}
	}

	private PackageTensors() {}

	/** Loads the package (SHA-256 checked), runs its test inputs and compares with its test output. */
	public static Check run(Path rdfYaml) {
		ModelDescriptor d = ModelLoader.load(rdfYaml.toString(), ModelOverrides.NONE);
		BioImageModel rdf = BioImageRdf.read(rdfYaml);
		if (rdf.testInputs().size() != rdf.inputs().size() || rdf.testOutputs().isEmpty()) throw new AssertionError(
			rdfYaml + ": every input and the output need a test tensor");
		// rdf input i feeds the ONNX input of its id, or else the one of its role, in fiji-gan's order
		List<String> roles = new ArrayList<>();
		if (d.kind() instanceof ModelKind.Generator g) {
			roles.add(g.spec().latentInput());
			if (g.spec().classInput() != null) roles.add(g.spec().classInput());
		}
		else {
			roles.add(d.image().name());
			if (d.kind() instanceof ModelKind.Inpainting k && k.mask().inputName() != null) roles.add(k.mask()
				.inputName());
		}
		List<String> graphInputs = d.graph().inputs().stream().map(ValueInfo::name).toList();
		Map<String, Tensor> feeds = new LinkedHashMap<>();
		for (int i = 0; i < rdf.inputs().size(); i++) {
			String id = rdf.inputs().get(i).id();
			String name = graphInputs.contains(id) ? id : roles.get(i);
			NpyArray a = Npy.read(rdf.testInputs().get(i));
			boolean integer = a.dtype() == NpyArray.DType.INT64 || a.dtype() == NpyArray.DType.INT32;
			feeds.put(name, integer ? Tensor.ofLongs(a.toLongArray(), a.shape()) : Tensor.of(a.toFloatArray(), a
				.shape()));
		}
		NpyArray expected = Npy.read(rdf.testOutputs().get(0));
		Tensor actual;
		try (ModelSession s = ModelSession.open(d.onnxFile(), DeviceSpec.CPU, 1)) {
			actual = s.run(feeds, List.of(d.outputName()), CancellationToken.none()).get(d.outputName());
		}
		if (!Arrays.equals(expected.shape(), actual.shape())) throw new AssertionError(rdfYaml + ": the model gives " +
			Arrays.toString(actual.shape()) + ", the test output is " + Arrays.toString(expected.shape()));
		float[] e = expected.toFloatArray(), a = actual.floats();
		double diff = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		for (int i = 0; i < e.length; i++) {
			diff = Math.max(diff, Math.abs((double) e[i] - a[i]));
			min = Math.min(min, e[i]);
			max = Math.max(max, e[i]);
		}
		return new Check(diff, max > min ? max - min : 1, expected.shape());
	}
}

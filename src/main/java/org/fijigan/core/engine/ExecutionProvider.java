
package org.fijigan.core.engine;

import java.util.Locale;

import ai.onnxruntime.OrtProvider;

/**
 * The ONNX Runtime execution providers a user can ask for, by the names the CLI
 * and dialogs use.
 */
public enum ExecutionProvider {

		CPU("cpu", OrtProvider.CPU), CUDA("cuda", OrtProvider.CUDA), TENSORRT(
			"tensorrt", OrtProvider.TENSOR_RT), DIRECTML("directml",
				OrtProvider.DIRECT_ML), COREML("coreml", OrtProvider.CORE_ML), ROCM(
					"rocm", OrtProvider.ROCM), OPENVINO("openvino",
						OrtProvider.OPEN_VINO);

	private final String id;
	private final OrtProvider ort;

	ExecutionProvider(String id, OrtProvider ort) {
		this.id = id;
		this.ort = ort;
	}

	/** The lower-case name used on the command line, e.g. {@code cuda}. */
	public String id() {
		return id;
	}

	OrtProvider ortProvider() {
		return ort;
	}

	/**
	 * Whether a device index ({@code cuda:1}) means something for this provider.
	 */
	public boolean takesDeviceIndex() {
		return this == CUDA || this == TENSORRT || this == DIRECTML || this == ROCM;
	}

	public static ExecutionProvider byId(String id) {
		String s = id.toLowerCase(Locale.ROOT);
		for (ExecutionProvider p : values())
			if (p.id.equals(s)) return p;
		return null;
	}
}


package org.fijigan.core.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether an execution provider can load on this machine, told before ONNX
 * Runtime is asked to load it, and remembered for the rest of the process.
 * <p>
 * On Linux, a provider library in the {@link OnnxRuntimeSetup} folder is
 * checked for the shared libraries it depends on ({@link ElfDependencies}, plus
 * cuDNN, which the CUDA provider loads only when it runs) with a
 * {@link SharedLibrarySearch}: where the CUDA runtime or cuDNN is missing, the
 * provider is skipped without mapping its hundreds of megabytes. Elsewhere, and
 * where the check finds everything, ONNX Runtime has the last word; a provider
 * that it fails to load is {@link #failed remembered}, so that the next session
 * (the next image of a batch, the next preview) goes straight to the CPU. A
 * provider that was found missing stays so until the process ends, even if its
 * libraries are installed meanwhile. Thread-safe.
 */
final class ProviderCheck {

	/**
	 * Loaded by ONNX Runtime 1.29's CUDA provider only when it runs, so not among
	 * its ELF dependencies; the GPU build needs cuDNN 9.
	 */
	static final String CUDNN = "libcudnn.so.9";

	private static final Map<ExecutionProvider, String> unavailable =
		new EnumMap<>(ExecutionProvider.class);

	private ProviderCheck() {}

	/**
	 * Why {@code p} cannot load here, in words for a note
	 * ({@code "cuda skipped: " + reason}), or null when it may load.
	 */
	static synchronized String whyNot(ExecutionProvider p) {
		if (p == ExecutionProvider.CPU) return null;
		String known = unavailable.get(p);
		if (known == null) {
			known = missingLibraries(p, OnnxRuntimeSetup.prepare().folder());
			if (known != null) unavailable.put(p, known);
		}
		return known;
	}

	/**
	 * Remembers that ONNX Runtime could not load {@code p}, for {@link #whyNot}
	 * to answer from now on.
	 */
	static synchronized void failed(ExecutionProvider p, String reason) {
		if (p != ExecutionProvider.CPU) unavailable.putIfAbsent(p,
			"it failed to load earlier in this process (" + reason + ")");
	}

	/** Forgets everything remembered; for tests. */
	static synchronized void forget() {
		unavailable.clear();
	}

	/**
	 * The provider libraries of {@code p} in ONNX Runtime's jar, by the names its
	 * loader uses.
	 */
	static List<String> providerLibraries(ExecutionProvider p) {
		return switch (p) {
			case CUDA -> List.of("onnxruntime_providers_cuda");
			case TENSORRT -> List.of("onnxruntime_providers_tensorrt",
				"onnxruntime_providers_cuda");
			case ROCM -> List.of("onnxruntime_providers_rocm");
			case OPENVINO -> List.of("onnxruntime_providers_openvino");
			default -> List.of();
		};
	}

	/**
	 * Why {@code p}'s libraries in {@code folder} cannot load here, or null when
	 * nothing is found missing (or nothing can be told: not Linux, no such
	 * library in the folder, not readable).
	 */
	static String missingLibraries(ExecutionProvider p, Path folder) {
		if (folder == null || !System.getProperty("os.name", "").toLowerCase(
			Locale.ROOT).contains("linux")) return null;
		List<String> names = providerLibraries(p);
		if (names.isEmpty()) return null;
		List<String> needed = new ArrayList<>(), runPath = new ArrayList<>();
		for (String name : names) {
			Path file = folder.resolve(OnnxRuntimeBundle.fileName(name));
			if (!Files.isRegularFile(file)) return null;
			try {
				ElfDependencies d = ElfDependencies.read(file);
				needed.addAll(d.needed());
				runPath.addAll(d.searchPath());
			}
			catch (IOException e) {
				return null;
			}
		}
		if (p == ExecutionProvider.CUDA || p == ExecutionProvider.TENSORRT) needed
			.add(CUDNN);
		return describe(SharedLibrarySearch.forThisProcess(folder, runPath).missing(
			needed), needed);
	}

	/**
	 * "libcudart.so.12, libcudnn.so.9 not found (...)" or null when none is
	 * missing.
	 */
	static String describe(List<String> missing, List<String> needed) {
		if (missing.isEmpty()) return null;
		missing = new ArrayList<>(missing);
		missing.sort(Comparator.comparingInt(ProviderCheck::rank)); // stable: the
																																// rest keep
																																// their order
		int shown = Math.min(3, missing.size());
		String list = String.join(", ", missing.subList(0, shown)) + (missing
			.size() > shown ? " and " + (missing.size() - shown) + " more" : "");
		String cuda = major(needed, "libcudart.so."), cudnn = major(needed,
			"libcudnn.so.");
		String hint = cuda == null ? "" : "; it needs the NVIDIA driver, CUDA " +
			cuda + (cudnn == null ? "" : " and cuDNN " + cudnn);
		return list + " not found on the library path (LD_LIBRARY_PATH, ldconfig)" +
			hint;
	}

	/**
	 * The driver, the runtime and cuDNN say the most about what to install: they
	 * are named first.
	 */
	private static int rank(String soname) {
		for (int i = 0; i < FIRST_NAMED.size(); i++)
			if (soname.startsWith(FIRST_NAMED.get(i))) return i;
		return FIRST_NAMED.size();
	}

	private static final List<String> FIRST_NAMED = List.of("libcuda.so",
		"libcudart.so", "libcudnn.so");

	private static String major(List<String> sonames, String prefix) {
		for (String s : sonames)
			if (s.startsWith(prefix)) return s.substring(prefix.length());
		return null;
	}
}


package org.fijigan.core.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;

/**
 * What an untrusted ONNX file must pass before fiji-gan reads its metadata or
 * hands it to ONNX Runtime: only standard operator domains (and the model's own
 * functions, which are built of them), external data only inside the model's
 * folder, no axis declared larger than
 * {@link ModelLoader#MAX_DECLARED_DIMENSION}, and no {@code fiji-gan.*}
 * metadata value longer than {@link #MAX_META_VALUE_CHARS}. Each refusal names
 * the model and the problem.
 */
final class ModelFileChecks {

	private static final List<String> KNOWN_DOMAINS = List.of("", "ai.onnx",
		"ai.onnx.ml", "com.microsoft");
	/** Longest value of a {@code fiji-gan.*} metadata key that is read. */
	static final int MAX_META_VALUE_CHARS = 64 * 1024;

	private ModelFileChecks() {}

	/**
	 * @throws GanException for the first check {@code g}, read from {@code onnx},
	 *           fails
	 */
	static void check(Path onnx, OnnxGraphInfo g) {
		for (String d : g.nonStandardDomains())
			if (!KNOWN_DOMAINS.contains(d)) throw new GanException("model " + onnx
				.getFileName() + " uses custom operators of domain '" + d +
				"', which fiji-gan does not load");
		checkExternalData(onnx, g.externalDataLocations());
		for (List<ValueInfo> list : List.of(g.inputs(), g.outputs()))
			for (ValueInfo v : list)
				for (long d : v.dims()) {
					if (d > ModelLoader.MAX_DECLARED_DIMENSION) throw new GanException(
						"model " + onnx.getFileName() + " declares '" + v.name() +
							"' with shape " + v.shapeString() +
							"; fiji-gan refuses axes over " +
							ModelLoader.MAX_DECLARED_DIMENSION);
					// -1 stands for a symbolic size; 0 or another negative was declared
					if (d == 0 || d < -1) throw new GanException("model " + onnx
						.getFileName() + " declares '" + v.name() + "' with shape " + v
							.shapeString() + ": an axis of size " + d +
						" holds no values, so no image fits it");
				}
		for (Map.Entry<String, String> e : g.metadata().entrySet())
			if (e.getKey().startsWith("fiji-gan.") && e.getValue()
				.length() > MAX_META_VALUE_CHARS) throw new GanException("model " + onnx
					.getFileName() + ": metadata " + e.getKey() + " is " + e.getValue()
						.length() + " characters long; at most " + MAX_META_VALUE_CHARS +
					" are read");
	}

	/**
	 * Every external-data file must be a relative path that stays inside the
	 * model's folder, also after following symbolic links, and must exist: ONNX
	 * Runtime opens these files itself, so a model that names {@code /etc/shadow}
	 * or {@code ../../secret} is refused before it gets there.
	 */
	static void checkExternalData(Path onnx, List<String> locations) {
		if (locations.isEmpty()) return;
		String name = onnx.getFileName().toString();
		Path folder = onnx.toAbsolutePath().normalize().getParent();
		Path realFolder;
		try {
			realFolder = folder.toRealPath();
		}
		catch (IOException e) {
			throw new GanException("cannot resolve the folder of model " + name +
				": " + e.getMessage(), e);
		}
		for (String loc : locations) {
			String refusal = "model " + name +
				" refers to external data outside its folder: '" + loc + "'";
			if (loc.isEmpty()) throw new GanException("model " + name +
				" has a tensor stored as external data without a location");
			if (loc.indexOf('\0') >= 0 || loc.startsWith("/") || loc.startsWith(
				"\\") || loc.matches("[A-Za-z]:.*") || List.of(loc.split("[/\\\\]"))
					.contains("..")) throw new GanException(refusal);
			Path p;
			try {
				p = Path.of(loc);
			}
			catch (java.nio.file.InvalidPathException e) {
				throw new GanException(refusal, e);
			}
			Path resolved = folder.resolve(p).normalize();
			if (p.isAbsolute() || !resolved.startsWith(folder))
				throw new GanException(refusal);
			Path real;
			try {
				real = resolved.toRealPath();
			}
			catch (IOException e) {
				throw new GanException("model " + name +
					" keeps weights in external data file '" + loc +
					"', which is missing from " + folder, e);
			}
			if (!real.startsWith(realFolder)) throw new GanException(refusal +
				" (a link to " + real + ")");
			if (!Files.isRegularFile(real)) throw new GanException("model " + name +
				" names external data '" + loc + "', which is not a file");
		}
	}
}

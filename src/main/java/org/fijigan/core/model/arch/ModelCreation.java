
package org.fijigan.core.model.arch;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * Writes a freshly initialised model to a file: what {@code create-model} and
 * Fiji's Create Model command both do. The model is checked by the loader
 * before the output appears, and the output is written atomically, so a refused
 * request leaves nothing behind.
 */
public final class ModelCreation {

	/**
	 * The classes of a conditional generator.
	 *
	 * @param count how many (0: unconditional)
	 * @param names their names, empty when only the count was given
	 */
	public record Classes(int count, List<String> names) {

		public static final Classes NONE = new Classes(0, List.of());

		public Classes {
			names = List.copyOf(names);
		}

		/**
		 * A number of classes, or their names separated by commas (each a folder
		 * name, given once); blank or null for none.
		 */
		public static Classes parse(String text) {
			if (text == null || text.isBlank()) return NONE;
			String t = text.trim();
			if (t.matches("[+-]?\\d+")) {
				BigInteger n = new BigInteger(t);
				if (n.signum() < 0 || n.bitLength() > 31) throw new GanException(
					"classes must be a number from 0 to 10000, or their names, not " + t);
				return new Classes(n.intValue(), List.of()); // ArchitectureOptions
																											// bounds it
			}
			List<String> names = List.of(t.split("\\s*,\\s*", -1));
			for (String n : names) {
				// each names a training-data subfolder (fine-tune --task generate)
				// (one starting with '.' would be a hidden folder, which is not read)
				if (n.isEmpty() || n.startsWith(".") || n.chars().anyMatch(
					c -> c == '/' || c == '\\' || Character.isISOControl(c)))
					throw new GanException(
						"class names must be folder names, without /, \\ or control " +
							"characters, not empty and not starting with '.' (a hidden " +
							"folder, which is not read): got '" + n + "' in " + t);
			}
			GeneratorSpec.requireDistinctClassNames(names, t);
			GeneratorSpec.requireLabelClassNames(names, t);
			return new Classes(names.size(), names);
		}
	}

	/**
	 * What was written.
	 *
	 * @param output the model file
	 * @param architecture its architecture
	 * @param parameters its trainable values
	 * @param bytes the file's size
	 * @param task the task the loader reads from it
	 */
	public record Created(Path output, Architecture architecture, long parameters,
			long bytes, String task) {

		/** One line, as {@code create-model} prints it. */
		public String summary() {
			return String.format(Locale.ROOT,
				"wrote %s: %s, %,d parameters (%,d bytes), task %s", output,
				architecture.id(), parameters, bytes, task);
		}
	}

	private ModelCreation() {}

	/**
	 * Creates the model and writes it to {@code output} (an {@code .onnx} file).
	 *
	 * @throws GanException for classes outside {@code dcgan}, an output that is
	 *           not {@code .onnx}, an existing output without {@code overwrite},
	 *           or a write that fails; nothing is left at {@code output} then
	 */
	public static Created write(Architecture arch, ArchitectureOptions options,
		Path output, boolean overwrite)
	{
		if (arch != Architecture.DCGAN && options.classes() > 0)
			throw new GanException("classes apply to dcgan only, not to " + arch
				.id());
		if (!output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(
			".onnx")) throw new GanException("the output must be an .onnx file: " +
				output);
		if (Files.isDirectory(output)) throw new GanException(output +
			" is a folder: the model is written to a file; choose another name");
		Path folder = output.toAbsolutePath().getParent();
		if (folder != null && !Files.isDirectory(folder)) {
			String dangling = AtomicFile.danglingLink(folder);
			throw new GanException("cannot write " + output + ": " + (dangling != null
				? dangling : Files.exists(folder) ? folder + " is a file, not a folder"
					: "the folder " + folder + " does not exist"));
		}
		ModelProto model = Architectures.create(arch, options);
		byte[] bytes = model.toByteArray();
		if (!overwrite) AtomicFile.refuseExisting(output);
		// checked where the loader can read it, before the output appears
		Path check = AtomicFile.temporaryFor(output.toAbsolutePath());
		ModelDescriptor d;
		try {
			Files.write(check, bytes);
			d = ModelLoader.load(check.toString(), ModelOverrides.NONE);
		}
		catch (IOException e) {
			throw new GanException("cannot write " + output + ": " + AtomicFile
				.describe(e));
		}
		finally {
			try {
				Files.deleteIfExists(check);
			}
			catch (IOException ignored) {
				// a stale temporary is removed by the next write of the same output
			}
		}
		AtomicFile.writeStream(output, overwrite, out -> out.write(bytes));
		long parameters = model.getGraph().getInitializerList().stream().mapToLong(
			t -> t.getFloatDataCount()).sum();
		return new Created(output, arch, parameters, bytes.length, d.task().id());
	}
}

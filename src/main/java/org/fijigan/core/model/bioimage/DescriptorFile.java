
package org.fijigan.core.model.bioimage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;

/**
 * Which file of a folder is its bioimage.io descriptor: the one rule for a
 * package folder, an unpacked .zip, an installed model and a bundled one. It is
 * the specification's ({@code identify_bioimageio_yaml_file_name}): for each of
 * {@link #NAMES} in turn, the first file name, in sorted order, that is that
 * name or ends in {@code .} plus that name. So {@code rdf.yaml} wins over
 * {@code bioimageio.yaml}, and {@code a.rdf.yaml} over {@code rdf.yaml}.
 * Stateless.
 */
public final class DescriptorFile {

	/** The descriptor names the specification knows, in its order. */
	public static final List<String> NAMES = List.of("rdf.yaml",
		"bioimageio.yaml", "model.yaml");

	/** The names looked for, in words, for a message. */
	public static final String LOOKED_FOR =
		"rdf.yaml, bioimageio.yaml, model.yaml or a name ending in .rdf.yaml, .bioimageio.yaml or .model.yaml";

	private DescriptorFile() {}

	/** The descriptor among {@code fileNames} (plain names, no folders). */
	public static Optional<String> choose(Collection<String> fileNames) {
		List<String> sorted = fileNames.stream().sorted().toList();
		for (String name : NAMES)
			for (String file : sorted)
				if (file.equals(name) || file.endsWith("." + name)) return Optional.of(
					file);
		return Optional.empty();
	}

	/**
	 * The descriptor directly in {@code dir}, a regular file.
	 *
	 * @throws GanException when {@code dir} cannot be listed
	 */
	public static Optional<Path> in(Path dir) {
		try (Stream<Path> entries = Files.list(dir)) {
			List<String> names = entries.filter(Files::isRegularFile).map(p -> p
				.getFileName().toString()).toList();
			return choose(names).map(dir::resolve);
		}
		catch (IOException e) {
			throw new GanException("cannot list " + dir + ": " + AtomicFile.describe(
				e), e);
		}
	}
}

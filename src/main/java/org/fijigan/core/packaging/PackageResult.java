
package org.fijigan.core.packaging;

import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.model.ModelDescriptor;

/**
 * A model package {@link PackageWriter} wrote.
 *
 * @param folder the package folder
 * @param descriptor its rdf.yaml
 * @param model the package as {@link org.fijigan.core.model.ModelLoader} loads
 *          it back
 * @param files every file written, rdf.yaml last
 * @param notes what the user should know: choices made for them, parts of the
 *          bioimage.io specification the package leaves out
 */
public record PackageResult(Path folder, Path descriptor, ModelDescriptor model,
		List<Path> files, List<String> notes) {

	public PackageResult {
		files = List.copyOf(files);
		notes = List.copyOf(notes);
	}
}


package org.fijigan.core.model.bioimage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * The descriptor of a folder is chosen as the bioimage.io specification chooses
 * it ({@code identify_bioimageio_yaml_file_name}): by name in the order
 * rdf.yaml, bioimageio.yaml, model.yaml, each also as a suffix after a dot, the
 * file names sorted.
 */
class DescriptorFileTest {

	@Test
	void theSpecificationsNamesInItsOrder() {
		// a folder read rdf.yaml and its zip bioimageio.yaml
		assertEquals(Optional.of("rdf.yaml"), DescriptorFile.choose(List.of(
			"bioimageio.yaml", "rdf.yaml")));
		// refused in a folder, read in a zip
		assertEquals(Optional.of("my.bioimageio.yaml"), DescriptorFile.choose(List
			.of("README.md", "my.bioimageio.yaml")));
		// not recognised at all
		assertEquals(Optional.of("model.yaml"), DescriptorFile.choose(List.of(
			"model.yaml", "weights.onnx")));
		assertEquals(Optional.of("unet.model.yaml"), DescriptorFile.choose(List.of(
			"unet.model.yaml")));
		// the specification sorts the names: a.rdf.yaml before rdf.yaml
		assertEquals(Optional.of("a.rdf.yaml"), DescriptorFile.choose(List.of(
			"rdf.yaml", "b.rdf.yaml", "a.rdf.yaml")));
		assertEquals(Optional.of("x.rdf.yaml"), DescriptorFile.choose(List.of(
			"bioimageio.yaml", "x.rdf.yaml")));
		assertEquals(Optional.empty(), DescriptorFile.choose(List.of("config.yaml",
			"rdf.yml", "myrdf.yaml", "RDF.YAML")));
	}
}

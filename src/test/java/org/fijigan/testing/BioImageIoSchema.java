
package org.fijigan.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * bioimage.io's published JSON schema of model descriptors, format 0.5, as test
 * data ({@value #RESOURCE}; where it comes from:
 * {@code src/test/resources/bioimageio/README.md}), and a validator for it
 * (draft 2020-12, as pydantic writes it). The schema checks the descriptor's
 * shape, types, enumerations and lengths; what the bioimage.io Python library
 * checks beyond it (sizes against halos, files, tensors) is
 * {@link BioImageIoRules}.
 */
public final class BioImageIoSchema {

	/** The schema file on the test class path. */
	public static final String RESOURCE =
		"/bioimageio/bioimageio_schema_model_0.5.json";
	/**
	 * The model format the schema describes ({@code format_version} is this
	 * constant in it).
	 */
	public static final String FORMAT_VERSION = "0.5.7";

	private static JsonSchema schema;

	private BioImageIoSchema() {}

	/**
	 * The schema's complaints about the descriptor {@code rdfYaml}, one line
	 * each; empty when it is valid.
	 */
	public static List<String> validate(Path rdfYaml) {
		JsonNode doc;
		try {
			doc = new ObjectMapper(new YAMLFactory()).readTree(rdfYaml.toFile());
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return schema().validate(doc).stream().map(ValidationMessage::getMessage)
			.sorted().toList();
	}

	private static synchronized JsonSchema schema() {
		if (schema == null) try (InputStream in = BioImageIoSchema.class
			.getResourceAsStream(RESOURCE))
		{
			if (in == null) throw new IllegalStateException(RESOURCE +
				" is not on the test class path");
			schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
				.getSchema(in);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return schema;
	}
}

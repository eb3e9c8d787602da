package org.fijigan.core.packaging;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelOverrides;

/**
 * What {@link PackageWriter} makes a bioimage.io model package of, and what the package says about
 * the model.
 *
 * @param model the ONNX file to package
 * @param overrides what the user states about the model where inference is wrong (written into
 *        the package, so the package loads with them)
 * @param folder the package folder; created if missing, and refused when it holds anything unless
 *        {@code overwrite}
 * @param name the descriptor's {@code name}
 * @param description the descriptor's {@code description}
 * @param sample an image the test tensors and the cover are made from (one plane of it, centre
 *        crop); null only for a generator
 * @param mask for an inpainting model: the sample's holes (non-zero), or null for a square hole in
 *        the middle
 * @param license an SPDX identifier, or null
 * @param authors names, possibly none
 * @param citations possibly none
 * @param tags possibly none; the task and "fiji-gan" are added
 * @param documentation a Markdown model card copied to {@code README.md}, or null to refer to a
 *        {@code README.md} already in the folder (if any)
 * @param normalization how an image is mapped into the model's value range, stated as the package's
 *        preprocessing; fiji-gan's default is {@link Normalization#DEFAULT}
 * @param testSize the side of the sample crop in pixels, or 0 to choose it (at most 128, smaller
 *        for large outputs)
 * @param seed a generator's test latents: sample {@code i} uses seed {@code seed + i}
 * @param overwrite whether a folder that holds files may be written into (package files replaced,
 *        others kept)
 */
public record PackageOptions(Path model, ModelOverrides overrides, Path folder, String name,
	String description, RasterImage sample, RasterImage mask, String license, List<String> authors,
	List<Citation> citations, List<String> tags, Path documentation, Normalization normalization,
	int testSize, long seed, boolean overwrite)
{
	/** A reference: text and a URL or DOI. */
	public record Citation(String text, String url, String doi) {
		private static final Pattern TEXT_REF = Pattern.compile("(?s)(.*?)=((?:https?://|doi:|10\\.\\d{4,}/)\\S*)");

		public Citation {
			if (text == null || text.isBlank()) throw new GanException("a citation needs a text");
			if ((url == null) == (doi == null)) throw new GanException("a citation needs a URL or a DOI");
		}

		/** Parses {@code TEXT=URL} or {@code TEXT=DOI} ({@code 10.1234/...} or {@code doi:10.1234/...}). */
		public static Citation parse(String spec) {
			Matcher m = TEXT_REF.matcher(spec.strip());
			if (!m.matches() || m.group(1).isBlank()) throw new GanException("citation '" + spec +
				"' is not TEXT=URL or TEXT=DOI (e.g. \"Ledig et al. 2017=https://arxiv.org/abs/1609.04802\")");
			String ref = m.group(2);
			if (ref.startsWith("http")) return new Citation(m.group(1).strip(), ref, null);
			return new Citation(m.group(1).strip(), null, ref.startsWith("doi:") ? ref.substring(4) : ref);
		}
	}

	public PackageOptions {
		if (model == null || folder == null) throw new GanException("a package needs a model and a folder");
		if (name == null || name.isBlank()) throw new GanException("the package needs a name (--name)");
		if (description == null || description.isBlank()) throw new GanException(
			"the package needs a description (--description)");
		if (license != null && !license.matches("[A-Za-z0-9][A-Za-z0-9.+-]*")) throw new GanException(
			"license '" + license + "' is not an SPDX identifier (e.g. MIT, BSD-2-Clause, CC-BY-4.0)");
		if (testSize < 0) throw new GanException("the test size must be positive, or 0 to choose it");
		overrides = overrides == null ? ModelOverrides.NONE : overrides;
		authors = authors == null ? List.of() : authors.stream().map(String::strip).filter(a -> !a.isEmpty())
			.toList();
		citations = citations == null ? List.of() : List.copyOf(citations);
		tags = tags == null ? List.of() : tags.stream().map(String::strip).filter(t -> !t.isEmpty()).toList();
		normalization = normalization == null ? Normalization.DEFAULT : normalization;
		name = name.strip();
		description = description.strip();
	}
}


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
 * What {@link PackageWriter} makes a bioimage.io model package of, and what the
 * package says about the model.
 *
 * @param model the ONNX file to package
 * @param overrides what the user states about the model where inference is
 *          wrong (written into the package, so the package loads with them)
 * @param folder the package folder; created if missing, and refused when it
 *          holds anything unless {@code overwrite}
 * @param name the descriptor's {@code name}: 5 to 128 letters, digits, spaces
 *          and {@code _+-()}, as bioimage.io allows
 * @param id the descriptor's {@code id} (lower-case letters, digits,
 *          {@code _-/.}), or null for one made of the name; deepImageJ needs
 *          one
 * @param description the descriptor's {@code description}
 * @param sample an image the test tensors and the cover are made from (one
 *          plane of it, centre crop); null only for a generator
 * @param mask for an inpainting model: the sample's holes (non-zero), or null
 *          for a square hole in the middle
 * @param license an SPDX identifier, or null
 * @param authors possibly none
 * @param maintainers possibly none; bioimage.io wants a maintainer, or an
 *          author, with a GitHub user
 * @param citations possibly none
 * @param tags possibly none; the task and "fiji-gan" are added
 * @param documentation a Markdown model card copied to {@code README.md}, or
 *          null to refer to a {@code README.md} already in the folder (if any)
 * @param normalization how an image is mapped into the model's value range,
 *          stated as the package's preprocessing; null for the one the model
 *          records, else fiji-gan's default {@link Normalization#DEFAULT}
 * @param testSize the side of the sample crop in pixels, or 0 to choose it (at
 *          most 128, smaller for large outputs)
 * @param seed a generator's test latents: sample {@code i} uses seed
 *          {@code seed + i}
 * @param overwrite whether a folder that holds files may be written into
 *          (package files replaced, others kept)
 */
public record PackageOptions(Path model, ModelOverrides overrides, Path folder,
		String name, String id, String description, RasterImage sample,
		RasterImage mask, String license, List<Person> authors,
		List<Person> maintainers, List<Citation> citations, List<String> tags,
		Path documentation, Normalization normalization, int testSize, long seed,
		boolean overwrite) {

	/** bioimage.io's characters of a model name. */
	private static final Pattern NAME = Pattern.compile(
		"[A-Za-z0-9_+\\- ()]{5,128}");
	/**
	 * bioimage.io's resource id: lower-case letters, digits and {@code _-/.}, no
	 * slash at either end.
	 */
	private static final Pattern ID = Pattern.compile(
		"[a-z0-9_.\\-](?:[a-z0-9_./\\-]*[a-z0-9_.\\-])?");
	/** GitHub's user and organisation names. */
	private static final Pattern GITHUB_USER = Pattern.compile(
		"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}");

	/**
	 * An author or maintainer: a name, a GitHub user name, or both.
	 *
	 * @param name without '/', as bioimage.io wants; null for a maintainer known
	 *          by the GitHub user only
	 * @param githubUser null when not given
	 */
	public record Person(String name, String githubUser) {

		public Person {
			name = name == null || name.isBlank() ? null : name.strip();
			githubUser = githubUser == null || githubUser.isBlank() ? null
				: githubUser.strip();
			if (name == null && githubUser == null) throw new GanException(
				"a person needs a name or a GitHub user");
			if (name != null && name.contains("/")) throw new GanException(
				"the name '" + name +
					"' has a '/', which bioimage.io does not allow in a person's name");
			if (githubUser != null && !GITHUB_USER.matcher(githubUser).matches())
				throw new GanException("'" + githubUser +
					"' is not a GitHub user name (letters, digits and single hyphens, at most 39)");
		}

		/** {@code NAME} or {@code NAME=GITHUB_USER}. */
		public static Person author(String spec) {
			int eq = spec.lastIndexOf('=');
			return eq < 0 ? new Person(spec, null) : new Person(spec.substring(0, eq),
				spec.substring(eq + 1));
		}

		/**
		 * {@code GITHUB_USER} or {@code NAME=GITHUB_USER}: a maintainer needs the
		 * GitHub user.
		 */
		public static Person maintainer(String spec) {
			int eq = spec.lastIndexOf('=');
			Person p = eq < 0 ? new Person(null, spec) : new Person(spec.substring(0,
				eq), spec.substring(eq + 1));
			if (p.githubUser() == null) throw new GanException("maintainer '" + spec +
				"' needs a GitHub user: GITHUB_USER or NAME=GITHUB_USER");
			return p;
		}
	}

	/** A reference: text and a URL or DOI. */
	public record Citation(String text, String url, String doi) {

		private static final Pattern TEXT_REF = Pattern.compile(
			"(?s)(.*?)=((?:https?://|doi:|10\\.\\d{4,}/)\\S*)");

		public Citation {
			if (text == null || text.isBlank()) throw new GanException(
				"a citation needs a text");
			if ((url == null) == (doi == null)) throw new GanException(
				"a citation needs a URL or a DOI");
		}

		/**
		 * Parses {@code TEXT=URL} or {@code TEXT=DOI} ({@code 10.1234/...} or
		 * {@code doi:10.1234/...}).
		 */
		public static Citation parse(String spec) {
			Matcher m = TEXT_REF.matcher(spec.strip());
			if (!m.matches() || m.group(1).isBlank()) throw new GanException(
				"citation '" + spec +
					"' is not TEXT=URL or TEXT=DOI (e.g. \"Ledig et al. 2017=https://arxiv.org/abs/1609.04802\")");
			String ref = m.group(2);
			if (ref.startsWith("http")) return new Citation(m.group(1).strip(), ref,
				null);
			return new Citation(m.group(1).strip(), null, ref.startsWith("doi:") ? ref
				.substring(4) : ref);
		}
	}

	public PackageOptions {
		if (model == null || folder == null) throw new GanException(
			"a package needs a model and a folder");
		if (name == null || name.isBlank()) throw new GanException(
			"the package needs a name (--name)");
		name = name.strip();
		if (!NAME.matcher(name).matches()) throw new GanException("the name '" +
			name + "' must be 5 to 128 " +
			"letters, digits, spaces and _+-() (bioimage.io's rule); put other text in --description");
		id = id == null || id.isBlank() ? idOf(name) : id.strip();
		if (!ID.matcher(id).matches()) throw new GanException("the id '" + id +
			"' must be lower-case letters, digits " +
			"and _-/. (bioimage.io's rule), not starting or ending with '/'");
		if (description == null || description.isBlank()) throw new GanException(
			"the package needs a description (--description)");
		if (license != null) refuseUnknownLicense(license);
		if (testSize < 0) throw new GanException(
			"the test size must be positive, or 0 to choose it");
		overrides = overrides == null ? ModelOverrides.NONE : overrides;
		authors = authors == null ? List.of() : List.copyOf(authors);
		maintainers = maintainers == null ? List.of() : List.copyOf(maintainers);
		for (Person m : maintainers)
			if (m.githubUser() == null) throw new GanException("maintainer " + m
				.name() + " needs a GitHub user");
		citations = citations == null ? List.of() : List.copyOf(citations);
		tags = tags == null ? List.of() : tags.stream().map(String::strip).filter(
			t -> !t.isEmpty()).toList();
		description = description.strip();
	}

	/** These options with {@code n} as the normalisation. */
	public PackageOptions withNormalization(Normalization n) {
		return new PackageOptions(model, overrides, folder, name, id, description,
			sample, mask, license, authors, maintainers, citations, tags,
			documentation, n, testSize, seed, overwrite);
	}

	/**
	 * An id made of a name: lower case, other characters than {@code a-z0-9_.} as
	 * '-'.
	 */
	static String idOf(String name) {
		String id = name.toLowerCase(java.util.Locale.ROOT).replaceAll(
			"[^a-z0-9_.]+", "-").replaceAll("^-+|-+$", "");
		return id.isEmpty() ? "model" : id;
	}

	/**
	 * The SPDX identifiers bioimage.io accepts as a model's license, from its
	 * JSON schema ({@code licenses.txt}).
	 */
	private static java.util.Set<String> licenses;

	private static synchronized java.util.Set<String> licenses() {
		if (licenses == null) try (java.io.InputStream in = PackageOptions.class
			.getResourceAsStream("licenses.txt"))
		{
			licenses = java.util.Set.copyOf(new String(in.readAllBytes(),
				java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> !l
					.isBlank() && !l.startsWith("#")).toList());
		}
		catch (java.io.IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
		return licenses;
	}

	/**
	 * Refuses a license that is not one of the SPDX identifiers bioimage.io
	 * accepts (case-sensitive), suggesting the one that differs in case only. Any
	 * identifier-like text was written as it was, and failed bioimage.io's
	 * validation.
	 */
	static void refuseUnknownLicense(String license) {
		if (licenses().contains(license)) return;
		String match = licenses().stream().filter(l -> l.equalsIgnoreCase(license))
			.findFirst().orElse(null);
		throw new GanException("license '" + license +
			"' is not an SPDX identifier bioimage.io accepts" + (match != null
				? " (they are case-sensitive): did you mean " + match + "?"
				: " (e.g. MIT, BSD-2-Clause, CC-BY-4.0)"));
	}
}

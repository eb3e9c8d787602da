
package org.fijigan.core.packaging;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.io.FileIdentity;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The package already in a folder that {@code package-model --overwrite} writes
 * into, as its {@value PackageWriter#RDF} names its files. When package-model
 * wrote that descriptor (its first line is {@link PackageWriter#HEADER}), the
 * files package-model itself writes (the ONNX weights, the test tensors, and
 * the cover and sample tensors under the names package-model gives them) are
 * its own, and the new package removes them where it does not replace them.
 * Every other file is the user's, and stays: a cover or sample the user put
 * there, attachments, and all files of a package package-model did not write
 * (another tool's weights and test tensors, of whatever name).
 *
 * @param ownFiles existing regular files inside the folder, none reached
 *          through a link, that package-model wrote for the earlier package
 * @param othersFiles the files of the same roles a descriptor package-model did
 *          not write names: kept
 * @param documentation a Markdown card inside the folder, or null
 */
record EarlierPackage(List<Path> ownFiles, List<Path> othersFiles,
		Path documentation) {

	static final EarlierPackage NONE = new EarlierPackage(List.of(), List.of(),
		null);

	/** The names package-model gives the files it writes, besides the weights. */
	private static final Set<String> WRITTEN_NAMES = Set.of(PackageWriter.COVER,
		PackageWriter.TEST_INPUT, PackageWriter.TEST_MASK, PackageWriter.TEST_CLASS,
		PackageWriter.TEST_OUTPUT, "sample_input.png", "sample_input.tif",
		"sample_mask.png", "sample_mask.tif", "sample_class.png",
		"sample_class.tif", "sample_output.png", "sample_output.tif");

	/**
	 * The package in {@code folder}; {@link #NONE} when there is none or its
	 * descriptor cannot be read (its files are then kept, as any other file).
	 */
	static EarlierPackage in(Path folder) {
		Path base = folder.toAbsolutePath().normalize();
		Path rdf = base.resolve(PackageWriter.RDF);
		if (!Files.isRegularFile(rdf)) return NONE;
		Object doc;
		boolean ours;
		try (BufferedReader r = Files.newBufferedReader(rdf,
			StandardCharsets.UTF_8))
		{
			r.mark(256);
			ours = PackageWriter.HEADER.equals(r.readLine());
			r.reset();
			LoaderOptions options = new LoaderOptions();
			options.setMaxAliasesForCollections(50);
			options.setNestingDepthLimit(64);
			doc = new Yaml(new SafeConstructor(options)).load(r);
		}
		catch (IOException | RuntimeException unreadable) {
			return NONE;
		}
		if (!(doc instanceof Map<?, ?> root)) return NONE;
		List<Path> own = new ArrayList<>();
		// the weights: package-model writes ONNX weights only
		if (root.get("weights") instanceof Map<?, ?> weights)
			for (Map.Entry<?, ?> w : weights.entrySet())
			if (w.getValue() instanceof Map<?, ?> entry && (!ours || "onnx".equals(w
				.getKey()))) add(own, base, entry.get("source"));
		for (String role : List.of("inputs", "outputs"))
			if (root.get(role) instanceof List<?> tensors) for (Object t : tensors)
				if (t instanceof Map<?, ?> tensor) {
					add(own, base, source(tensor.get("test_tensor")));
					Object sample = source(tensor.get("sample_tensor"));
					if (isWrittenName(sample)) add(own, base, sample);
				}
		if (root.get("covers") instanceof List<?> covers) for (Object c : covers)
			if (isWrittenName(c)) add(own, base, c);
		List<Path> card = new ArrayList<>();
		Object documentation = root.get("documentation");
		if (documentation instanceof String s && s.toLowerCase(Locale.ROOT)
			.endsWith(".md")) add(card, base, s);
		return new EarlierPackage(ours ? List.copyOf(own) : List.of(), ours ? List
			.of() : List.copyOf(own), card.isEmpty() ? null : card.get(0));
	}

	/** {@code source} of a file description (0.5), or the name itself (0.4). */
	private static Object source(Object file) {
		return file instanceof Map<?, ?> m ? m.get("source") : file;
	}

	private static boolean isWrittenName(Object name) {
		return name instanceof String s && WRITTEN_NAMES.contains(s);
	}

	/**
	 * Adds {@code name} when it is a relative path to a regular file inside
	 * {@code base} (not a URL, not a link, not in a folder reached through a
	 * link: the file would lie elsewhere).
	 */
	private static void add(List<Path> files, Path base, Object name) {
		if (!(name instanceof String s) || s.contains("://")) return;
		try {
			Path p = base.resolve(s).normalize();
			if (p.startsWith(base) && !p.equals(base) && Files.isRegularFile(p,
				LinkOption.NOFOLLOW_LINKS) && FileIdentity.linkBelow(base, p) == null &&
				!files.contains(p)) files.add(p);
		}
		catch (InvalidPathException e) {
			// not a file of this folder
		}
	}
}

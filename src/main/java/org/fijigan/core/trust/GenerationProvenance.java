
package org.fijigan.core.trust;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.fijigan.core.GanException;
import org.fijigan.core.text.Csv;

/**
 * The provenance of a generated image, one row per slice, read back from the
 * properties that {@code Generator} writes ({@code fiji-gan.model},
 * {@code fiji-gan.model.sha256}, {@code fiji-gan.slice.N.label} =
 * {@code SYNTHETIC seed=S class=C model=M sha256=H}). Also reads the properties
 * as they come back from a TIFF (the {@code Info} text's {@code key = value}
 * lines).
 */
public final class GenerationProvenance {

	/**
	 * One generated slice.
	 *
	 * @param slice 1-based
	 * @param seed the slice's own seed, {@code latent N} for row N of a latent
	 *          file, or "" when unknown
	 * @param className "" for an unconditional generator
	 */
	public record Row(int slice, String model, String sha256, String seed,
			String className) {
	}

	/** The CSV header, matching {@link #toCsv}. */
	public static final String CSV_HEADER = "slice,model,sha256,seed,class";

	private static final Pattern LABEL = Pattern.compile(
		"SYNTHETIC(?: seed=(-?\\d+))?(?: latent=(\\d+))?(?: class=(.*?))? model=(.*) sha256=([0-9a-fA-F]+)");
	/** The key of a slice's label: {@code fiji-gan.slice.N.label}. */
	private static final Pattern SLICE_LABEL = Pattern.compile(
		"fiji-gan\\.slice\\.\\d+\\.label");
	private static final Pattern INFO_LINE = Pattern.compile(
		"(fiji-gan\\.[^ =]+) = (.*)");

	private GenerationProvenance() {}

	/**
	 * @param properties an image's properties (a {@code RasterImage}'s, or an
	 *          ImagePlus's as the adapters copy them)
	 * @param planes the image's slices times its frames ({@code N} of
	 *          {@code fiji-gan.slice.N.label} numbers them, whatever the
	 *          channels); a slice without a label gets a row from the image-wide
	 *          properties only when the image has one slice and they describe one
	 *          sample ({@code fiji-gan.count} 1 or absent), and its label, where
	 *          it has one, wins over them
	 * @throws GanException when the properties do not describe a generated image
	 */
	public static List<Row> rows(Map<String, String> properties, int planes) {
		Map<String, String> p = withInfo(properties);
		if (!isSynthetic(p)) throw new GanException(
			"this image carries no generation provenance (no fiji-gan.synthetic property): " +
				"was it made by fiji-gan's generate, and saved as TIFF?");
		// an image made from a generated one names its generator under
		// fiji-gan.generation.*, and the model that made it from that under
		// fiji-gan.model
		boolean derived = p.containsKey(GENERATION + "model");
		String from = derived ? GENERATION : "fiji-gan.";
		String model = p.getOrDefault(from + "model", "");
		String sha = p.getOrDefault(from + "model.sha256", "");
		List<Row> rows = new ArrayList<>();
		for (int slice = 1; slice <= planes; slice++) {
			String label = p.get("fiji-gan.slice." + slice + ".label");
			// one plane: ImageJ keeps its slice label as the image's Label
			if (label == null && planes == 1) label = p.get("Label");
			Matcher m = label == null ? null : LABEL.matcher(label.trim());
			if (m != null && m.matches()) {
				String seed = m.group(1) != null ? m.group(1) : m.group(2) != null
					? "latent " + m.group(2) : "";
				// the model's name and hash both from the label (the slice may come
				// from another generator than the image-wide properties name); the
				// full hash where those name the same model with a hash the label's
				// begins
				String labelModel = m.group(4), labelSha = m.group(5);
				boolean same = labelModel.equals(model) && sha.toLowerCase().startsWith(
					labelSha.toLowerCase());
				rows.add(new Row(slice, labelModel, same ? sha : labelSha, seed, m
					.group(3) == null ? "" : m.group(3)));
			}
			else if (planes == 1 && samples(p.get(from + "count")) > 1)
				throw new GanException("the image is one slice but its properties " +
					"describe " + samples(p.get(from + "count")) +
					" generated samples (" + from +
					"count) and it has no SYNTHETIC label of its own " +
					"(fiji-gan.slice.1.label): which of them it is, and so its seed " +
					"and class, is not known; the stack was changed after it was " +
					"generated");
			else if (planes == 1) rows.add(new Row(1, model, sha, p.getOrDefault(
				from + "seed", ""), p.getOrDefault(from + "class", "")));
			else throw new GanException("slice " + slice +
				" has no SYNTHETIC label (fiji-gan.slice." + slice +
				".label); the stack was changed after it was generated");
		}
		return rows;
	}

	/** A {@code fiji-gan.count} as a number: 1 where absent or not a number. */
	private static long samples(String count) {
		try {
			return count == null ? 1 : Long.parseLong(count.trim());
		}
		catch (NumberFormatException e) {
			return 1;
		}
	}

	/**
	 * The prefix under which an image made from a generated one keeps its
	 * generator's provenance ({@code fiji-gan.generation.model}, {@code .seed},
	 * ...): its own {@code fiji-gan.model} names the model that made it.
	 */
	public static final String GENERATION = "fiji-gan.generation.";

	/**
	 * The generation properties that an image made from a generated one keeps.
	 */
	private static final List<String> GENERATION_KEYS = List.of("model",
		"model.sha256", "provider", "seed", "count", "class", "sample", "command");

	/**
	 * {@code properties} with the {@code fiji-gan.*} lines of their {@code Info}
	 * text added (a TIFF's properties as ImageJ reads them back); the properties
	 * win where both name a key.
	 */
	public static Map<String, String> withInfo(Map<String, String> properties) {
		Map<String, String> p = new java.util.LinkedHashMap<>();
		String info = properties.get("Info");
		if (info != null) for (String line : info.split("\n")) {
			Matcher m = INFO_LINE.matcher(line.trim());
			if (m.matches()) p.put(m.group(1), m.group(2));
		}
		p.putAll(properties);
		return p;
	}

	/**
	 * Whether an image's properties, as {@link #withInfo} gives them, say that it
	 * was generated, or made from a generated image: by the image-wide statement,
	 * or by a slice's SYNTHETIC label alone ({@code generate}'s
	 * {@code SYNTHETIC seed=... model=... sha256=...}, or the image's
	 * {@code Label} for one plane), which follows the slice where a tool kept the
	 * labels but dropped the image-wide properties.
	 */
	public static boolean isSynthetic(Map<String, String> p) {
		if (p.containsKey("fiji-gan.synthetic") || "generate".equals(p.get(
			"fiji-gan.task"))) return true;
		for (Map.Entry<String, String> e : p.entrySet())
			if (e.getValue() != null && (e.getKey().equals("Label") || SLICE_LABEL
				.matcher(e.getKey()).matches()) && LABEL.matcher(e.getValue().trim())
					.matches()) return true;
		return false;
	}

	/**
	 * Carries the generation provenance of {@code input} (an image's properties,
	 * Info text included) to an image made from it: the SYNTHETIC statement, and
	 * the generator's model, seed, class, ... under {@link #GENERATION} (kept as
	 * they are when the input was itself made from a generated image). The
	 * slices' SYNTHETIC labels are the caller's, as they follow the planes.
	 *
	 * @return whether the input was synthetic
	 */
	public static boolean carry(Map<String, String> input,
		Map<String, String> result)
	{
		Map<String, String> p = withInfo(input);
		if (!isSynthetic(p)) return false;
		result.put("fiji-gan.synthetic", p.getOrDefault("fiji-gan.synthetic",
			"SYNTHETIC: every slice was generated by a GAN, not acquired"));
		if (p.containsKey(GENERATION + "model")) p.forEach((k, v) -> {
			if (k.startsWith(GENERATION)) result.put(k, v);
		});
		else for (String key : GENERATION_KEYS) {
			String v = p.get("fiji-gan." + key);
			if (v != null) result.put(GENERATION + key, v);
		}
		return true;
	}

	/**
	 * RFC 4180 CSV with {@link #CSV_HEADER}, one line per row, {@code \n} line
	 * ends.
	 */
	public static String toCsv(List<Row> rows) {
		StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
		for (Row r : rows)
			sb.append(Csv.line(Integer.toString(r.slice()), r.model(), r.sha256(), r
				.seed(), r.className()));
		return sb.toString();
	}
}

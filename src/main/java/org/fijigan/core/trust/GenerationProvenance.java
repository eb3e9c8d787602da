
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
	private static final Pattern INFO_LINE = Pattern.compile(
		"(fiji-gan\\.[^ =]+) = (.*)");

	private GenerationProvenance() {}

	/**
	 * @param properties an image's properties (a {@code RasterImage}'s, or an
	 *          ImagePlus's as the adapters copy them)
	 * @param planes the image's plane count; slices without a label get a row
	 *          from the image-wide properties only when the image has one plane
	 * @throws GanException when the properties do not describe a generated image
	 */
	public static List<Row> rows(Map<String, String> properties, int planes) {
		Map<String, String> p = new java.util.LinkedHashMap<>();
		String info = properties.get("Info");
		if (info != null) for (String line : info.split("\n")) {
			Matcher m = INFO_LINE.matcher(line.trim());
			if (m.matches()) p.put(m.group(1), m.group(2));
		}
		p.putAll(properties);
		if (!p.containsKey("fiji-gan.synthetic") && !"generate".equals(p.get(
			"fiji-gan.task"))) throw new GanException(
				"this image carries no generation provenance (no fiji-gan.synthetic property): " +
					"was it made by fiji-gan's generate, and saved as TIFF?");
		String model = p.getOrDefault("fiji-gan.model", "");
		String sha = p.getOrDefault("fiji-gan.model.sha256", "");
		List<Row> rows = new ArrayList<>();
		for (int slice = 1; slice <= planes; slice++) {
			String label = p.get("fiji-gan.slice." + slice + ".label");
			// one plane: ImageJ keeps its slice label as the image's Label
			if (label == null && planes == 1) label = p.get("Label");
			Matcher m = label == null ? null : LABEL.matcher(label.trim());
			if (m != null && m.matches()) {
				String seed = m.group(1) != null ? m.group(1) : m.group(2) != null
					? "latent " + m.group(2) : "";
				String labelSha = m.group(5);
				rows.add(new Row(slice, model.isEmpty() ? m.group(4) : model, sha
					.toLowerCase().startsWith(labelSha.toLowerCase()) ? sha : labelSha,
					seed, m.group(3) == null ? "" : m.group(3)));
			}
			else if (planes == 1) rows.add(new Row(1, model, sha, p.getOrDefault(
				"fiji-gan.seed", ""), p.getOrDefault("fiji-gan.class", "")));
			else throw new GanException("slice " + slice +
				" has no SYNTHETIC label (fiji-gan.slice." + slice +
				".label); the stack was changed after it was generated");
		}
		return rows;
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


package org.fijigan.core.batch;

import java.nio.file.Path;
import java.util.Map;

import org.fijigan.core.GanException;

/**
 * What a folder run does: every image under {@code inputDir} (sub-folders
 * included) to a result of the same relative name under {@code outputDir}.
 *
 * @param inputDir the folder of input images
 * @param outputDir the folder of results and manifest (created when missing)
 * @param mask for inpainting: a folder of masks with the images' relative names
 *          (any image extension), or one mask file for every image; null
 *          otherwise
 * @param format output extension ({@code .tif}, {@code .png}, {@code .nii.gz},
 *          ...), or null to keep each input's own where the codec writes it,
 *          else {@code .tif}
 * @param include glob of the inputs to take, matched against the relative path,
 *          or against the file name when it has no {@code /} (e.g.
 *          {@code *.dcm}); null for every file the codec calls an image
 * @param shard the part of the sorted input list this run does
 * @param overwrite redo every output, ignoring earlier manifests
 * @param failFast stop at the first image that fails, instead of recording it
 *          and going on
 * @param properties added to every result's properties (e.g. the command that
 *          made it)
 */
public record FolderJob(Path inputDir, Path outputDir, Path mask, String format,
		String include, Shard shard, boolean overwrite, boolean failFast,
		Map<String, String> properties) {

	public FolderJob {
		if (inputDir == null || outputDir == null) throw new GanException(
			"a folder run needs an input and an output folder");
		inputDir = inputDir.toAbsolutePath().normalize();
		outputDir = outputDir.toAbsolutePath().normalize();
		mask = mask == null ? null : mask.toAbsolutePath().normalize();
		if (format != null) format = normalizeFormat(format);
		if (include != null && include.isBlank()) include = null;
		if (include != null) glob(include);
		if (shard == null) shard = Shard.ALL;
		properties = properties == null ? Map.of() : Map.copyOf(properties);
	}

	/**
	 * The matcher of an {@code --include} glob.
	 *
	 * @throws GanException naming the glob when it is not one
	 */
	public static java.nio.file.PathMatcher glob(String include) {
		try {
			return java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" +
				include);
		}
		catch (java.util.regex.PatternSyntaxException e) {
			throw new GanException("--include '" + include + "' is not a glob: " + e
				.getDescription() + " (e.g. '*.tif' or 'plate1/**')");
		}
	}

	/** {@code tif} or {@code .TIF} to {@code .tif}. */
	public static String normalizeFormat(String format) {
		String f = format.trim().toLowerCase(java.util.Locale.ROOT);
		if (f.isEmpty()) throw new GanException(
			"an output format is an extension such as tif, png or nii.gz");
		return f.startsWith(".") ? f : "." + f;
	}
}

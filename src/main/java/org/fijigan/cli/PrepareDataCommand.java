
package org.fijigan.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.fijigan.core.GanException;
import org.fijigan.core.batch.ImageCodec;
import org.fijigan.core.dataset.AnatomicalAxes;
import org.fijigan.core.dataset.HashSplit;
import org.fijigan.core.dataset.Photos;
import org.fijigan.core.dataset.VolumeSlicer;
import org.fijigan.core.dataset.VolumeSlicer.View;
import org.fijigan.core.image.Nifti;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.FileHashes;
import org.fijigan.core.io.FileIdentity;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code prepare-data photos|slices}: training and test folders of 8-bit grey
 * PNGs, from photographs or from the slices of a 3D scan (of several head
 * scans: {@link PrepareBrainSlicesCommand}). The pixel work is
 * {@code org.fijigan.core.dataset}'s; this class finds the files, reads them,
 * and writes {@code OUTPUT/train/...} and {@code OUTPUT/test/...}. Inputs are
 * only read. The set is made in a hidden folder and put in place once whole
 * ({@link StagedDataSet}); an output folder that holds anything is refused
 * unless {@code --overwrite}, which then deletes the earlier set, of whichever
 * mode ({@link StagedDataSet#earlierSetFolders}: so that no file of an earlier
 * split or set stays behind) and nothing else; such a folder reached through a
 * symbolic link inside the output folder is refused. The synthetic fluorescence
 * images are {@link PrepareFluorescenceCommand}.
 */
@Command(name = "prepare-data", mixinStandardHelpOptions = true,
	description = "Make train/test folders of 8-bit grey PNGs from photographs or from 3D scans, " +
		"or of synthetic fluorescence images (16-bit TIFF) with their point sources.",
	subcommands = { PrepareDataCommand.PhotosCommand.class,
		PrepareDataCommand.SlicesCommand.class, PrepareBrainSlicesCommand.class,
		PrepareFluorescenceCommand.class })
final class PrepareDataCommand implements Callable<Integer> {

	static final String TRAIN = "train", TEST = "test";
	/**
	 * A plain output name: letters, digits, {@code . _ + -}, not starting with a
	 * sign.
	 */
	static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() {
		spec.commandLine().usage(spec.commandLine().getErr());
		return picocli.CommandLine.ExitCode.USAGE;
	}

	@Command(name = "photos", mixinStandardHelpOptions = true, description = {
		"Grey (luma 0.299 R + 0.587 G + 0.114 B), area-shrunk to at most --max-side " +
			"pixels on the longer side (never enlarged), 8-bit PNG: OUTPUT/train/NAME.png and OUTPUT/test/NAME.png. " +
			"16-bit: divided by 257, but one whose values all lie below 16384 (12-bit data) has its " +
			"own min..max scaled to 0..255, with a note.",
		"About --test-fraction of the images go to test, chosen by a hash of NAME and --seed: the " +
			"same names give the same split. A byte copy of an earlier input goes where that input " +
			"goes, with a note; one file given twice is refused." })
	static final class PhotosCommand implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Option(names = { "-i", "--input" }, required = true, arity = "1..*",
			paramLabel = "IN", description = {
				"An image file, a folder (its images, not its subfolders), or NAME=FILE to " +
					"name the output NAME.png (default: the file's name without its extension)." })
		List<String> inputs;

		@Option(names = { "-o", "--output" }, required = true, paramLabel = "DIR",
			description = "The folder to write train/ and test/ into; created if missing.")
		Path output;

		@Option(names = "--max-side", paramLabel = "PX", defaultValue = "1024",
			description = "Longest side of an output image, pixels (default: ${DEFAULT-VALUE}).")
		int maxSide;

		@Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.15",
			description = "Share of the images that go to test, 0..1 (default: ${DEFAULT-VALUE}).")
		double testFraction;

		@Option(names = "--seed", paramLabel = "S", defaultValue = "0",
			description = "Seed of the split (default: ${DEFAULT-VALUE}).")
		long seed;

		// one pattern each (several, repeated): one or more took an input that
		// followed them for a pattern, and left it out without a word
		@Option(names = "--exclude", arity = "1", paramLabel = "GLOB",
			description = "Leave out the files of an input folder whose names match, e.g. 'left*.jpg'; repeat it for several patterns.")
		List<String> excludes = List.of();

		@Option(names = "--overwrite",
			description = "Write into a folder that is not empty (the earlier set goes first: the PNGs and TIFFs of its train/, test/, tune/, their class folders and noisy/, and its sources.csv and slices.csv; other files stay).")
		boolean overwrite;

		@Override
		public Integer call() {
			if (maxSide < 1) throw new GanException(
				"--max-side must be at least 1, not " + maxSide);
			if (!(testFraction >= 0 && testFraction <= 1)) throw new GanException(
				"--test-fraction is " + "between 0 and 1, not " + testFraction);
			Map<String, Path> named = photos();
			Map<String, String> copyOf = copies(named);
			Set<String> test = HashSplit.testNames(named.keySet(), copyOf,
				testFraction, seed);
			List<String> folders = List.of(TRAIN, TEST);
			PrintWriter w = spec.commandLine().getOut();
			Path out = checkOutput(output, overwrite, folders, named.values(), w);
			int done = 0;
			try (StagedDataSet set = StagedDataSet.begin(out, overwrite, folders,
				"prepare-data photos", w))
			{
				for (Map.Entry<String, Path> e : named.entrySet()) {
					Path file = e.getValue();
					RasterImage grey = Photos.prepare(ImageFiles.read(file, "input"), file
						.toString(), maxSide, note -> w.println("note: " + note));
					grey.properties().put("fiji-gan.source", file.getFileName()
						.toString());
					String split = test.contains(e.getKey()) ? TEST : TRAIN;
					set.png(grey, split + "/" + e.getKey() + ".png");
					w.printf(Locale.ROOT, "%-5s %4dx%-4d %s <- %s%n", split, grey.width(),
						grey.height(), e.getKey(), file);
					w.flush();
					done++;
				}
				set.commit();
			}
			w.printf(Locale.ROOT, "photos: %d train, %d test (seed %d) in %s%n",
				done - test.size(), test.size(), seed, out);
			for (Map.Entry<String, String> c : copyOf.entrySet())
				w.printf(Locale.ROOT,
					"note: %s (%s) has the bytes of %s (%s): kept with it in %s%n", c
						.getKey(), named.get(c.getKey()), c.getValue(), named.get(c
							.getValue()), test.contains(c.getKey()) ? TEST : TRAIN);
			if (test.size() == named.size()) noTrainingImage(w, "--test-fraction " +
				plain(testFraction) + " puts all " + named.size() + (named.size() == 1
					? " image" : " images") + " in test");
			w.flush();
			return 0;
		}

		/**
		 * Output name to input file, in the order given (a folder's files sorted by
		 * name).
		 */
		private Map<String, Path> photos() {
			List<PathMatcher> skip = excludes.stream().map(g -> FileSystems
				.getDefault().getPathMatcher("glob:" + g)).toList();
			Map<String, Path> named = new LinkedHashMap<>();
			for (String entry : inputs) {
				int eq = entry.indexOf('=');
				boolean isNamed = eq > 0 && !Files.exists(Path.of(entry));
				Path path = Path.of(isNamed ? entry.substring(eq + 1) : entry);
				if (Files.isDirectory(path) && !isNamed) {
					List<Path> found = imagesIn(path, skip);
					if (found.isEmpty()) throw new GanException("no images in " + path +
						(skip.isEmpty() ? "" : " that --exclude leaves"));
					for (Path f : found)
						add(named, ImageCodec.stemOf(f.getFileName().toString()), f);
					continue;
				}
				if (isNamed && Files.isDirectory(path)) throw new GanException(
					"NAME=FILE names one file; " + path + " is a folder");
				if (!Files.isRegularFile(path)) throw new GanException(
					"input file not found: " + path);
				if (!isNamed && excluded(path, skip)) continue;
				add(named, isNamed ? entry.substring(0, eq) : ImageCodec.stemOf(path
					.getFileName().toString()), path);
			}
			if (named.isEmpty()) throw new GanException(
				"no input images (--exclude left none)");
			Map<Object, String> byIdentity = new java.util.HashMap<>();
			for (Map.Entry<String, Path> e : named.entrySet()) {
				Object id = FileIdentity.of(e.getValue());
				String before = id == null ? null : byIdentity.putIfAbsent(id, e
					.getKey());
				if (before != null) throw new GanException(named.get(before) + " (as " +
					before + ") and " + e.getValue() + " (as " + e.getKey() +
					") are the same file: give each image once, or it could be in " +
					"train and test at once");
			}
			return named;
		}

		/**
		 * The inputs that are byte copies of an earlier one, by output name, with
		 * the name of the first of their bytes: the split keeps them on its side.
		 */
		private static Map<String, String> copies(Map<String, Path> named) {
			Map<Path, String> nameOf = new java.util.HashMap<>();
			named.forEach((n, f) -> nameOf.put(f, n));
			Map<String, String> copyOf = new LinkedHashMap<>();
			FileHashes.earlierCopies(new ArrayList<>(named.values())).forEach((c,
				f) -> copyOf.put(nameOf.get(c), nameOf.get(f)));
			return copyOf;
		}

		private static void add(Map<String, Path> named, String name, Path file) {
			if (!NAME.matcher(name).matches()) throw new GanException("'" + name +
				"' (for " + file +
				") is not a plain file name: use letters, digits, '.', '_', '+' and '-', or give " +
				"NAME=FILE");
			Path before = named.putIfAbsent(name, file);
			if (before != null) throw new GanException(before + " and " + file +
				" would both be " + "written as " + name +
				".png; name one with NAME=FILE");
		}

		private static List<Path> imagesIn(Path dir, List<PathMatcher> skip) {
			try (Stream<Path> s = Files.list(dir)) {
				return s.filter(Files::isRegularFile).filter(ImageFiles.CODEC::isImage)
					.filter(p -> !excluded(p, skip)).sorted().toList();
			}
			catch (IOException e) {
				throw new GanException("cannot list " + dir + ": " + AtomicFile
					.describe(e), e);
			}
		}

		private static boolean excluded(Path file, List<PathMatcher> skip) {
			Path name = file.getFileName();
			return skip.stream().anyMatch(m -> m.matches(name));
		}
	}

	@Command(name = "slices", mixinStandardHelpOptions = true, description = {
		"Slices of a NIfTI volume in three orientations: OUTPUT/{train,test}/{axial,coronal,sagittal}/STEM-VIEW-INDEX.png.",
		"Kept: slices whose foreground (voxels above --foreground-level times the 99.5th " +
			"percentile) covers --min-foreground of the slice. Intensities 0.5th..99.5th percentile " +
			"of the volume become 0..255; each slice is padded to a centred square and area-resized " +
			"to --size. Axial anterior up, coronal and sagittal superior up; the subject's right on " +
			"the image's left, sagittal anterior on the left (from the file's sform or qform).",
		"Split: slices in blocks of --test-block along each axis; every --test-every-th block goes to test.",
		"Several head scans at one physical pixel size, brain only, whole scans held out: brain-slices." })
	static final class SlicesCommand implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Option(names = { "-i", "--input" }, required = true,
			paramLabel = "VOL.nii[.gz]", description = "A 3D NIfTI-1 volume.")
		Path input;

		@Option(names = { "-o", "--output" }, required = true, paramLabel = "DIR",
			description = "The folder to write train/ and test/ into; created if missing.")
		Path output;

		@Option(names = "--size", paramLabel = "PX", defaultValue = "64",
			description = "Side of the square output images (default: ${DEFAULT-VALUE}).")
		int size;

		@Option(names = "--min-foreground", paramLabel = "F", defaultValue = "0.15",
			description = "Share of a slice the foreground must cover (default: ${DEFAULT-VALUE}).")
		double minForeground;

		@Option(names = "--foreground-level", paramLabel = "F",
			defaultValue = "0.1",
			description = "Foreground: above this fraction (0..1) of the volume's 99.5th percentile (default: ${DEFAULT-VALUE}).")
		double foregroundLevel;

		@Option(names = "--test-block", paramLabel = "N", defaultValue = "10",
			description = "Slices per block of the split (default: ${DEFAULT-VALUE}).")
		int testBlock;

		@Option(names = "--test-every", paramLabel = "N", defaultValue = "5",
			description = "Every N-th block goes to test; 0: none (default: ${DEFAULT-VALUE}).")
		int testEvery;

		@Option(names = "--overwrite",
			description = "Write into a folder that is not empty (the earlier set goes first: the PNGs and TIFFs of its train/, test/, tune/, their class folders and noisy/, and its sources.csv and slices.csv; other files stay).")
		boolean overwrite;

		@Override
		public Integer call() {
			if (size < 1 || size > PrepareBrainSlicesCommand.MAX_SIZE)
				throw new GanException("--size is 1-" +
					PrepareBrainSlicesCommand.MAX_SIZE + " pixels, not " + size);
			String name = input.getFileName().toString();
			checkNiftiInput(input, "slices");
			VolumeSlicer.Options options = new VolumeSlicer.Options(size,
				minForeground, foregroundLevel, VolumeSlicer.Options.DEFAULT
					.lowPercentile(), VolumeSlicer.Options.DEFAULT.highPercentile(),
				testBlock, testEvery);
			List<String> folders = new ArrayList<>();
			for (String split : List.of(TRAIN, TEST))
				for (View v : View.values())
					folders.add(split + "/" + v.folder());
			Path out = checkOutput(output, overwrite, folders, List.of(input), spec
				.commandLine().getOut());

			AnatomicalAxes axes = AnatomicalAxes.ofNifti(input);
			Nifti.Volume volume = Nifti.read(input);
			VolumeSlicer.Result r = VolumeSlicer.slice(volume.image(), axes, options,
				name);
			refuseNoSlice(r, name, options);
			String stem = ImageCodec.stemOf(name);
			int digits = String.valueOf(Math.max(r.extent()[0], Math.max(r
				.extent()[1], r.extent()[2])) - 1).length();
			try (StagedDataSet set = StagedDataSet.begin(out, overwrite, folders,
				"prepare-data slices", spec.commandLine().getOut()))
			{
				for (VolumeSlicer.Slice s : r.slices()) {
					String file = String.format(Locale.ROOT, "%s-%s-%0" + digits +
						"d.png", stem, s.view().folder(), s.index());
					s.image().properties().put("fiji-gan.source", name + " " + s.view()
						.folder() + " slice " + s.index());
					set.png(s.image(), (s.test() ? TEST : TRAIN) + "/" + s.view()
						.folder() + "/" + file);
				}
				set.commit();
			}

			PrintWriter w = spec.commandLine().getOut();
			int[] e = r.extent();
			w.printf(Locale.ROOT,
				"%s: %dx%dx%d voxels along R, A, S (voxel axes point %s, %s)%n", name,
				e[0], e[1], e[2], axes.code(), axes.source());
			w.printf(Locale.ROOT,
				"intensity %.6g..%.6g -> 0..255 (%.4g%%..%.4g%%), foreground > %.6g%n",
				r.low(), r.high(), options.lowPercentile(), options.highPercentile(), r
					.foregroundThreshold());
			int train = 0, test = 0;
			for (View v : View.values()) {
				int a = r.count(v, false), b = r.count(v, true);
				w.printf(Locale.ROOT, "%-9s train %4d  test %4d  (of %d slices)%n", v
					.folder(), a, b, r.slicesAlong(v));
				train += a;
				test += b;
			}
			w.printf(Locale.ROOT, "%-9s train %4d  test %4d  in %s%n", "total", train,
				test, out);
			if (train == 0) noTrainingImage(w, "all " + test + " kept slices of " +
				name + " fall in test (--test-every " + options.testEvery() + ")");
			String noTest = VolumeSlicer.noTestSlice(r, options, name);
			if (noTest != null) w.println("note: " + noTest +
				": the set has no test image (train/ only)");
			w.flush();
			return 0;
		}
	}

	/**
	 * Refuses, before anything is written, a slicing that keeps no slice at all:
	 * nothing to write.
	 */
	static void refuseNoSlice(VolumeSlicer.Result r, String name,
		VolumeSlicer.Options options)
	{
		if (r.slices().isEmpty()) throw new GanException("no slice of " + name +
			" has " + plain(options.minForeground()) +
			" of its area (--min-foreground) " + "above " + plain(options
				.foregroundLevel()) +
			" times the 99.5th percentile (--foreground-level): nothing to write");
	}

	/**
	 * Says on {@code notes} that the set just made has images in test/ only
	 * ({@code why}): a held-out set, to evaluate on, is one a user may want, so
	 * it is made; a set with no image at all is refused before anything is
	 * written.
	 */
	static void noTrainingImage(PrintWriter notes, String why) {
		notes.println("note: " + why + ": the set has no training image (test/ " +
			"only, a held-out set)");
		notes.flush();
	}

	/** A number as given, without a trailing {@code .0}. */
	static String plain(double v) {
		return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros()
			.toPlainString();
	}

	/**
	 * Refuses an input that is not a regular {@code .nii} or {@code .nii.gz}
	 * file, naming the subcommand that reads it.
	 */
	static void checkNiftiInput(Path file, String subcommand) {
		if (!Files.isRegularFile(file)) throw new GanException(
			"input file not found: " + file);
		String ext = ImageCodec.extensionOf(file.getFileName().toString());
		if (!ext.equals(".nii") && !ext.equals(".nii.gz")) throw new GanException(
			file + " is not a NIfTI volume: " + subcommand +
				" reads .nii and .nii.gz files");
	}

	/**
	 * Checks the output folder {@code dir}, creating and deleting nothing (a
	 * {@link StagedDataSet} does, once the set is made) but for first undoing a
	 * move-in that a run killed while moving its set in left half-done
	 * ({@link StagedDataSet#putBackKilled}, with a note on {@code notes}): so the
	 * folder holds its earlier set again before it is looked at. Refuses one that
	 * holds anything unless {@code overwrite} (which will delete the PNGs and
	 * TIFFs, only, of {@code folders} and of the earlier set's folders, and its
	 * CSV lists); {@code inputs} that lie in {@code folders}: they would be
	 * deleted or written over; and any of those folders when one is reached
	 * through a symbolic link inside {@code dir}.
	 *
	 * @return {@code dir} as an absolute path
	 */
	static Path checkOutput(Path dir, boolean overwrite, List<String> folders,
		Collection<Path> inputs, PrintWriter notes)
	{
		Path out = dir.toAbsolutePath().normalize();
		try {
			String dangling = AtomicFile.danglingLink(out);
			if (dangling != null) throw new GanException("output " + dangling);
			if (Files.exists(out) && !Files.isDirectory(out)) throw new GanException(
				"output " + dir + " is a file, not a folder");
			// --overwrite empties the earlier set's folders too
			List<String> earlier = overwrite ? StagedDataSet.earlierSetFolders(out)
				: List.of();
			for (String f : folders)
				refuseLinkBelow(dir, out, out.resolve(f));
			for (String f : earlier)
				refuseLinkBelow(dir, out, out.resolve(f));
			for (Path in : inputs) {
				for (String f : folders) {
					if (FileIdentity.isInside(in, out.resolve(f))) throw new GanException(
						"input " + in + " is inside " + dir.resolve(f) +
							", a folder this command fills (and --overwrite empties): " +
							"write the data set to another folder");
				}
				for (String f : earlier)
					if (FileIdentity.isInside(in, out.resolve(f))) throw new GanException(
						"input " + in + " is inside " + dir.resolve(f) +
							", a folder of the earlier set, which --overwrite empties: " +
							"write the data set to another folder");
			}
			StagedDataSet.putBackKilled(out, notes);
			if (Files.isDirectory(out) && !overwrite) try (DirectoryStream<Path> s =
				Files.newDirectoryStream(out))
			{
				if (s.iterator().hasNext()) throw new GanException("output folder " +
					dir +
					" is not empty; pass --overwrite to replace its train/ and test/ images");
			}
		}
		catch (IOException e) {
			throw new GanException("cannot prepare the output folder " + dir + ": " +
				AtomicFile.describe(e), e);
		}
		return out;
	}

	/**
	 * Refuses a folder this command would fill (and --overwrite empty) that is
	 * reached through a symbolic link inside the output folder {@code out}: its
	 * files would be written and deleted wherever the link leads.
	 *
	 * @param dir the output folder as the user gave it, for the message
	 */
	private static void refuseLinkBelow(Path dir, Path out, Path folder) {
		Path link = FileIdentity.linkBelow(out, folder);
		if (link == null) return;
		String to = FileIdentity.linkTarget(link);
		throw new GanException(dir.resolve(out.relativize(link)) +
			" is a symbolic link" + to +
			": prepare-data does not write or delete files through a link inside " +
			"its output folder (they would land outside " + dir +
			"); remove the link or choose another output folder");
	}

	/**
	 * Deletes those of {@code folders} (then train/ and test/) that stayed empty:
	 * no split of none. A link there is left alone.
	 */
	static void removeEmpty(Path dir, List<String> folders) {
		List<String> all = new ArrayList<>(folders);
		all.addAll(List.of(TRAIN, TEST));
		for (String f : all)
			try {
				Path p = dir.resolve(f);
				if (FileIdentity.linkBelow(dir, p) == null) Files.deleteIfExists(p);
			}
			catch (IOException e) {
				// not empty (or not ours to delete): keep it
			}
	}

	static void writePng(RasterImage image, Path file, boolean overwrite) {
		AtomicFile.write(file, overwrite, tmp -> ImageFiles.write(image,
			ImageFiles.Format.PNG, tmp));
	}

	static void writeTiff(RasterImage image, Path file, boolean overwrite) {
		AtomicFile.write(file, overwrite, tmp -> ImageFiles.write(image,
			ImageFiles.Format.TIFF, tmp));
	}
}


package org.fijigan.cli;

import static org.fijigan.cli.PrepareDataCommand.TEST;
import static org.fijigan.cli.PrepareDataCommand.TRAIN;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.fijigan.core.GanException;
import org.fijigan.core.batch.ImageCodec;
import org.fijigan.core.dataset.BrainMask;
import org.fijigan.core.dataset.BrainSlicer;
import org.fijigan.core.dataset.VolumeSlicer.View;
import org.fijigan.core.dataset.VoxelGrid;
import org.fijigan.core.image.Nifti;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.text.Csv;
import org.fijigan.core.text.Numbers;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code prepare-data brain-slices}: slices of several NIfTI head scans at one
 * physical pixel size, brain only, with whole scans held out
 * ({@link BrainSlicer}, {@link BrainMask}). Every input and mask is read and
 * checked before the output folder is touched; the PNGs and {@code slices.csv}
 * are then written as {@link PrepareDataCommand} writes its sets.
 */
@Command(name = "brain-slices", mixinStandardHelpOptions = true, description = {
	"Slices of NIfTI volumes in three orientations, at one physical pixel size: " +
		"OUTPUT/{train,test}/CLASS/NAME-VIEW-INDEX.png, and OUTPUT/slices.csv listing them.",
	"Each volume is blurred to the pixel size, resampled by its sform or qform into --size x " +
		"--size frames of --pixel-mm pixels centred on its region, and its intensities " +
		"0.5th..99.5th percentile become 0..255 (one map per volume). The region is the brain " +
		"mask (--mask: a label volume whose voxels above 0 are brain, or 'auto' for fiji-gan's " +
		"own brain extraction of a T1 head); with a mask the slices show the brain only. Without " +
		"one it is the foreground (above --foreground-level times the 99.5th percentile) and " +
		"the slices show everything.",
	"Kept: slices whose region covers --min-area of the largest of their orientation. Axial " +
		"anterior up, coronal and sagittal superior up; the subject's right on the image's " +
		"left, sagittal anterior on the left. CLASS is the orientation, or with --position-bins " +
		"N the orientation and the slice's position bin (axial-1 .. axial-N from inferior, " +
		"coronal from posterior, sagittal from the middle outward).",
	"Split: the volumes named by --test go to test/ whole, the others to train/." })
final class PrepareBrainSlicesCommand implements Callable<Integer> {

	static final String MANIFEST = "slices.csv";

	@Spec
	CommandSpec spec;

	@Option(names = { "-i", "--input" }, required = true, arity = "1..*",
		paramLabel = "[NAME=]VOL.nii[.gz]",
		description = "A 3D NIfTI-1 volume; NAME (default: the file's name) names its output files.")
	List<String> inputs;

	@Option(names = "--mask", arity = "1..*", paramLabel = "[NAME=]MASK|auto",
		description = "The brain mask of input NAME (NAME= may be left out with one input): a NIfTI " +
			"label volume (above 0: brain; placed by its own sform/qform), or auto.")
	List<String> masks = List.of();

	@Option(names = "--test", arity = "1..*", paramLabel = "NAME",
		description = "Inputs whose slices all go to test/ (held-out subjects).")
	List<String> test = List.of();

	@Option(names = { "-o", "--output" }, required = true, paramLabel = "DIR",
		description = "The folder to write train/ and test/ into; created if missing.")
	Path output;

	@Option(names = "--size", paramLabel = "PX", defaultValue = "64",
		description = "Side of the square output images (default: ${DEFAULT-VALUE}).")
	int size;

	@Option(names = "--pixel-mm", paramLabel = "MM", defaultValue = "0",
		description = "Pixel size, mm; 0: the smallest at which every region fits (default).")
	double pixelMm;

	@Option(names = "--spacing-mm", paramLabel = "MM", defaultValue = "0",
		description = "Distance between slices, mm; 0: the pixel size (default).")
	double spacingMm;

	@Option(names = "--min-area", paramLabel = "F", defaultValue = "0.25",
		description = "Share of the largest region area of its orientation a slice's region must " +
			"cover (default: ${DEFAULT-VALUE}).")
	double minArea;

	@Option(names = "--foreground-level", paramLabel = "F", defaultValue = "0.1",
		description = "Without a mask, the foreground: above this fraction (0..1) of the 99.5th percentile (default: ${DEFAULT-VALUE}).")
	double foregroundLevel;

	@Option(names = "--position-bins", paramLabel = "N", defaultValue = "1",
		description = "Position bins per orientation, as classes (default: ${DEFAULT-VALUE}: none).")
	int positionBins;

	@Option(names = "--overwrite",
		description = "Write into a folder that is not empty (the earlier set goes first: the PNGs and TIFFs of its train/, test/, tune/, their class folders and noisy/, and its sources.csv and slices.csv; other files stay).")
	boolean overwrite;

	/**
	 * One input: its name, volume file and mask (a file, {@code auto}, or null).
	 */
	private record Input(String name, Path volume, String mask) {
	}

	private static String plain(double v) {
		return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros()
			.toPlainString();
	}

	/** The largest --size: as for fluorescence. */
	static final int MAX_SIZE = 4096;

	/**
	 * Refuses, before any slice is made, a spacing (or a pixel size that is the
	 * spacing) that gives more slices across some scan than a run makes, naming
	 * the flag, the scan's extent, the count and the smallest spacing that fits.
	 */
	private void refuseTooManySlices(List<BrainSlicer.Prepared> prepared,
		BrainSlicer.Options options)
	{
		double spacing = options.spacingMm() > 0 ? options.spacingMm() : options
			.pixelMm();
		String flag = spacingMm > 0 ? "--spacing-mm " + plain(spacingMm)
			: pixelMm > 0 ? "--pixel-mm " + plain(pixelMm) +
				" (the slice spacing without --spacing-mm)" : "the fitted pixel size " +
					plain(spacing) + " mm";
		for (BrainSlicer.Prepared p : prepared)
			for (View v : View.values()) {
				long slices = BrainSlicer.slicesAcross(p, v, spacing);
				if (slices <= BrainSlicer.MAX_SLICES) continue;
				double extent = p.extentMm(v);
				throw new GanException(flag + " gives " + String.format(Locale.ROOT,
					"%,d", slices) + " " + v.folder() + " slices across the " + String
						.format(Locale.ROOT, "%.1f", extent) + " mm of " + p.scan().name() +
					", more than the " + String.format(Locale.ROOT, "%,d",
						BrainSlicer.MAX_SLICES) + " a run makes per orientation: use " +
					"a spacing (--spacing-mm) of at least " + Numbers.significant(extent /
						(BrainSlicer.MAX_SLICES - 1), 2) + " mm");
			}
	}

	@Override
	public Integer call() {
		if (size < 2 || size > MAX_SIZE) throw new GanException("--size is 2-" +
			MAX_SIZE + " pixels, not " + size);
		BrainSlicer.Options options = new BrainSlicer.Options(size, pixelMm,
			spacingMm, minArea, foregroundLevel, BrainSlicer.Options.DEFAULT
				.lowPercentile(), BrainSlicer.Options.DEFAULT.highPercentile(),
			positionBins);
		List<Input> scans = inputs();
		PrintWriter w = spec.commandLine().getOut();
		List<BrainSlicer.Prepared> prepared = new ArrayList<>();
		for (Input in : scans) {
			prepared.add(prepare(in, options, w));
			w.flush();
		}
		if (options.pixelMm() == 0) options = options.withPixelMm(BrainSlicer
			.fittingPixelMm(prepared, size));
		refuseTooManySlices(prepared, options);
		List<BrainSlicer.Result> results = new ArrayList<>();
		for (BrainSlicer.Prepared p : prepared)
			results.add(BrainSlicer.slice(p, options));
		List<String> trainScans = new ArrayList<>();
		boolean anyTrain = false, any = false;
		for (int k = 0; k < results.size(); k++) {
			any |= !results.get(k).slices().isEmpty();
			if (!test.contains(scans.get(k).name())) {
				trainScans.add(scans.get(k).name());
				anyTrain |= !results.get(k).slices().isEmpty();
			}
		}
		if (!any) throw new GanException("no slice of " + scans.stream().map(
			Input::name).collect(java.util.stream.Collectors.joining(", ")) +
			" is kept (--min-area " + plain(minArea) + "): nothing to write");
		String heldOnly = anyTrain ? null : trainScans.isEmpty()
			? "--test names every input" : "no slice of " + String.join(", ",
				trainScans) + " is kept (--min-area " + plain(minArea) + ")";

		List<String> folders = new ArrayList<>();
		for (String split : List.of(TRAIN, TEST))
			for (View v : View.values())
				for (int b = 0; b < positionBins; b++)
					folders.add(split + "/" + (positionBins == 1 ? v.folder() : v
						.folder() + "-" + (b + 1)));
		List<Path> read = new ArrayList<>();
		for (Input in : scans) {
			read.add(in.volume());
			if (in.mask() != null && !in.mask().equals("auto")) read.add(Path.of(in
				.mask()));
		}
		Path out = PrepareDataCommand.checkOutput(output, overwrite, folders, read,
			w);
		StringBuilder csv = new StringBuilder(Csv.line("file", "scan", "split",
			"view", "index", "position", "bin", "class", "area"));
		int[][] counts = new int[2][View.values().length];
		try (StagedDataSet set = StagedDataSet.begin(out, overwrite, folders,
			"prepare-data brain-slices", w))
		{
			for (int k = 0; k < results.size(); k++) {
				BrainSlicer.Result r = results.get(k);
				String name = scans.get(k).name(), split = test.contains(name) ? TEST
					: TRAIN;
				int digits = 1;
				for (View v : View.values())
					digits = Math.max(digits, String.valueOf(r.slicesAlong(v) - 1)
						.length());
				for (BrainSlicer.Slice s : r.slices()) {
					String cls = s.className(positionBins);
					String file = String.format(Locale.ROOT, "%s-%s-%0" + digits +
						"d.png", name, s.view().folder(), s.index());
					s.image().properties().put("fiji-gan.source", scans.get(k).volume()
						.getFileName() + " " + s.view().folder() + " slice " + s.index());
					String relative = split + "/" + cls + "/" + file;
					set.png(s.image(), relative);
					csv.append(Csv.line(relative, name, split, s.view().folder(), Integer
						.toString(s.index()), Numbers.fixed(s.position(), 4), Integer
							.toString(s.bin() + 1), cls, Numbers.fixed(s.area(), 4)));
					counts[split.equals(TEST) ? 1 : 0][s.view().ordinal()]++;
				}
				w.printf(Locale.ROOT, "%s: %s %s%n", name, split, counts(r));
			}
			AtomicFile.writeStream(set.file(MANIFEST), false, o -> o.write(csv
				.toString().getBytes(StandardCharsets.UTF_8)));
			set.commit();
		}
		w.printf(Locale.ROOT,
			"%.4g mm per pixel, %dx%d (%.4g mm), slices %.4g mm apart%n", options
				.pixelMm(), size, size, size * options.pixelMm(), results.get(0)
					.spacingMm());
		for (int k = 0; k < results.size(); k++)
			if (results.get(k).regionCut()) w.printf(Locale.ROOT,
				"note: the region of %s (%s mm) is " +
					"wider than the frame: its edges are cut off%n", scans.get(k).name(),
				extent(results.get(k).scan()));
		w.printf(Locale.ROOT, "total: train %s, test %s in %s%n", total(counts[0]),
			total(counts[1]), out);
		if (heldOnly != null) PrepareDataCommand.noTrainingImage(w, heldOnly);
		w.flush();
		return 0;
	}

	/** The inputs with their masks, checked before anything is read. */
	private List<Input> inputs() {
		Map<String, Path> named = new LinkedHashMap<>();
		for (String entry : inputs) {
			int eq = entry.indexOf('=');
			boolean isNamed = eq > 0 && !Files.exists(Path.of(entry));
			Path file = Path.of(isNamed ? entry.substring(eq + 1) : entry);
			String name = isNamed ? entry.substring(0, eq) : ImageCodec.stemOf(file
				.getFileName().toString());
			PrepareDataCommand.checkNiftiInput(file, "brain-slices");
			if (!PrepareDataCommand.NAME.matcher(name).matches())
				throw new GanException("'" + name + "' (for " + file +
					") is not a plain name: use letters, digits, '.', '_', '+' and '-', " +
					"or give NAME=FILE");
			Path before = named.putIfAbsent(name, file);
			if (before != null) throw new GanException(before + " and " + file +
				" are both named " + name + "; name one with NAME=FILE");
		}
		Map<String, String> maskOf = new LinkedHashMap<>();
		for (String entry : masks) {
			int eq = entry.indexOf('=');
			boolean isNamed = eq > 0 && !Files.exists(Path.of(entry));
			String name, mask = isNamed ? entry.substring(eq + 1) : entry;
			if (isNamed) name = entry.substring(0, eq);
			else if (named.size() == 1) name = named.keySet().iterator().next();
			else throw new GanException("--mask " + entry +
				": say whose mask it is with NAME=" + entry + " (one of " + String.join(
					", ", named.keySet()) + ")");
			if (!named.containsKey(name)) throw new GanException("--mask " + entry +
				": there is no " + "input named " + name + " (inputs: " + String.join(
					", ", named.keySet()) + ")");
			if (!mask.equals("auto")) PrepareDataCommand.checkNiftiInput(Path.of(
				mask), "brain-slices");
			if (maskOf.put(name, mask) != null) throw new GanException("input " +
				name + " has two " + "masks");
		}
		for (String t : test)
			if (!named.containsKey(t)) throw new GanException("--test " + t +
				": there is no input " + "named " + t + " (inputs: " + String.join(", ",
					named.keySet()) + ")");
		List<Input> out = new ArrayList<>();
		for (Map.Entry<String, Path> e : named.entrySet())
			out.add(new Input(e.getKey(), e.getValue(), maskOf.get(e.getKey())));
		return out;
	}

	/** Reads one input and its mask, and says what it found. */
	private static BrainSlicer.Prepared prepare(Input in,
		BrainSlicer.Options options, PrintWriter w)
	{
		String file = in.volume().getFileName().toString();
		VoxelGrid grid = VoxelGrid.ofNifti(in.volume());
		RasterImage volume = Nifti.read(in.volume()).image();
		int[] n = { volume.width(), volume.height(), volume.slices() };
		boolean[] mask = null;
		String maskText = "no mask: the foreground";
		if ("auto".equals(in.mask())) {
			BrainMask.Extraction e = BrainMask.extract(volume, grid, file);
			mask = e.mask();
			maskText = String.format(Locale.ROOT,
				"mask auto (brain extraction, tissue above %.4g)", e.threshold());
		}
		else if (in.mask() != null) {
			Path m = Path.of(in.mask());
			mask = BrainMask.fromLabels(Nifti.read(m).image(), VoxelGrid.ofNifti(m),
				n, grid, m.getFileName().toString());
			maskText = "mask " + m.getFileName() + " (above 0)";
		}
		BrainSlicer.Prepared p = BrainSlicer.prepare(new BrainSlicer.Scan(file,
			volume, grid, mask), options);
		w.printf(Locale.ROOT,
			"%s: %s, %dx%dx%d voxels of %.3gx%.3gx%.3g mm (axes %s, %s)%n", in.name(),
			file, n[0], n[1], n[2], grid.voxelSize(0), grid.voxelSize(1), grid
				.voxelSize(2), grid.axes().code(), grid.source());
		w.printf(Locale.ROOT,
			"  %s: %.4g mL, %s mm along R, A, S; intensity %.6g..%.6g -> 0..255%n",
			maskText, p.regionMl(), extent(p), p.low(), p.high());
		return p;
	}

	private static String extent(BrainSlicer.Prepared p) {
		return String.format(Locale.ROOT, "%.0fx%.0fx%.0f", p.extentMm(0), p
			.extentMm(1), p.extentMm(2));
	}

	private static String counts(BrainSlicer.Result r) {
		StringBuilder sb = new StringBuilder();
		for (View v : View.values())
			sb.append(sb.length() == 0 ? "" : ", ").append(v.folder()).append(' ')
				.append(r.count(v));
		return sb.toString();
	}

	private static String total(int[] byView) {
		int sum = 0;
		StringBuilder sb = new StringBuilder();
		for (View v : View.values()) {
			sum += byView[v.ordinal()];
			sb.append(sb.length() == 0 ? "" : ", ").append(v.folder()).append(' ')
				.append(byView[v.ordinal()]);
		}
		return sum + " (" + sb + ")";
	}
}


package org.fijigan.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import org.fijigan.core.GanException;
import org.fijigan.core.dataset.FluorescenceScene;
import org.fijigan.core.dataset.PointSource;
import org.fijigan.core.eval.TaskProtocol;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.DiskSpace;
import org.fijigan.core.text.Csv;
import org.fijigan.core.text.Numbers;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code prepare-data fluorescence}: seeded synthetic fluorescence scenes
 * ({@code core.dataset}'s {@link FluorescenceScene}) written as 16-bit TIFFs
 * with their point sources, per split, and optionally camera-noise copies.
 * Output folders are prepared as {@link PrepareDataCommand} does.
 */
@Command(name = "fluorescence", mixinStandardHelpOptions = true, description = {
	"Synthetic fluorescence images without noise (16-bit TIFF), rendered from a " +
		"seed: camera offset, flat, smooth or cell background, texture, filaments, and sparse or " +
		"dense Gaussian or Airy point sources of varied brightness and size: " +
		"OUTPUT/{train,test,tune}/SPLIT-NNN.tif. Free of any license.",
	"Each image carries its point sources (x y sigma amplitude, pixels and counts) in the " +
		"TIFF info, which evaluate uses to measure peak, flux and detection of each source; " +
		"OUTPUT/SPLIT/sources.csv lists them too. Each image has its own seed, so the test " +
		"images do not change when --train does.",
	"tune/ holds images for choosing the parameters of classical baselines (evaluate " +
		"--tune-data), never trained or tested on. --noisy also writes a noisy copy of " +
		"every image to OUTPUT/noisy/SPLIT/." })
final class PrepareFluorescenceCommand implements Callable<Integer> {

	static final String TUNE = "tune", NOISY = "noisy";

	@Spec
	CommandSpec spec;

	@Option(names = { "-o", "--output" }, required = true, paramLabel = "DIR",
		description = "The folder to write train/, test/ and tune/ into; created if missing.")
	Path output;

	@Option(names = "--train", paramLabel = "N", defaultValue = "60",
		description = "Training images (default: ${DEFAULT-VALUE}).")
	int train;

	@Option(names = "--test", paramLabel = "N", defaultValue = "12",
		description = "Test images (default: ${DEFAULT-VALUE}).")
	int test;

	@Option(names = "--tune", paramLabel = "N", defaultValue = "1",
		description = "Images for tuning baselines (default: ${DEFAULT-VALUE}).")
	int tune;

	@Option(names = "--size", paramLabel = "PX", defaultValue = "256",
		description = "Side of the square images (default: ${DEFAULT-VALUE}).")
	int size;

	@Option(names = "--seed", paramLabel = "S", defaultValue = "0",
		description = "Seed of the scenes (default: ${DEFAULT-VALUE}).")
	long seed;

	@Option(names = "--noisy", paramLabel = "photons=P[,read=R]",
		description = "Also write camera-noise copies: Poisson noise at P photons per unit of " +
			"signal (" + (int) FluorescenceScene.COUNTS_PER_UNIT +
			" counts) and Gaussian read " + "noise of R units.")
	String noisy;

	@Option(names = "--overwrite",
		description = "Write into a folder that is not empty (the earlier set goes first: the PNGs and TIFFs of its train/, test/, tune/, their class folders and noisy/, and its sources.csv and slices.csv; other files stay).")
	boolean overwrite;

	/** The fewest and most photons at the top of the range --noisy takes. */
	static final double MIN_PHOTONS = 0.01, MAX_PHOTONS = 1e10;

	@Override
	public Integer call() {
		if (size < 16 || size > 4096) throw new GanException(
			"--size is 16-4096 pixels, not " + size);
		if (train < 0 || test < 0 || tune < 0 || train + test + tune == 0)
			throw new GanException(
				"--train, --test and --tune are counts >= 0, and one must be above 0");
		double[] noise = noisy == null ? null : cameraNoise(noisy);
		refuseBeyondDisk((long) train + test + tune, noise == null ? 1 : 2);
		List<String> splits = new ArrayList<>();
		if (train > 0) splits.add(PrepareDataCommand.TRAIN);
		if (test > 0) splits.add(PrepareDataCommand.TEST);
		if (tune > 0) splits.add(TUNE);
		List<String> folders = new ArrayList<>(splits);
		if (noise != null) for (String split : splits)
			folders.add(NOISY + "/" + split);
		PrintWriter w = spec.commandLine().getOut();
		Path out = PrepareDataCommand.checkOutput(output, overwrite, folders, List
			.of(), w);
		try (StagedDataSet set = StagedDataSet.begin(out, overwrite, folders,
			"prepare-data fluorescence", w))
		{
			for (String split : splits) {
				int count = split.equals(PrepareDataCommand.TRAIN) ? train : split
					.equals(PrepareDataCommand.TEST) ? test : tune;
				long splitId = split.equals(PrepareDataCommand.TRAIN) ? 1 : split
					.equals(PrepareDataCommand.TEST) ? 2 : 3;
				StringBuilder csv = new StringBuilder(
					"image,x,y,sigma,amplitude,psf\n");
				int sources = 0;
				for (int i = 0; i < count; i++) {
					String name = String.format(Locale.ROOT, "%s-%03d", split, i);
					long imageSeed = TaskProtocol.streamSeed(seed, splitId, i);
					FluorescenceScene.Rendered scene = FluorescenceScene.render(size,
						size, imageSeed);
					RasterImage image = scene.image().setTitle(name);
					image.properties().put(PointSource.PROPERTY, PointSource.format(scene
						.sources()));
					image.properties().put("fiji-gan.source",
						"prepare-data fluorescence --seed " + seed + " (" + split +
							" image " + i + "): " + scene.description());
					set.tiff(image, split + "/" + name + ".tif");
					for (PointSource s : scene.sources())
						csv.append(Csv.line(name, Numbers.rounded(s.x(), 6), Numbers
							.rounded(s.y(), 6), Numbers.rounded(s.sigma(), 5), Numbers
								.rounded(s.amplitude(), 6), s.airy() ? "airy" : "gaussian"));
					sources += scene.sources().size();
					if (noise != null) {
						FluorescenceScene.addCameraNoise(image, noise[0], noise[1],
							new SplittableRandom(TaskProtocol.streamSeed(seed, 10 + splitId,
								i)));
						image.properties().put("fiji-gan.noise", "Poisson at " + Numbers
							.exact(noise[0]) + " photons per unit, read noise " + Numbers
								.exact(noise[1]) + " units");
						set.tiff(image, NOISY + "/" + split + "/" + name + ".tif");
					}
					w.printf(Locale.ROOT, "%-5s %s: %s%n", split, name, scene
						.description());
					w.flush();
				}
				byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
				AtomicFile.writeStream(set.file(split + "/sources.csv"), false, o -> o
					.write(bytes));
				w.printf(Locale.ROOT, "%s: %d images, %d point sources%n", split, count,
					sources);
			}
			set.commit();
		}
		w.printf(Locale.ROOT,
			"fluorescence: %d train, %d test, %d tune (seed %d, %dx%d px) in %s%n",
			train, test, tune, seed, size, size, out);
		w.flush();
		return 0;
	}

	/**
	 * Refuses, before anything is written, a set that the disk of the output
	 * folder (or its nearest existing parent) cannot hold: each scene is an
	 * uncompressed 16-bit TIFF ({@code files} of them with the noisy copies).
	 */
	private void refuseBeyondDisk(long scenes, int files) {
		long free = DiskSpace.usableBytes(output);
		long perScene = ((long) size * size * 2 + 512) * files;
		long need = DiskSpace.times(perScene, scenes);
		if (need > free) throw new GanException(scenes + " scenes of " + size +
			"x" + size + " px need at least " + Numbers.bytes(need) + " (" + Numbers
				.bytes(perScene) + " each), but the disk of " + output + " has " +
			Numbers.bytes(free) + " free: ask for fewer (--train, --test, --tune) " +
			"or a smaller --size");
	}

	/** {@code photons=P[,read=R]} as {P, R}. */
	static double[] cameraNoise(String spec) {
		double photons = Double.NaN, read = 0;
		for (String part : spec.split(",")) {
			String[] kv = part.trim().split("=", 2);
			try {
				if (kv.length == 2 && kv[0].trim().equals("photons")) photons = Double
					.parseDouble(kv[1]);
				else if (kv.length == 2 && kv[0].trim().equals("read")) read = Double
					.parseDouble(kv[1]);
				else throw new NumberFormatException();
			}
			catch (NumberFormatException e) {
				throw new GanException("--noisy '" + spec +
					"': write photons=P[,read=R], e.g. photons=30,read=0.01");
			}
		}
		if (!(photons >= MIN_PHOTONS && photons <= MAX_PHOTONS))
			throw new GanException("--noisy '" + spec + "': the photons must be " +
				"from 0.01 to 1e10 (at the top of the range: below 0.01 nearly every " +
				"pixel counts none, above 1e10 the shot noise is under one 16-bit " +
				"step), not " + photons);
		if (!(read >= 0 && read <= 1)) throw new GanException("--noisy '" + spec +
			"': the read noise must be from 0 to 1 (a share of the whole range: " +
			"beyond 1 the images are noise clipped to 0 and 65535), not " + read);
		return new double[] { photons, read };
	}
}


package org.fijigan.cli;

import static org.fijigan.cli.MainTest.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.core.dataset.VolumeSlicerTest;
import org.fijigan.core.image.Nifti;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;

/**
 * {@code prepare-data photos|slices|fluorescence} from the command line: files,
 * counts, refusals.
 */
class PrepareDataTest {

	@TempDir
	Path dir;

	/**
	 * A 4x2 RGB PNG whose pixels are grey
	 * {@code base + 0, 100, 200, 50 / 10, 110, 210, 60}.
	 */
	Path rgbPng(Path folder, String name, int base) throws IOException {
		Files.createDirectories(folder);
		int[] grey = { 0, 100, 200, 50, 10, 110, 210, 60 };
		int[] rgb = new int[8];
		for (int i = 0; i < 8; i++)
			rgb[i] = 0xff000000 | (grey[i] + base) * 0x010101;
		Path file = folder.resolve(name);
		assertTrue(new FileSaver(new ImagePlus(name, new ColorProcessor(4, 2, rgb)))
			.saveAsPng(file.toString()));
		return file;
	}

	static int[] png(Path file) {
		ImagePlus imp = IJ.openImage(file.toString());
		assertEquals(ImagePlus.GRAY8, imp.getType(), file + " is 8-bit grey");
		byte[] b = (byte[]) imp.getProcessor().getPixels();
		int[] out = new int[b.length];
		for (int i = 0; i < b.length; i++)
			out[i] = b[i] & 0xff;
		return out;
	}

	static List<String> names(Path folder) throws IOException {
		if (!Files.isDirectory(folder)) return List.of();
		try (Stream<Path> s = Files.list(folder)) {
			return s.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}

	@Test
	void photosAreGreyShrunkAndSplitByName() throws IOException {
		Path in = dir.resolve("in");
		for (int i = 0; i < 5; i++)
			rgbPng(in, "p" + i + ".png", i);
		rgbPng(in, "skip-me.png", 0);
		Path named = rgbPng(dir.resolve("other"), "4x2.png", 40);
		Path out = dir.resolve("out");
		Result r = cli("prepare-data", "photos", "--input", in, "extra=" + named,
			"--output", out, "--max-side", 2, "--test-fraction", 0.34, "--seed", 3,
			"--exclude", "skip-*");
		assertEquals(0, r.exitCode(), r.err());
		List<String> train = names(out.resolve("train")), test = names(out.resolve(
			"test"));
		assertEquals(6, train.size() + test.size());
		assertEquals(2, test.size()); // round(0.34 * 6)
		assertTrue(train.stream().noneMatch(test::contains));
		assertFalse(train.contains("skip-me.png") || test.contains("skip-me.png"));
		assertTrue(r.out().endsWith("photos: 4 train, 2 test (seed 3) in " + out
			.toAbsolutePath() + System.lineSeparator()), r.out());
		// 4x2 -> 2x1, each pixel the mean of a 2x2 block: (0 + 100 + 10 + 110) / 4
		// = 55, then 130; +40
		Path extra = (train.contains("extra.png") ? out.resolve("train") : out
			.resolve("test")).resolve("extra.png");
		assertArrayEquals(new int[] { 95, 170 }, png(extra));

		// the same command again: refused, since the folder is not empty; with
		// --overwrite, the same split
		Result again = cli("prepare-data", "photos", "-i", in, "extra=" + named,
			"-o", out, "--max-side", 2, "--test-fraction", 0.34, "--seed", 3,
			"--exclude", "skip-*");
		assertEquals(1, again.exitCode());
		assertEquals("fiji-gan: output folder " + out +
			" is not empty; pass --overwrite to replace " +
			"its train/ and test/ images", again.err().strip());
		Files.writeString(out.resolve("train").resolve("stale.png"),
			"from an earlier split");
		Files.writeString(out.resolve("notes.txt"), "mine");
		Result over = cli("prepare-data", "photos", "-i", in, "extra=" + named,
			"-o", out, "--max-side", 2, "--test-fraction", 0.34, "--seed", 3,
			"--exclude", "skip-*", "--overwrite");
		assertEquals(0, over.exitCode(), over.err());
		assertEquals(train, names(out.resolve("train")));
		assertEquals(test, names(out.resolve("test")));
		assertTrue(Files.exists(out.resolve("notes.txt")),
			"only PNGs of train/ and test/ are deleted");
		// inputs untouched
		assertEquals(List.of("p0.png", "p1.png", "p2.png", "p3.png", "p4.png",
			"skip-me.png"), names(in));
	}

	@Test
	void photoRefusals() throws IOException {
		Path a = rgbPng(dir.resolve("a"), "x.png", 0), b = rgbPng(dir.resolve("b"),
			"x.png", 1);
		Result same = cli("prepare-data", "photos", "-i", a, b, "-o", dir.resolve(
			"o1"));
		assertEquals(1, same.exitCode());
		assertEquals("fiji-gan: " + a + " and " + b +
			" would both be written as x.png; name one with " + "NAME=FILE", same
				.err().strip());
		Result missing = cli("prepare-data", "photos", "-i", dir.resolve(
			"nope.png"), "-o", dir.resolve("o2"));
		assertEquals("fiji-gan: input file not found: " + dir.resolve("nope.png"),
			missing.err().strip());
		Path text = Files.writeString(dir.resolve("text.png"), "not a PNG");
		Result bad = cli("prepare-data", "photos", "-i", text, "-o", dir.resolve(
			"o3"));
		assertEquals(1, bad.exitCode());
		assertTrue(bad.err().startsWith("fiji-gan: cannot open input " + text), bad
			.err());
		Path file = Files.writeString(dir.resolve("o4"), "a file");
		assertEquals("fiji-gan: output " + file + " is a file, not a folder", cli(
			"prepare-data", "photos", "-i", a, "-o", file).err().strip());
		assertEquals(2, cli("prepare-data", "photos", "-o", dir.resolve("o5"))
			.exitCode()); // no --input
	}

	@Test
	void slicesOfASyntheticVolume() throws IOException {
		Path vol = dir.resolve("head.nii.gz");
		Nifti.write(vol, true, VolumeSlicerTest.ras(), "test", null);
		byte[] before = Files.readAllBytes(vol);
		Path out = dir.resolve("mri");
		Result r = cli("prepare-data", "slices", "--input", vol, "--output", out,
			"--size", 3, "--test-block", 2, "--test-every", 3);
		assertEquals(0, r.exitCode(), r.err());
		String n = System.lineSeparator();
		assertEquals(
			"head.nii.gz: 4x6x25 voxels along R, A, S (voxel axes point RAS, assumed: the file " +
				"states no orientation)" + n +
				"intensity 0.00000..100.000 -> 0..255 (0.5000%..99.50%), " +
				"foreground > 10.0000" + n +
				"axial     train   14  test    6  (of 25 slices)" + n +
				"coronal   train    4  test    2  (of 6 slices)" + n +
				"sagittal  train    3  test    0  (of 4 " + "slices)" + n +
				"total     train   21  test    8  in " + out.toAbsolutePath() + n, r
					.out());
		assertEquals(List.of("head-axial-04.png", "head-axial-05.png",
			"head-axial-10.png", "head-axial-11.png", "head-axial-16.png",
			"head-axial-17.png"), names(out.resolve("test/axial")));
		assertEquals(14, names(out.resolve("train/axial")).size());
		assertEquals(List.of("head-coronal-04.png", "head-coronal-05.png"), names(
			out.resolve("test/coronal")));
		assertEquals(List.of("head-sagittal-01.png", "head-sagittal-02.png",
			"head-sagittal-03.png"), names(out.resolve("train/sagittal")));
		assertFalse(Files.exists(out.resolve("test/sagittal")), "no empty folder");
		assertArrayEquals(new int[] { 128, 255, 0, 128, 223, 0, 128, 255, 0 }, png(
			out.resolve("test/axial/head-axial-10.png")));
		assertArrayEquals(before, Files.readAllBytes(vol));
	}

	@Test
	void sliceRefusals() throws IOException {
		Path flat = dir.resolve("flat.nii");
		Nifti.write(flat, false, new RasterImage(4, 6, 1, 1, 1, PixelType.UINT8,
			new Object[] { new byte[24] }), "2D", null);
		Result r = cli("prepare-data", "slices", "-i", flat, "-o", dir.resolve(
			"o1"));
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: flat.nii is 4x6x1 voxels: a 2D image, not a volume",
			r.err().strip());
		Path png = dir.resolve("slice.png");
		new FileSaver(new ImagePlus("s", new ByteProcessor(2, 2))).saveAsPng(png
			.toString());
		assertEquals("fiji-gan: " + png +
			" is not a NIfTI volume: slices reads .nii and .nii.gz files", cli(
				"prepare-data", "slices", "-i", png, "-o", dir.resolve("o2")).err()
				.strip());
		Path fake = Files.writeString(dir.resolve("fake.nii.gz"), "x".repeat(400));
		assertEquals("fiji-gan: fake.nii.gz is not a NIfTI-1 file", cli(
			"prepare-data", "slices", "-i", fake, "-o", dir.resolve("o3")).err()
			.strip());
		assertEquals("fiji-gan: input file not found: " + dir.resolve("none.nii"),
			cli("prepare-data", "slices", "-i", dir.resolve("none.nii"), "-o", dir
				.resolve("o4")).err().strip());
		Path vol = dir.resolve("v.nii");
		Nifti.write(vol, false, VolumeSlicerTest.ras(), "test", null);
		assertEquals(
			"fiji-gan: the minimum foreground is a fraction between 0 and 1, not 2.0",
			cli("prepare-data", "slices", "-i", vol, "-o", dir.resolve("o5"),
				"--min-foreground", 2).err().strip());
	}

	@Test
	void
		fluorescenceScenesCarryTheirSourcesAndKeepTheirTestImagesWhenTrainingGrows()
			throws IOException
	{
		Path out = dir.resolve("fluo");
		Result r = cli("prepare-data", "fluorescence", "--output", out, "--train",
			2, "--test", 1, "--tune", 1, "--size", 32, "--seed", 4, "--noisy",
			"photons=20,read=0.01");
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(List.of("sources.csv", "train-000.tif", "train-001.tif"),
			names(out.resolve("train")));
		assertEquals(List.of("sources.csv", "test-000.tif"), names(out.resolve(
			"test")));
		assertEquals(List.of("test-000.tif"), names(out.resolve("noisy/test")));
		RasterImage test = org.fijigan.ij1.ImageFileCodec.INSTANCE.read(out.resolve(
			"test/test-000.tif"), "test");
		assertEquals(PixelType.UINT16, test.type());
		List<org.fijigan.core.dataset.PointSource> sources =
			org.fijigan.core.dataset.PointSource.parse(test.properties().get(
				org.fijigan.core.dataset.PointSource.PROPERTY));
		assertTrue(sources.size() > 0);
		assertEquals(sources.size() + 1, Files.readAllLines(out.resolve(
			"test/sources.csv")).size(),
			"one CSV row per source of the image's table");
		RasterImage noisy = org.fijigan.ij1.ImageFileCodec.INSTANCE.read(out
			.resolve("noisy/test/test-000.tif"), "noisy");
		short[] a = (short[]) test.plane(0), b = (short[]) noisy.plane(0);
		int differ = 0;
		for (int i = 0; i < a.length; i++)
			differ += a[i] != b[i] ? 1 : 0;
		assertTrue(differ > a.length / 2, "the noisy copy differs: " + differ);

		Path more = dir.resolve("more");
		assertEquals(0, cli("prepare-data", "fluorescence", "--output", more,
			"--train", 5, "--test", 1, "--tune", 0, "--size", 32, "--seed", 4)
			.exitCode());
		assertArrayEquals(Files.readAllBytes(out.resolve("test/sources.csv")), Files
			.readAllBytes(more.resolve("test/sources.csv")),
			"the test scenes do not depend on the training count");
		assertFalse(Files.exists(more.resolve("tune")));

		Result refused = cli("prepare-data", "fluorescence", "--output", out,
			"--train", 1);
		assertEquals(1, refused.exitCode());
		assertTrue(refused.err().contains("not empty"), refused.err());
		Result badNoise = cli("prepare-data", "fluorescence", "--output", dir
			.resolve("x"), "--noisy", "photons=0");
		assertTrue(badNoise.err().contains("photons must be above 0"), badNoise
			.err());
	}
}

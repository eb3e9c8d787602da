
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
import org.fijigan.core.batch.OutputFolderLock;
import org.fijigan.core.batch.Shard;
import org.fijigan.core.dataset.BrainSlicerTest;
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
 * {@code prepare-data photos|slices|brain-slices|fluorescence} from the command
 * line: files, counts, refusals.
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

	/**
	 * {@code --exclude} takes one pattern: a file after it is not taken for a
	 * second pattern and left out without a word (1 train, 0 test, exit 0), but
	 * is a command-line error; several patterns repeat the option.
	 */
	@Test
	void excludeTakesOnePatternAndNeverAnInputAfterIt() throws IOException {
		Path a = rgbPng(dir.resolve("ph"), "a.png", 0), b = rgbPng(dir.resolve(
			"ph"), "b.png", 1);
		Path out = dir.resolve("out");
		Result r = cli("prepare-data", "photos", "-i", a, "--exclude", "zz*", b,
			"-o", out);
		assertEquals(2, r.exitCode(), r.out() + r.err());
		assertTrue(r.err().startsWith("fiji-gan: Unmatched argument"), r.err());
		assertFalse(Files.exists(out));

		Path in = dir.resolve("ph");
		rgbPng(in, "left-1.png", 2);
		rgbPng(in, "right-1.png", 3);
		Result two = cli("prepare-data", "photos", "-i", in, "--exclude", "left*",
			"--exclude", "right*", "-o", out, "--test-fraction", 0);
		assertEquals(0, two.exitCode(), two.err());
		assertEquals(List.of("a.png", "b.png"), names(out.resolve("train")));
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
	void inputsInsideTheFoldersItFillsAreRefusedBeforeAnythingIsDeleted()
		throws IOException
	{
		Path out = dir.resolve("set");
		Path mine = rgbPng(out.resolve("train"), "mine.png", 0);
		rgbPng(out.resolve("train"), "also.png", 5);
		for (String input : List.of(out.resolve("train").toString(), mine
			.toString(), dir.resolve("set/./train/../train/mine.png").toString()))
		{
			Result r = cli("prepare-data", "photos", "--input", input, "--output",
				out, "--overwrite");
			assertEquals(1, r.exitCode(), input);
			assertTrue(r.err().contains(" is inside " + out.resolve("train") +
				", a folder this command fills (and --overwrite empties)"), r.err());
			assertEquals(List.of("also.png", "mine.png"), names(out.resolve(
				"train")));
		}
		// through a link to the folder
		Path link = Files.createSymbolicLink(dir.resolve("link"), out.resolve(
			"train"));
		assertEquals(1, cli("prepare-data", "photos", "--input", link.resolve(
			"mine.png"), "--output", out, "--overwrite").exitCode());
		assertEquals(List.of("also.png", "mine.png"), names(out.resolve("train")));
	}

	/**
	 * A folder inside the output that prepare-data would empty and fill, reached
	 * through a symbolic link, is refused before anything is deleted or written:
	 * --overwrite had deleted the PNGs where the link led, written the new ones
	 * there and then deleted the link. The output folder itself may be a link.
	 */
	@Test
	void aLinkInsideTheOutputFolderIsRefusedAndNothingIsDeletedThroughIt()
		throws IOException
	{
		Path victim = dir.resolve("victim");
		Path keep = rgbPng(victim, "keep.png", 7);
		byte[] kept = Files.readAllBytes(keep);
		Files.writeString(victim.resolve("a.png"), "keep");
		Files.writeString(victim.resolve("b.tif"), "keep");
		List<String> before = names(victim);
		Path photo = rgbPng(dir.resolve("in"), "p1.png", 0);
		Path vol = dir.resolve("head.nii.gz");
		Nifti.write(vol, true, VolumeSlicerTest.ras(), "test", null);

		// photos: OUT/train; slices: OUT/train/axial and OUT/test; fluorescence:
		// OUT/train and OUT/noisy
		List<List<Object>> runs = List.of(List.of("photos", "--input", photo), List
			.of("slices", "--input", vol, "--size", 3), List.of("fluorescence",
				"--train", 1, "--test", 1, "--size", 16, "--noisy", "photons=20"));
		List<List<String>> links = List.of(List.of("train"), List.of("train/axial",
			"test"), List.of("train", "noisy"));
		int k = 0;
		for (int i = 0; i < runs.size(); i++)
			for (String at : links.get(i)) {
				Path out = dir.resolve("out" + k++);
				Path link = out.resolve(at);
				Files.createDirectories(link.getParent());
				Files.createSymbolicLink(link, victim);
				Files.writeString(out.resolve("notes.txt"), "mine");
				List<Object> args = new java.util.ArrayList<>(List.of("prepare-data"));
				args.addAll(runs.get(i));
				args.addAll(List.of("--output", out, "--overwrite"));
				Result r = cli(args.toArray());
				assertEquals(1, r.exitCode(), runs.get(i) + " " + at + ": " + r.out());
				assertEquals("fiji-gan: " + link + " is a symbolic link to " + victim +
					": prepare-data does not write or delete files through a link " +
					"inside its output folder (they would land outside " + out +
					"); remove the link or choose another output folder", r.err()
						.strip());
				assertEquals(before, names(victim), runs.get(i) + " " + at);
				assertArrayEquals(kept, Files.readAllBytes(keep));
				assertEquals("keep", Files.readString(victim.resolve("a.png")));
				assertEquals("keep", Files.readString(victim.resolve("b.tif")));
				assertTrue(Files.isSymbolicLink(link), "the link stays");
				assertEquals("", r.out());
			}

		// the output folder itself a link: written where it leads
		Path real = dir.resolve("real");
		Files.createDirectories(real);
		Path linked = Files.createSymbolicLink(dir.resolve("linked"), real);
		for (int run = 0; run < 2; run++) {
			Result r = cli("prepare-data", "photos", "--input", photo, "--output",
				linked, "--test-fraction", 0, "--overwrite");
			assertEquals(0, r.exitCode(), r.err());
			assertEquals(List.of("p1.png"), names(real.resolve("train")));
		}
	}

	/** Every file under {@code folder}, relative, with its bytes. */
	static java.util.Map<String, List<Byte>> tree(Path folder)
		throws IOException
	{
		java.util.Map<String, List<Byte>> files = new java.util.TreeMap<>();
		try (Stream<Path> s = Files.walk(folder)) {
			for (Path p : s.filter(Files::isRegularFile).toList()) {
				List<Byte> bytes = new java.util.ArrayList<>();
				for (byte b : Files.readAllBytes(p))
					bytes.add(b);
				files.put(folder.relativize(p).toString(), bytes);
			}
		}
		return files;
	}

	/**
	 * A photo that cannot be used, found after others were made: nothing is
	 * written, so the corrected command runs without --overwrite; with
	 * --overwrite the earlier set stays whole. The run had left the PNGs made
	 * before the bad photo (and, with --overwrite, deleted the earlier set's
	 * first), and its rerun without --overwrite was refused as "not empty".
	 */
	@Test
	void aFailedRunWritesNothingAndDeletesNothing() throws IOException {
		Path in = dir.resolve("in");
		for (String n : List.of("a", "b", "c"))
			rgbPng(in, n + ".png", n.charAt(0) - 'a');
		Path bad = in.resolve("zz.tif");
		assertTrue(new FileSaver(new ImagePlus("zz", new ij.process.FloatProcessor(
			4, 2))).saveAsTiff(bad.toString()));
		Path out = dir.resolve("out");
		Result r = cli("prepare-data", "photos", "-i", in, "-o", out, "--seed", 1);
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: " + bad +
			" is a 32-bit image; photos are 8-bit, 16-bit or RGB", r.err().strip());
		assertFalse(Files.exists(out), "no output folder, not even an empty one");
		assertEquals(List.of("in"), names(dir), "no hidden folder left beside it");

		Path moved = Files.move(bad, dir.resolve("zz.tif"));
		Result again = cli("prepare-data", "photos", "-i", in, "-o", out, "--seed",
			1);
		assertEquals(0, again.exitCode(), again.err());
		assertTrue(again.out().contains("photos: 2 train, 1 test (seed 1) in " +
			out), again.out());
		assertEquals(3, names(out.resolve("train")).size() + names(out.resolve(
			"test")).size());

		// --overwrite with another split and the bad photo back: the set as it was
		java.util.Map<String, List<Byte>> set = tree(out);
		Files.move(moved, bad);
		Result over = cli("prepare-data", "photos", "-i", in, "-o", out, "--seed",
			2, "--test-fraction", 0.5, "--overwrite");
		assertEquals(1, over.exitCode());
		assertEquals("fiji-gan: " + bad +
			" is a 32-bit image; photos are 8-bit, 16-bit or RGB", over.err()
				.strip());
		assertEquals(set, tree(out));
		assertEquals(List.of("in", "out"), names(dir));

		// slices: a volume that does not read, with --overwrite, deletes nothing
		Path vol = dir.resolve("head.nii.gz");
		Nifti.write(vol, true, VolumeSlicerTest.ras(), "test", null);
		Path mri = dir.resolve("mri");
		assertEquals(0, cli("prepare-data", "slices", "-i", vol, "-o", mri,
			"--size", 3).exitCode());
		java.util.Map<String, List<Byte>> slices = tree(mri);
		assertEquals(29, slices.size());
		Path fake = Files.writeString(dir.resolve("fake.nii.gz"), "x".repeat(400));
		Result bent = cli("prepare-data", "slices", "-i", fake, "-o", mri,
			"--overwrite");
		assertEquals(1, bent.exitCode());
		assertEquals("fiji-gan: fake.nii.gz is not a NIfTI-1 or NIfTI-2 file", bent
			.err().strip());
		assertEquals(slices, tree(mri));
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
	void oneImageIsNeverInTrainAndTestAtOnce() throws IOException {
		Path p0 = rgbPng(dir.resolve("p"), "p0.png", 0);
		Path p1 = rgbPng(dir.resolve("p"), "p1.png", 1);
		Path p2 = rgbPng(dir.resolve("p"), "p2.png", 2);
		Result twice = cli("prepare-data", "photos", "-i", "a=" + p0, "b=" + p0,
			"c=" + p1, "d=" + p2, "--test-fraction", 0.5, "-o", dir.resolve("o1"));
		assertEquals(1, twice.exitCode());
		assertEquals("fiji-gan: " + p0 + " (as a) and " + p0 + " (as b) are the " +
			"same file: give each image once, or it could be in train and test at " +
			"once", twice.err().strip());
		assertFalse(Files.exists(dir.resolve("o1")));
		// a folder of photos and their byte copies: each copy beside its photo
		Path in = dir.resolve("in");
		for (int i = 0; i < 6; i++) {
			Path photo = rgbPng(in, "p" + i + ".png", 10 * i);
			Files.copy(photo, in.resolve("copy" + i + ".png"));
		}
		Path out = dir.resolve("out");
		Result r = cli("prepare-data", "photos", "-i", in, "-o", out,
			"--test-fraction", 0.5, "--seed", 0);
		assertEquals(0, r.exitCode(), r.err());
		List<String> test = names(out.resolve("test")), train = names(out.resolve(
			"train"));
		assertTrue(!test.isEmpty() && !train.isEmpty(), train + " / " + test);
		for (int i = 0; i < 6; i++)
			assertEquals(test.contains("copy" + i + ".png"), test.contains("p" + i +
				".png"), "copy" + i + " and p" + i + " in " + train + " / " + test);
		for (int i = 0; i < 6; i++) {
			String side = test.contains("copy" + i + ".png") ? "test" : "train";
			assertTrue(r.out().contains("note: p" + i + " (" + in.resolve("p" + i +
				".png") + ") has the bytes of copy" + i + " (" + in.resolve("copy" + i +
					".png") + "): kept with it in " + side + System.lineSeparator()), r
						.out());
		}
	}

	@Test
	void twelveBitPhotosInSixteenBitFilesUseTheWholeGreyRange()
		throws IOException
	{
		Path in = Files.createDirectories(dir.resolve("in"));
		short[] pixels = { 1, 4090, 1000, 2045 };
		Path cam = in.resolve("cam12.tif");
		assertTrue(new FileSaver(new ImagePlus("cam12",
			new ij.process.ShortProcessor(4, 1, pixels, null))).saveAsTiff(cam
				.toString()));
		Path out = dir.resolve("out");
		Result r = cli("prepare-data", "photos", "-i", cam, "-o", out,
			"--test-fraction", 0);
		assertEquals(0, r.exitCode(), r.err());
		// divided by 257 they were 0, 16, 4, 8
		assertArrayEquals(new int[] { 0, 255, 62, 127 }, png(out.resolve(
			"train/cam12.png")));
		assertTrue(r.out().startsWith("note: " + cam + ": 16-bit values " +
			"1..4090, under a quarter of 0..65535 (divided by 257 they would be 17 " +
			"grey levels): 1..4090 scaled to 0..255" + System.lineSeparator() +
			"train"), r.out());
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
		assertEquals("fiji-gan: fake.nii.gz is not a NIfTI-1 or NIfTI-2 file", cli(
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
	void aSetWithNoImageIsRefusedAndNothingIsWritten() throws IOException {
		Path vol = dir.resolve("v.nii");
		Nifti.write(vol, false, VolumeSlicerTest.ras(), "test", null);
		Path kept = dir.resolve("kept");
		Path old = rgbPng(kept.resolve("train/axial"), "old.png", 0);
		byte[] oldBytes = Files.readAllBytes(old);
		Result inf = cli("prepare-data", "slices", "-i", vol, "-o", kept,
			"--overwrite", "--foreground-level=1e309");
		assertEquals(1, inf.exitCode());
		assertEquals("fiji-gan: the foreground level is a fraction of the high " +
			"percentile between 0 and 1, not Infinity", inf.err().strip());
		assertEquals("", inf.out());
		assertEquals("fiji-gan: the foreground level is a fraction of the high " +
			"percentile between 0 and 1, not NaN", cli("prepare-data", "slices", "-i",
				vol, "-o", dir.resolve("o1"), "--foreground-level", "NaN").err()
				.strip());
		Result none = cli("prepare-data", "slices", "-i", vol, "-o", kept,
			"--overwrite", "--foreground-level", 1, "--min-foreground", 1);
		assertEquals(1, none.exitCode());
		assertEquals("fiji-gan: no slice of v.nii has 1 of its area " +
			"(--min-foreground) above 1 times the 99.5th percentile " +
			"(--foreground-level): nothing to write", none.err().strip());
		// the earlier set is as it was, and no new folder was made
		assertEquals(List.of("train"), names(kept));
		assertEquals(List.of("old.png"), names(kept.resolve("train/axial")));
		assertArrayEquals(oldBytes, Files.readAllBytes(old));
		assertFalse(Files.exists(dir.resolve("o1")));
	}

	@Test
	void aHeldOutSetWithNoTrainingImageIsMadeWithANote() throws IOException {
		Path vol = dir.resolve("v.nii");
		Nifti.write(vol, false, VolumeSlicerTest.ras(), "test", null);
		Path slices = dir.resolve("slices");
		Result allTest = cli("prepare-data", "slices", "-i", vol, "-o", slices,
			"--test-every", 1);
		assertEquals(0, allTest.exitCode(), allTest.err());
		assertEquals(List.of("test"), names(slices));
		assertTrue(allTest.out().matches("(?s).*\\nnote: all \\d+ kept slices of " +
			"v\\.nii fall in test \\(--test-every 1\\): the set has no training " +
			"image \\(test/ only, a held-out set\\)\\R"), allTest.out());
		// as fetch-data.sh makes its micro and medical sets
		Path p = dir.resolve("p");
		rgbPng(p, "x.png", 0);
		rgbPng(p, "y.png", 5);
		Path photos = dir.resolve("photos");
		Result held = cli("prepare-data", "photos", "-i", "cell=" + p.resolve(
			"x.png"), "ihc=" + p.resolve("y.png"), "-o", photos, "--test-fraction", 1,
			"--seed", 0);
		assertEquals(0, held.exitCode(), held.err());
		assertEquals(List.of("test"), names(photos));
		assertEquals(List.of("cell.png", "ihc.png"), names(photos.resolve("test")));
		assertTrue(held.out().endsWith("photos: 0 train, 2 test (seed 0) in " +
			photos.toAbsolutePath() + System.lineSeparator() + "note: " +
			"--test-fraction 1 puts all 2 images in test: the set has no training " +
			"image (test/ only, a held-out set)" + System.lineSeparator()), held
				.out());
		Path brain = dir.resolve("b.nii");
		Nifti.write(brain, false, BrainSlicerTest.ras(), "test", null);
		Path subjects = dir.resolve("subjects");
		Result whole = cli("prepare-data", "brain-slices", "-i", brain, "--test",
			"b", "-o", subjects);
		assertEquals(0, whole.exitCode(), whole.err());
		assertEquals(List.of("slices.csv", "test"), names(subjects));
		assertTrue(whole.out().endsWith("note: --test names every input: the set " +
			"has no training image (test/ only, a held-out set)" + System
				.lineSeparator()), whole.out());
	}

	/**
	 * A volume of 25 slices along its longest axis, sliced with the defaults
	 * (every 5th block of 10 slices to test), gave a set with no test image
	 * without a word; its last line says so, why, and which flags give one.
	 */
	@Test
	void aSliceSetWithNoTestImageIsMadeWithANoteSayingWhy() throws IOException {
		Path vol = dir.resolve("v.nii");
		Nifti.write(vol, false, VolumeSlicerTest.ras(), "test", null);
		Path slices = dir.resolve("slices");
		Result r = cli("prepare-data", "slices", "-i", vol, "-o", slices, "--size",
			8);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(List.of("train"), names(slices));
		assertTrue(r.out().endsWith(System.lineSeparator() + "note: no slice of " +
			"v.nii is in test: the first test block (--test-block 10, --test-every " +
			"5) starts at slice 40, and v.nii has 25 slices along its longest axis; " +
			"--test-block 5 or less, or a smaller --test-every, puts slices in " +
			"test/: the set has no test image (train/ only)" + System
				.lineSeparator()), r.out());
	}

	@Test
	void anOverwriteIntoAFolderAnotherRunHoldsIsRefusedAndDeletesNothing()
		throws IOException
	{
		Path in = dir.resolve("in");
		for (String n : List.of("a", "b", "c"))
			rgbPng(in, n + ".png", n.charAt(0) - 'a');
		Path out = dir.resolve("out");
		assertEquals(0, cli("prepare-data", "photos", "-i", in, "-o", out)
			.exitCode());
		try (OutputFolderLock other = OutputFolderLock.acquire(out,
			OutputFolderLock.Owner.of("prepare-data photos", "", "", Shard.ALL, "")))
		{
			java.util.Map<String, List<Byte>> set = tree(out);
			Result r = cli("prepare-data", "photos", "-i", in, "-o", out, "--seed", 3,
				"--overwrite");
			assertEquals(1, r.exitCode());
			String err = r.err().strip();
			assertTrue(err.startsWith("fiji-gan: output folder " + out
				.toAbsolutePath() + " is in use by another run (pid " + ProcessHandle
					.current().pid() + " on "), err);
			assertTrue(err.contains(": prepare-data photos): wait for it to end"),
				err);
			assertEquals(1, err.lines().count(), err);
			assertEquals(set, tree(out), "the first run's set is as it was");
			assertEquals(List.of("in", "out"), names(dir),
				"no hidden folder left beside it");
		}
		Result again = cli("prepare-data", "photos", "-i", in, "-o", out, "--seed",
			3, "--overwrite");
		assertEquals(0, again.exitCode(), again.err());
		try (Stream<Path> s = Files.list(out)) {
			assertEquals(List.of("test", "train"), s.map(p -> p.getFileName()
				.toString()).sorted().toList(), "no claim left behind");
		}
		// the claim is no file of the folder's: an empty folder takes a set
		// without --overwrite
		Path empty = Files.createDirectory(dir.resolve("empty"));
		Result into = cli("prepare-data", "photos", "-i", in, "-o", empty);
		assertEquals(0, into.exitCode(), into.err());
		assertEquals(3, names(empty.resolve("train")).size() + names(empty.resolve(
			"test")).size());
	}

	@Test
	void brainSlicesOfSyntheticVolumesWithAMaskAndAHeldOutScan()
		throws IOException
	{
		// head: the ramp r + 5a + 35s (0..314) of 5x7x9 voxels of 1 mm, masked by
		// the box r 1..3, a
		// 1..5, s 1..7 given as labels (4) on a grid of its own; twin: the same
		// volume unmasked, held out
		Path head = dir.resolve("head.nii.gz"), twin = dir.resolve("twin.nii");
		Nifti.write(head, true, BrainSlicerTest.ras(), "test", null);
		Nifti.write(twin, false, BrainSlicerTest.ras(), "test", null);
		Path labels = dir.resolve("labels.nii");
		Nifti.write(labels, false, BrainSlicerTest.volume(5, 7, 9, (i, j,
			k) -> i >= 1 && i <= 3 && j >= 1 && j <= 5 && k >= 1 && k <= 7 ? 4 : 0),
			"labels", null);
		byte[] before = Files.readAllBytes(head);
		Path out = dir.resolve("mri");
		Result r = cli("prepare-data", "brain-slices", "--input", head, "--input",
			"twin=" + twin, "--mask", "head=" + labels, "--test", "twin", "--output",
			out, "--size", 5, "--pixel-mm", 1, "--position-bins", 2, "--min-area",
			0.5);
		assertEquals(0, r.exitCode(), r.err());
		String n = System.lineSeparator();
		// head's mask: 3x5x7 = 105 voxels, values 41..273 without gaps at both
		// ends: its 0.5th and
		// 99.5th percentile at ranks 0.52 and 103.48; twin: foreground above 0.1 x
		// 312.43 (the
		// whole-volume percentile), 4x6x8 mm (all but the 32 voxels below 32).
		// Frames of 5 mm cut both.
		// twin's axial slice 0 (s 0) is dropped: its foreground (a 6) lies outside
		// the frame
		assertEquals(
			"head: head.nii.gz, 5x7x9 voxels of 1.00x1.00x1.00 mm (axes RAS, assumed: the " +
				"file states no orientation)" + n +
				"  mask labels.nii (above 0): 0.1050 mL, 2x4x6 mm along R, A, S; intensity 41.5200..272.480 " +
				"-> 0..255" + n +
				"twin: twin.nii, 5x7x9 voxels of 1.00x1.00x1.00 mm (axes RAS, assumed: the file states no " +
				"orientation)" + n +
				"  no mask: the foreground: 0.2830 mL, 4x6x8 mm along R, A, S; intensity 1.57000..312.430 -> " +
				"0..255" + n + "head: train axial 7, coronal 5, sagittal 3" + n +
				"twin: test axial 8, coronal 7, sagittal 5" + n +
				"1.000 mm per pixel, 5x5 (5.000 mm), slices 1.000 mm apart" + n +
				"note: the region of head (2x4x6 mm) is wider than the frame: its edges are cut off" +
				n +
				"note: the region of twin (4x6x8 mm) is wider than the frame: its edges are cut off" +
				n +
				"total: train 15 (axial 7, coronal 5, sagittal 3), test 20 (axial 8, coronal 7, sagittal 5) " +
				"in " + out.toAbsolutePath() + n, r.out());
		// axial: positions 0, 1/6 .. 1 -> bins 1 1 1 2 2 2 2 (a boundary goes up);
		// sagittal from the middle
		assertEquals(List.of("head-axial-0.png", "head-axial-1.png",
			"head-axial-2.png"), names(out.resolve("train/axial-1")));
		assertEquals(4, names(out.resolve("train/axial-2")).size());
		assertEquals(List.of("head-sagittal-1.png"), names(out.resolve(
			"train/sagittal-1")));
		assertEquals(List.of("head-sagittal-0.png", "head-sagittal-2.png"), names(
			out.resolve("train/sagittal-2")));
		assertEquals(8, names(out.resolve("test/axial-1")).size() + names(out
			.resolve("test/axial-2")).size());
		List<String> csv = Files.readAllLines(out.resolve("slices.csv"));
		assertEquals("file,scan,split,view,index,position,bin,class,area", csv.get(
			0));
		assertEquals(
			"train/axial-1/head-axial-0.png,head,train,axial,0,0.0000,1,axial-1,0.6000",
			csv.get(1));
		assertEquals(1 + 15 + 20, csv.size());
		// head axial 3 (s 4), its row 1 (a 4), columns r 3 2 1 from the left, 0
		// outside the mask:
		// (r + 20 + 140 - 41.52) * 255 / 230.96 = 134.13, 133.03, 131.93
		int[] axial = png(out.resolve("train/axial-2/head-axial-3.png"));
		assertArrayEquals(new int[] { 0, 134, 133, 132, 0 }, java.util.Arrays
			.copyOfRange(axial, 5, 10));
		assertArrayEquals(before, Files.readAllBytes(head));
	}

	/**
	 * A spacing (or a pixel size that is the spacing) so fine that it would give
	 * millions of slices, or one beyond an int (--pixel-mm 1e-9 once crashed on a
	 * negative array size), and a --size beyond what a run makes (100000 once ran
	 * out of memory), are refused before any slice is made or anything written.
	 */
	@Test
	void slicesTooManyOrTooLargeAreRefusedBeforeAnyWork() throws IOException {
		Path vol = dir.resolve("v.nii");
		Nifti.write(vol, false, BrainSlicerTest.ras(), "test", null);
		Result r = cli("prepare-data", "brain-slices", "-i", vol, "-o", dir.resolve(
			"b1"), "--spacing-mm", "1e-6");
		assertEquals(1, r.exitCode());
		assertEquals(
			"fiji-gan: --spacing-mm 0.000001 gives 8,000,001 axial slices across the 8.0 mm of v.nii, more than the 10,000 a run makes per orientation: use a spacing (--spacing-mm) of at least 0.00080 mm",
			r.err().strip());
		r = cli("prepare-data", "brain-slices", "-i", vol, "-o", dir.resolve("b2"),
			"--pixel-mm", "1e-9");
		assertEquals(1, r.exitCode());
		assertEquals(
			"fiji-gan: --pixel-mm 0.000000001 (the slice spacing without --spacing-mm) gives 8,000,000,000 axial slices across the 8.0 mm of v.nii, more than the 10,000 a run makes per orientation: use a spacing (--spacing-mm) of at least 0.00080 mm",
			r.err().strip());
		r = cli("prepare-data", "brain-slices", "-i", vol, "-o", dir.resolve("b3"),
			"--size", "100000");
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: --size is 2-4096 pixels, not 100000", r.err()
			.strip());
		r = cli("prepare-data", "slices", "-i", vol, "-o", dir.resolve("b4"),
			"--size", "100000");
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: --size is 1-4096 pixels, not 100000", r.err()
			.strip());
		for (int i = 1; i <= 4; i++)
			assertFalse(Files.exists(dir.resolve("b" + i)), "b" + i +
				" was not created");
	}

	@Test
	void brainSliceRefusals() throws IOException {
		Path flat = dir.resolve("flat.nii");
		Nifti.write(flat, false, new RasterImage(4, 6, 1, 1, 1, PixelType.UINT8,
			new Object[] { new byte[24] }), "2D", null);
		assertEquals("fiji-gan: flat.nii is 4x6x1 voxels: a 2D image, not a volume",
			cli("prepare-data", "brain-slices", "-i", flat, "-o", dir.resolve("o1"))
				.err().strip());
		Path png = dir.resolve("slice.png");
		new FileSaver(new ImagePlus("s", new ByteProcessor(2, 2))).saveAsPng(png
			.toString());
		assertEquals("fiji-gan: " + png +
			" is not a NIfTI volume: brain-slices reads .nii and .nii.gz " + "files",
			cli("prepare-data", "brain-slices", "-i", png, "-o", dir.resolve("o2"))
				.err().strip());
		Path fake = Files.writeString(dir.resolve("fake.nii.gz"), "x".repeat(400));
		assertEquals("fiji-gan: fake.nii.gz is not a NIfTI-1 or NIfTI-2 file", cli(
			"prepare-data", "brain-slices", "-i", fake, "-o", dir.resolve("o3")).err()
			.strip());
		assertEquals("fiji-gan: input file not found: " + dir.resolve("none.nii"),
			cli("prepare-data", "brain-slices", "-i", dir.resolve("none.nii"), "-o",
				dir.resolve("o4")).err().strip());
		Path vol = dir.resolve("v.nii"), other = dir.resolve("w.nii");
		Nifti.write(vol, false, BrainSlicerTest.ras(), "test", null);
		Nifti.write(other, false, BrainSlicerTest.ras(), "test", null);
		assertEquals(
			"fiji-gan: the minimum area is a fraction between 0 and 1, not 2.0", cli(
				"prepare-data", "brain-slices", "-i", vol, "-o", dir.resolve("o5"),
				"--min-area", 2).err().strip());
		assertEquals(
			"fiji-gan: --mask auto: say whose mask it is with NAME=auto (one of v, w)",
			cli("prepare-data", "brain-slices", "-i", vol, other, "--mask", "auto",
				"-o", dir.resolve("o6")).err().strip());
		assertEquals(
			"fiji-gan: --mask x=auto: there is no input named x (inputs: v, w)", cli(
				"prepare-data", "brain-slices", "-i", vol, other, "--mask", "x=auto",
				"-o", dir.resolve("o7")).err().strip());
		assertEquals("fiji-gan: --test x: there is no input named x (inputs: v)",
			cli("prepare-data", "brain-slices", "-i", vol, "--test", "x", "-o", dir
				.resolve("o8")).err().strip());
		assertEquals("fiji-gan: " + vol + " and " + vol +
			" are both named v; name one with NAME=FILE", cli("prepare-data",
				"brain-slices", "-i", vol, vol, "-o", dir.resolve("o9")).err().strip());
		// the brain extraction finds no head in the ramp: one message, nothing
		// written
		Result auto = cli("prepare-data", "brain-slices", "-i", vol, "--mask",
			"auto", "-o", dir.resolve("o10"));
		assertEquals(1, auto.exitCode());
		assertTrue(auto.err().startsWith("fiji-gan: v.nii: no brain found"), auto
			.err());
		for (int i = 1; i <= 10; i++)
			assertFalse(Files.exists(dir.resolve("o" + i)), "o" + i +
				" was not created");
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
		assertTrue(badNoise.err().contains("photons must be from 0.01 to 1e10"),
			badNoise.err());
		// photons that once gave all-zero images (1e30, 1e-300) and read noise
		// that gave pure 0/65535 noise are refused, nothing written
		for (String[] bad : new String[][] { { "photons=1e30", "photons must " +
			"be from 0.01 to 1e10 (at the top of the range: below 0.01 nearly " +
			"every pixel counts none, above 1e10 the shot noise is under one " +
			"16-bit step), not 1.0E30" }, { "photons=1e-300", "not 1.0E-300" }, {
				"photons=30,read=1e300", "the read noise must be from 0 to 1 (a " +
					"share of the whole range: beyond 1 the images are noise clipped " +
					"to 0 and 65535), not 1.0E300" } })
		{
			Result bad1 = cli("prepare-data", "fluorescence", "--output", dir.resolve(
				"bad-noise"), "--noisy", bad[0]);
			assertEquals(1, bad1.exitCode(), bad[0]);
			assertTrue(bad1.err().startsWith("fiji-gan: --noisy '" + bad[0] +
				"': ") && bad1.err().strip().endsWith(bad[1]), bad1.err());
			assertFalse(Files.exists(dir.resolve("bad-noise")));
		}
	}

	@Test
	void anOverwriteLeavesNoFolderOfTheEarlierSetBehind() throws IOException {
		Path out = dir.resolve("fl");
		assertEquals(0, cli("prepare-data", "fluorescence", "--output", out,
			"--train", 1, "--test", 1, "--tune", 1, "--size", 16, "--seed", 3,
			"--noisy", "photons=30,read=0.01").exitCode());
		Files.writeString(out.resolve("tune/mine.txt"), "mine");
		Result again = cli("prepare-data", "fluorescence", "--output", out,
			"--overwrite", "--train", 1, "--test", 1, "--tune", 0, "--size", 16,
			"--seed", 4);
		assertEquals(0, again.exitCode(), again.err());
		// no noisy copy nor tune image of seed 3 beside the scenes of seed 4
		assertEquals(List.of("test", "train", "tune"), names(out));
		assertEquals(List.of("mine.txt"), names(out.resolve("tune")));
		assertEquals(List.of("sources.csv", "test-000.tif"), names(out.resolve(
			"test")));
		Path fresh = dir.resolve("fresh");
		assertEquals(0, cli("prepare-data", "fluorescence", "--output", fresh,
			"--train", 1, "--test", 1, "--tune", 0, "--size", 16, "--seed", 4)
			.exitCode());
		for (String f : List.of("train/sources.csv", "test/sources.csv"))
			assertArrayEquals(Files.readAllBytes(fresh.resolve(f)), Files
				.readAllBytes(out.resolve(f)), f);

		// photos over a set of slices: no slice (nor slices.csv) stays
		Path vol = dir.resolve("b.nii");
		Nifti.write(vol, false, BrainSlicerTest.ras(), "test", null);
		Path mix = dir.resolve("mix");
		assertEquals(0, cli("prepare-data", "brain-slices", "-i", vol, "-o", mix,
			"--position-bins", 2).exitCode());
		assertTrue(names(mix.resolve("train")).contains("axial-2"), names(mix
			.resolve("train")).toString());
		Path in = dir.resolve("in");
		for (int i = 0; i < 4; i++)
			rgbPng(in, "p" + i + ".png", 10 * i);
		Result photos = cli("prepare-data", "photos", "-i", in, "-o", mix,
			"--overwrite", "--test-fraction", 0.5);
		assertEquals(0, photos.exitCode(), photos.err());
		assertEquals(List.of("test", "train"), names(mix));
		List<String> all = new java.util.ArrayList<>(names(mix.resolve("train")));
		all.addAll(names(mix.resolve("test")));
		all.sort(null);
		assertEquals(List.of("p0.png", "p1.png", "p2.png", "p3.png"), all);

		// an input in a folder of the earlier set, which --overwrite empties
		Path noisy = dir.resolve("noisy-set");
		assertEquals(0, cli("prepare-data", "fluorescence", "--output", noisy,
			"--train", 1, "--test", 1, "--tune", 0, "--size", 16, "--noisy",
			"photons=30").exitCode());
		Path src = rgbPng(noisy.resolve("noisy/test"), "mine.png", 0);
		Result inside = cli("prepare-data", "photos", "-i", src, "-o", noisy,
			"--overwrite");
		assertEquals(1, inside.exitCode());
		assertEquals("fiji-gan: input " + src + " is inside " + noisy.resolve(
			"noisy/test") + ", a folder of the earlier set, which --overwrite " +
			"empties: write the data set to another folder", inside.err().strip());
		assertTrue(Files.exists(src));
	}

	@Test
	void aFluorescenceSetTheDiskCannotHoldIsRefusedBeforeAnythingIsWritten() {
		Path out = dir.resolve("huge").resolve("scenes");
		// 3 x (2^31 - 1) scenes of 4096x4096, with noisy copies: about 1.4 EB
		Result r = cli("prepare-data", "fluorescence", "--output", out, "--train",
			Integer.MAX_VALUE, "--test", Integer.MAX_VALUE, "--tune",
			Integer.MAX_VALUE, "--size", 4096, "--noisy", "photons=30");
		assertEquals(1, r.exitCode(), r.err());
		assertTrue(r.err().startsWith("fiji-gan: 6442450941 scenes of 4096x4096 " +
			"px need at least "), r.err());
		assertTrue(r.err().contains("(64.0 MiB each)"), r.err());
		assertFalse(Files.exists(dir.resolve("huge")), "nothing was created");
	}
}

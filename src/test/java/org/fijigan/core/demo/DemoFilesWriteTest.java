
package org.fijigan.core.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.batch.ImageCodec;
import org.fijigan.core.demo.DemoReport.Metric;
import org.fijigan.core.demo.DemoReport.OutputImage;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DemoFiles#write} writes the demo's files as one set: a failure or a
 * cancellation half-way leaves the folder as it was (no folder the demo
 * created, an earlier demo's files untouched), and a new set over an earlier
 * one leaves none of the earlier demo files it does not hold. The images go
 * through a codec that writes each image's tag as text, so that the files say
 * which run wrote them, and that fails at a chosen file.
 */
class DemoFilesWriteTest {

	@TempDir
	Path dir;

	@Test
	void aFailureHalfWayLeavesNoFolderTheDemoCreated() throws IOException {
		Path out = dir.resolve("fresh");
		GanException e;
		try (DemoFiles.Claim claim = DemoFiles.claim(out, false, "pass --overwrite",
			"test"))
		{
			e = assertThrows(GanException.class, () -> DemoFiles.write(report(1,
				true), image("sheet-1"), claim.dir(), new TagCodec("sr-x4-truth.png"),
				false, new CancellationToken()));
		}
		assertEquals("disk full at sr-x4-truth.png", e.getMessage());
		assertFalse(Files.exists(out), "the folder the demo created is gone");
		assertEquals(List.of(), names(dir), "no hidden folder left beside it");
	}

	@Test
	void aFailureOrCancelOverAnEarlierDemoLeavesItAsItWas() throws IOException {
		Path out = dir.resolve("demo");
		write(out, report(1, true), false, new TagCodec(null));
		Files.writeString(out.resolve("mine.txt"), "keep me");
		Map<String, String> before = contents(out);
		assertEquals("seed 1", before.get("sr-x2-gan.png"));

		GanException e = assertThrows(GanException.class, () -> write(out, report(2,
			true), true, new TagCodec(DemoFiles.CONTACT_SHEET)));
		assertEquals("disk full at contact-sheet.png", e.getMessage());
		assertEquals(before, contents(out), "not one file of seed 2");

		CancellationToken cancelled = new CancellationToken();
		TagCodec cancelling = new TagCodec(null) {

			@Override
			public void write(RasterImage image, String extension, Path file) {
				super.write(image, extension, file);
				cancelled.cancel(); // Ctrl-C after the first file
			}
		};
		try (DemoFiles.Claim claim = DemoFiles.claim(out, true, "", "test")) {
			assertThrows(CancellationToken.CancelledException.class, () -> DemoFiles
				.write(report(2, true), image("sheet-2"), claim.dir(), cancelling, true,
					cancelled));
		}
		assertEquals(before, contents(out));
		assertEquals(List.of("demo"), names(dir),
			"no hidden folder left beside it");
	}

	/** Stands for a kill: nothing of the run after it happens. */
	static final class Killed extends Error {

		private static final long serialVersionUID = 1L;
	}

	/**
	 * A demo over an earlier one stopped after each number of renames of its
	 * move-in in turn: killed (nothing undone in the run), the next demo on the
	 * folder puts the earlier demo back byte for byte before it looks at the
	 * folder, with a note; cancelled (Ctrl-C, SIGTERM), the run puts it back
	 * itself. Before, metrics.csv was deleted first and the files replaced one by
	 * one: a kill or a signal half-way left part of each demo and no metrics.
	 */
	@Test
	void aMoveInStoppedAfterAnyRenameLeavesTheEarlierDemo() throws IOException {
		Path out = dir.resolve("demo");
		write(out, report(1, true), false, new TagCodec(null));
		Files.writeString(out.resolve("mine.txt"), "keep me");
		Map<String, String> before = contents(out);
		String note = "a demo run was killed while it moved its files into " + out +
			"; the earlier demo is put back as it was";
		int kills = 0;
		try {
			for (int n = 0;; n++) {
				int stop = n;
				boolean[] stopped = { false };
				org.fijigan.core.io.MoveInJournal.beforeRename = done -> {
					if (done == stop) {
						stopped[0] = true;
						throw new Killed();
					}
				};
				try {
					write(out, report(2, true), true, new TagCodec(null));
				}
				catch (Killed k) {
					// as a kill -9
				}
				org.fijigan.core.io.MoveInJournal.beforeRename = done -> {};
				if (!stopped[0]) break;
				kills++;
				GanException e = assertThrows(GanException.class, () -> DemoFiles.claim(
					out, false, "pass --overwrite", "test"));
				assertEquals(out + " exists and is not empty; pass --overwrite to " +
					"write the demo into it anyway (" + note + ")", e.getMessage());
				assertEquals(before, contents(out), "after " + n + " renames");
				assertEquals(List.of("demo"), names(dir), "after " + n + " renames");
			}
		}
		finally {
			org.fijigan.core.io.MoveInJournal.beforeRename = done -> {};
		}
		// the 6 earlier files aside (metrics.csv first), 6 in, and the end
		assertEquals(13, kills);
		assertEquals("seed 2", contents(out).get("sr-x4-gan.png"));

		// killed, then a demo with --overwrite: the note, then its own set
		org.fijigan.core.io.MoveInJournal.beforeRename = done -> {
			if (done == 3) throw new Killed();
		};
		try {
			assertThrows(Killed.class, () -> write(out, report(3, true), true,
				new TagCodec(null)));
		}
		finally {
			org.fijigan.core.io.MoveInJournal.beforeRename = done -> {};
		}
		try (DemoFiles.Claim claim = DemoFiles.claim(out, true, "", "test")) {
			assertEquals(List.of(note), claim.notes());
			assertEquals("seed 2", contents(out).get("sr-x4-gan.png"));
		}

		// cancelled between two renames: put back in the run
		Map<String, String> now = contents(out);
		CancellationToken cancel = new CancellationToken();
		org.fijigan.core.io.MoveInJournal.beforeRename = done -> {
			if (done == 4) cancel.cancel();
		};
		try (DemoFiles.Claim claim = DemoFiles.claim(out, true, "", "test")) {
			assertThrows(CancellationToken.CancelledException.class, () -> DemoFiles
				.write(report(4, true), image("sheet-4"), claim.dir(), new TagCodec(
					null), true, cancel));
		}
		finally {
			org.fijigan.core.io.MoveInJournal.beforeRename = done -> {};
		}
		assertEquals(now, contents(out));
		assertEquals(List.of("demo"), names(dir), "no hidden folder left");
	}

	/**
	 * A set over an earlier one replaces the files of its names and leaves every
	 * other file, a user's PNG named like a demo file among them: only the files
	 * it writes are the demo's to replace.
	 */
	@Test
	void aSmallerSetOverAnEarlierOneLeavesEveryOtherFile() throws IOException {
		Path out = dir.resolve("demo");
		write(out, report(1, true), false, new TagCodec(null));
		Files.writeString(out.resolve("mine.txt"), "keep me");
		Files.writeString(out.resolve("denoise-cells.png"), "mine too");

		write(out, report(2, false), true, new TagCodec(null)); // sr-x4 skipped
		Map<String, String> after = contents(out);
		assertEquals(List.of("contact-sheet.png", "denoise-cells.png",
			"metrics.csv", "mine.txt", "sr-x2-gan.png", "sr-x2-truth.png",
			"sr-x4-gan.png", "sr-x4-truth.png"), List.copyOf(after.keySet()));
		assertEquals("seed 2", after.get("sr-x2-gan.png"));
		assertEquals("seed 1", after.get("sr-x4-gan.png"));
		assertEquals("sheet-2", after.get("contact-sheet.png"));
		assertTrue(after.get("metrics.csv").contains("skipped: seed 2"), after.get(
			"metrics.csv"));
		assertEquals("keep me", after.get("mine.txt"));
		assertEquals("mine too", after.get("denoise-cells.png"));
	}

	/**
	 * An output folder that is a link to another file system (or a mount point)
	 * takes the set: the hidden folder it is made in lies beside the link, and a
	 * rename across file systems failed ('Invalid cross-device link'); the files
	 * are copied beside their place and renamed onto it then.
	 */
	@Test
	void aFolderOnAnotherFileSystemTakesTheSet() throws IOException {
		Path shm = Path.of("/dev/shm");
		org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && Files
			.isWritable(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(
				dir)), "no second file system to write to");
		Path real = Files.createTempDirectory(shm, "demo-test");
		try {
			Path link = Files.createSymbolicLink(dir.resolve("link"), real);
			write(link, report(3, true), true, new TagCodec(null));
			Map<String, String> after = contents(real);
			assertEquals("seed 3", after.get("sr-x4-gan.png"));
			assertTrue(after.containsKey("metrics.csv"), after.toString());
			assertEquals(List.of("link"), names(dir));
		}
		finally {
			org.fijigan.core.io.CacheFolder.deleteTree(real);
		}
	}

	private void write(Path out, DemoReport report, boolean overwrite,
		TagCodec codec)
	{
		try (DemoFiles.Claim claim = DemoFiles.claim(out, overwrite, "", "test")) {
			DemoFiles.write(report, image("sheet-" + report.seed()), claim.dir(),
				codec, overwrite, new CancellationToken());
		}
	}

	/** sr-x2's files, and sr-x4's unless it is skipped. */
	private static DemoReport report(long seed, boolean withX4) {
		List<OutputImage> files = new ArrayList<>();
		List<Metric> metrics = new ArrayList<>();
		for (String m : withX4 ? List.of("sr-x2", "sr-x4") : List.of("sr-x2")) {
			files.add(new OutputImage(m + "-truth.png", image("seed " + seed)));
			files.add(new OutputImage(m + "-gan.png", image("seed " + seed)));
			metrics.add(new Metric("super-resolution (" + m + ")", "GAN", 20 + seed,
				0.5, ""));
		}
		if (!withX4) metrics.add(new Metric("super-resolution (sr-x4)", "-",
			Double.NaN, Double.NaN, "skipped: seed " + seed));
		return new DemoReport(seed, List.of(), metrics, files, List.of(), List.of(),
			0);
	}

	private static RasterImage image(String tag) {
		RasterImage r = RasterImage.allocate(2, 2, 1, 1, 1, PixelType.UINT8);
		r.properties().put("tag", tag);
		return r;
	}

	private static Map<String, String> contents(Path folder) throws IOException {
		Map<String, String> m = new TreeMap<>();
		for (String n : names(folder))
			m.put(n, Files.readString(folder.resolve(n)));
		return m;
	}

	private static List<String> names(Path folder) throws IOException {
		try (Stream<Path> s = Files.list(folder)) {
			return s.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}

	/** Writes an image's tag as text; fails at the file named {@code failAt}. */
	private static class TagCodec implements ImageCodec {

		private final String failAt;

		TagCodec(String failAt) {
			this.failAt = failAt;
		}

		@Override
		public boolean isImage(Path file) {
			return false;
		}

		@Override
		public boolean canWrite(String extension) {
			return true;
		}

		@Override
		public RasterImage read(Path file, String role) {
			throw new UnsupportedOperationException();
		}

		@Override
		public String cannotWrite(String extension, RasterImage image) {
			return null;
		}

		@Override
		public void write(RasterImage image, String extension, Path file) {
			String tag = image.properties().get("tag");
			// the file is a hidden temporary one named after its target
			if (failAt != null && file.getFileName().toString().startsWith("." +
				failAt + ".")) throw new GanException("disk full at " + failAt);
			try {
				Files.writeString(file, tag, StandardCharsets.UTF_8);
			}
			catch (IOException e) {
				throw new GanException(e.getMessage(), e);
			}
		}
	}
}

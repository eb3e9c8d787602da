
package org.fijigan.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {

	@TempDir
	Path dir;

	static Map<String, String> row(String input, String output, String status,
		String message)
	{
		Map<String, String> r = new LinkedHashMap<>();
		for (String c : Manifest.FOLDER_COLUMNS)
			r.put(c, "");
		r.put("input", input);
		r.put("output", output);
		r.put("status", status);
		r.put("message", message);
		return r;
	}

	@Test
	void fieldsWithCommasQuotesAndNewlinesRoundTrip() throws IOException {
		Path file = dir.resolve("manifest.csv");
		Map<String, String> tricky = row("a, \"b\".tif", "a.tif", "failed",
			"line one\nline \"two\", end");
		try (Manifest.Writer w = Manifest.Writer.create(file,
			Manifest.FOLDER_COLUMNS, List.of(row("x.tif", "x.tif", "done", ""))))
		{
			w.append(tricky);
			w.close();
			w.close(); // twice is harmless
		}
		assertTrue(Files.readString(file).startsWith(
			"input,output,bytes,model_sha256,provider,seconds,status,message,nonfinite," +
				"input_sha256,mask_sha256,settings,batch\n" +
				"x.tif,x.tif,,,,,done,,,,,,\n" + "\"a, \"\"b\"\".tif\",a.tif,"));
		Manifest.Table t = Manifest.read(file);
		assertEquals(Manifest.FOLDER_COLUMNS, t.header());
		assertEquals(List.of(row("x.tif", "x.tif", "done", ""), tricky), t.rows());
	}

	/**
	 * Names a spreadsheet would run as formulas are written behind a single
	 * quote, as is a name that starts with a quote, and read back exactly; a
	 * manifest written before (no quotes) reads the same.
	 */
	@Test
	void cellsThatASpreadsheetWouldRunAreQuotedAndReadBackExactly()
		throws IOException
	{
		Path file = dir.resolve("manifest.csv");
		List<String> names = List.of("=cmd|' -C calc'!A0.tif", "@x.tif",
			"+SUM(1;2).tif", "-x.tif", "\tx.tif", "'a.tif", "''b.tif", "'=c.tif",
			"a=.tif", "\rx.tif");
		List<Map<String, String>> rows = new ArrayList<>();
		for (String n : names)
			rows.add(row(n, n, "done", ""));
		Manifest.Writer.create(file, Manifest.FOLDER_COLUMNS, rows).close();

		List<String> firstCells = List.of(Files.readString(file).split("\n"))
			.subList(1, 10).stream().map(l -> l.split(",")[0]).toList();
		assertEquals(List.of("'=cmd|' -C calc'!A0.tif", "'@x.tif", "'+SUM(1;2).tif",
			"'-x.tif", "'\tx.tif", "''a.tif", "'''b.tif", "''=c.tif", "a=.tif"),
			firstCells);
		assertTrue(Files.readString(file).endsWith("\"'\rx.tif\",\"'\rx.tif\"," +
			",,,,done,,,,,,\n"), Files.readString(file));
		assertEquals(rows, Manifest.read(file).rows());

		// numbers, negative ones too, are no formulas: written as they are
		Path numbers = dir.resolve("numbers.csv");
		List<Map<String, String>> signed = List.of(row("-3", "-3", "done", "-0.25"),
			row("+1.5E-4", "+1.5E-4", "failed", "-inf"));
		Manifest.Writer.create(numbers, Manifest.FOLDER_COLUMNS, signed).close();
		assertTrue(Files.readString(numbers).contains("\n-3,-3,,,,,done,-0.25,"),
			Files.readString(numbers));
		assertEquals(signed, Manifest.read(numbers).rows());

		// written before cells were quoted: read as they are
		Path old = dir.resolve("old.csv");
		Files.writeString(old, "input,output,status\n-x.tif,=y.tif,done\n" +
			"'a.tif,'b.tif,done\n");
		assertEquals(List.of(Map.of("input", "-x.tif", "output", "=y.tif", "status",
			"done"), Map.of("input", "'a.tif", "output", "'b.tif", "status", "done")),
			Manifest.read(old).rows());
	}

	@Test
	void anUnterminatedLastLineFromAKilledRunIsLeftOut() throws IOException {
		Path file = dir.resolve("m.csv");
		Files.writeString(file, "input,output,status\na.tif,a.tif,done\nb.tif,b.t");
		assertEquals(List.of(Map.of("input", "a.tif", "output", "a.tif", "status",
			"done")), Manifest.read(file).rows());
	}

	@Test
	void mergeJoinsPartsSortedKeepingACompleteRowOverAFailedOne()
		throws IOException
	{
		List<String> h = Manifest.FOLDER_COLUMNS;
		Path p0 = dir.resolve("manifest.part-0-of-2.csv"), p1 = dir.resolve(
			"manifest.part-1-of-2.csv");
		Manifest.Writer.create(p0, h, List.of(row("c.tif", "c.tif", "done", ""),
			row("a.tif", "a.tif", "failed", "bad"))).close();
		Manifest.Writer.create(p1, h, List.of(row("b.tif", "b.tif", "skipped", ""),
			row("a.tif", "a.tif", "done", ""))).close();
		assertEquals(List.of(p0, p1), Manifest.partsIn(dir));

		Manifest.MergeReport r = Manifest.merge(Manifest.partsIn(dir), dir.resolve(
			"manifest.csv"));

		assertEquals(3, r.rows());
		assertEquals(Map.of("done", 2, "skipped", 1), r.statuses());
		assertEquals(List.of("a.tif"), r.duplicates());
		assertEquals(List.of(row("a.tif", "a.tif", "done", ""), row("b.tif",
			"b.tif", "skipped", ""), row("c.tif", "c.tif", "done", "")), Manifest
				.read(dir.resolve("manifest.csv")).rows());
	}

	/**
	 * merge-manifests -o without --overwrite: a merged file that exists (also one
	 * a concurrent merge wrote after the command's first look) is kept.
	 */
	@Test
	void aMergeThatMayNotReplaceKeepsTheFileItFinds() throws IOException {
		Path p0 = dir.resolve("manifest.part-0-of-1.csv");
		Manifest.Writer.create(p0, Manifest.FOLDER_COLUMNS, List.of(row("a.tif",
			"a.tif", "done", ""))).close();
		Path target = Files.writeString(dir.resolve("merged.csv"), "theirs\n");
		GanException e = assertThrows(GanException.class, () -> Manifest.merge(List
			.of(p0), target, false));
		assertEquals(target + " already exists; pass --overwrite to replace it", e
			.getMessage());
		assertEquals("theirs\n", Files.readString(target));
		assertEquals(1, Manifest.merge(List.of(p0), target, true).rows());
	}

	/** {@code row} with {@code bytes} and {@code input_sha256} set. */
	static Map<String, String> result(String output, long bytes, String input) {
		Map<String, String> r = row(output, output, "done", "");
		r.put("bytes", String.valueOf(bytes));
		r.put("input_sha256", input);
		return r;
	}

	/**
	 * Merging into the folder's own manifest (a merge job resubmitted after a
	 * later unsharded run into the folder) keeps the rows the parts do not list,
	 * keeps that run's newer row of an output a part also lists, takes a part's
	 * row where the part is newer (a shard rerun after the merge), and gives the
	 * same file when done twice.
	 */
	@Test
	void mergingIntoTheFoldersManifestKeepsItsRowsTheNewerOfTwoAndIsIdempotent()
		throws IOException
	{
		Path p0 = dir.resolve("manifest.part-0-of-2.csv"), p1 = dir.resolve(
			"manifest.part-1-of-2.csv"), target = dir.resolve("manifest.csv");
		for (String f : List.of("a.tif", "b.tif", "c.tif", "other.tif"))
			Files.write(dir.resolve(f), new byte[10]); // every size fits: times
																									// decide
		Manifest.Writer.create(p0, Manifest.FOLDER_COLUMNS, List.of(result("a.tif",
			10, "a-old"))).close();
		Manifest.Writer.create(p1, Manifest.FOLDER_COLUMNS, List.of(result("b.tif",
			10, "b-old"), result("c.tif", 10, "c-old"))).close();
		// the later run: a.tif redone from a new input, other.tif of its own
		Manifest.Writer.create(target, Manifest.FOLDER_COLUMNS, List.of(result(
			"a.tif", 10, "a-new"), result("b.tif", 10, "b-old"), result("c.tif", 10,
				"c-stale"), result("other.tif", 10, "other"))).close();
		// then shard 1 reran and redid c.tif: its part is the newest file
		Files.setLastModifiedTime(p0, java.nio.file.attribute.FileTime.fromMillis(
			1_000_000));
		Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime
			.fromMillis(2_000_000));
		Manifest.Writer.create(p1, Manifest.FOLDER_COLUMNS, List.of(result("b.tif",
			10, "b-old"), result("c.tif", 10, "c-new"))).close();
		Files.setLastModifiedTime(p1, java.nio.file.attribute.FileTime.fromMillis(
			3_000_000));

		Manifest.MergeReport r = Manifest.mergeInto(List.of(p0, p1), target);

		assertEquals(4, r.rows());
		assertEquals(2, r.kept()); // a.tif (newer) and other.tif (no part's)
		assertEquals(List.of(result("a.tif", 10, "a-new"), result("b.tif", 10,
			"b-old"), result("c.tif", 10, "c-new"), result("other.tif", 10, "other")),
			Manifest.read(target).rows());
		String once = Files.readString(target);
		assertEquals(4, Manifest.mergeInto(List.of(p0, p1), target).rows());
		assertEquals(once, Files.readString(target)); // a resubmitted merge
		// merge with replace (--overwrite): the parts' rows alone
		assertEquals(3, Manifest.merge(List.of(p0, p1), target, true).rows());
	}

	/**
	 * Of two complete rows of one output, the one whose size is the file's on
	 * disk is kept, however old its manifest file is; a row of another kind of
	 * run is refused, and nothing is written.
	 */
	@Test
	void
		mergingIntoTheFoldersManifestKeepsTheRowThatFitsTheFileAndRefusesAnotherKind()
			throws IOException
	{
		Path p0 = dir.resolve("manifest.part-0-of-1.csv"), target = dir.resolve(
			"manifest.csv");
		Files.write(dir.resolve("a.tif"), new byte[12]);
		Manifest.Writer.create(target, Manifest.FOLDER_COLUMNS, List.of(result(
			"a.tif", 12, "new"))).close();
		Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime
			.fromMillis(1_000_000));
		Manifest.Writer.create(p0, Manifest.FOLDER_COLUMNS, List.of(result("a.tif",
			10, "old"))).close();

		assertEquals(1, Manifest.mergeInto(List.of(p0), target).kept());
		assertEquals(List.of(result("a.tif", 12, "new")), Manifest.read(target)
			.rows());

		Files.writeString(target, "file,class,seed,latent,bytes,model_sha256," +
			"provider,seconds,status,message\nx.tif,0,1,,5,ab,cpu,0.1,done,\n");
		GanException e = assertThrows(GanException.class, () -> Manifest.mergeInto(
			List.of(p0), target));
		assertEquals(target + " records a generate run, unlike the parts; merge " +
			"with -o FILE.csv, or pass --overwrite to replace it (its rows are then " +
			"lost)", e.getMessage());
		assertTrue(Files.readString(target).startsWith("file,class,seed,"));
	}

	@Test
	void mergeRefusesPartsOfDifferentBatchesAndWritesNothing() {
		Path p0 = dir.resolve("manifest.part-0-of-2.csv"), p1 = dir.resolve(
			"manifest.part-1-of-2.csv");
		Map<String, String> a = row("a.tif", "a.tif", "done", ""), b = row("b.tif",
			"b.tif", "done", "");
		a.put("batch", "00000000000000aa");
		b.put("batch", "00000000000000bb");
		Manifest.Writer.create(p0, Manifest.FOLDER_COLUMNS, List.of(a)).close();
		Manifest.Writer.create(p1, Manifest.FOLDER_COLUMNS, List.of(b)).close();
		GanException e = assertThrows(GanException.class, () -> Manifest.merge(List
			.of(p0, p1), dir.resolve("manifest.csv")));
		assertTrue(e.getMessage().startsWith(
			"the parts come from different batches (other inputs, another model or " +
				"other settings): manifest.part-0-of-2.csv and manifest.part-1-of-2.csv"),
			e.getMessage());
		assertFalse(Files.exists(dir.resolve("manifest.csv")));

		b.put("batch", "00000000000000aa"); // one batch: they merge
		Manifest.Writer.create(p1, Manifest.FOLDER_COLUMNS, List.of(b)).close();
		assertEquals(2, Manifest.merge(List.of(p0, p1), dir.resolve("manifest.csv"))
			.rows());
	}

	@Test
	void mergeRefusesAMissingPartOrMixedShardCounts() {
		Path p0 = dir.resolve("manifest.part-0-of-3.csv"), p2 = dir.resolve(
			"manifest.part-2-of-3.csv");
		Manifest.Writer.create(p0, Manifest.FOLDER_COLUMNS, List.of()).close();
		Manifest.Writer.create(p2, Manifest.FOLDER_COLUMNS, List.of()).close();
		GanException e = assertThrows(GanException.class, () -> Manifest.merge(List
			.of(p0, p2), dir.resolve("manifest.csv")));
		assertEquals(
			"1 of 3 parts are missing: manifest.part-1-of-3.csv (has that shard run?)",
			e.getMessage());
		Path other = dir.resolve("manifest.part-1-of-2.csv");
		Manifest.Writer.create(other, Manifest.FOLDER_COLUMNS, List.of()).close();
		assertTrue(assertThrows(GanException.class, () -> Manifest.merge(List.of(p0,
			other), dir.resolve("manifest.csv"))).getMessage().contains(
				"different shard counts"));
		Path garbled = dir.resolve("garbled.csv");
		try {
			Files.writeString(garbled, "garbage\"\n\"x");
		}
		catch (IOException io) {
			throw new java.io.UncheckedIOException(io);
		}
		assertEquals("manifest " + garbled + " is damaged at line 1: a quote " +
			"inside a field that does not start with one (a stray quote?); repair " +
			"or remove that line and run again", assertThrows(GanException.class,
				() -> Manifest.read(garbled)).getMessage());
		// all three there, and one numbered beyond them
		Path p1 = dir.resolve("manifest.part-1-of-3.csv"), stray = dir.resolve(
			"manifest.part-5-of-3.csv");
		Manifest.Writer.create(p1, Manifest.FOLDER_COLUMNS, List.of()).close();
		Manifest.Writer.create(stray, Manifest.FOLDER_COLUMNS, List.of()).close();
		assertEquals("manifest.part-5-of-3.csv is no part of a run of 3 shards " +
			"(they are numbered 0 to 2); remove it and merge again", assertThrows(
				GanException.class, () -> Manifest.merge(List.of(p0, p1, p2, stray), dir
					.resolve("manifest.csv"))).getMessage());
		assertFalse(Files.exists(dir.resolve("manifest.csv")));
		assertEquals(0, Manifest.merge(List.of(p0, p1, p2), dir.resolve(
			"manifest.csv")).rows());
	}

	@Test
	void aStrayQuoteOrARowOfAnotherWidthIsAnErrorNamingTheLine()
		throws IOException
	{
		Path p0 = dir.resolve("manifest.part-0-of-1.csv");
		List<Map<String, String>> rows = new ArrayList<>();
		for (int i = 0; i < 5; i++)
			rows.add(row("img" + i + ".tif", "img" + i + ".tif", "done", ""));
		Manifest.Writer.create(p0, Manifest.FOLDER_COLUMNS, rows).close();
		List<String> lines = new ArrayList<>(Files.readAllLines(p0));
		lines.set(2, "\"" + lines.get(2)); // the second row
		Files.write(p0, lines);
		assertEquals("manifest " + p0 + " is damaged at line 3: a quote opened " +
			"here is never closed (a stray quote?); repair or remove that line and " +
			"run again", assertThrows(GanException.class, () -> Manifest.merge(List
				.of(p0), dir.resolve("manifest.csv"))).getMessage());
		assertFalse(Files.exists(dir.resolve("manifest.csv")));
		lines.set(2, lines.get(2).substring(1) + ",extra");
		Files.write(p0, lines);
		assertEquals("manifest " + p0 + " is damaged at line 3: 14 fields where " +
			"the header has 13; repair or remove that line and run again",
			assertThrows(GanException.class, () -> Manifest.read(p0)).getMessage());
		// the folder's own manifest too: a rerun stops instead of rewriting it
		// without the rows the quote swallowed
		assertThrows(GanException.class, () -> Manifest.earlier(dir,
			Manifest.FOLDER_COLUMNS));
	}

	@Test
	void aManifestThatIsNotUtf8IsAnErrorNamingTheLine() throws IOException {
		Path m = dir.resolve("manifest.csv");
		Files.write(m,
			"input,output,status\na.tif,a.tif,done\nb\u00e9.tif,b.tif,done\n"
				.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
		String expected = "manifest " + m +
			" is not valid UTF-8 at line 3 (saved " +
			"in another encoding, by a spreadsheet?); save it as UTF-8 CSV or " +
			"remove it";
		assertEquals(expected, assertThrows(GanException.class, () -> Manifest.read(
			m)).getMessage());
		assertEquals(expected, assertThrows(GanException.class, () -> Manifest
			.earlier(dir, List.of("input", "output", "status"))).getMessage());
		// a character cut by a write in progress, after the last line end, is
		// left out
		byte[] cut = "input,output,status\na.tif,a.tif,done\n\u00e9".getBytes(
			java.nio.charset.StandardCharsets.UTF_8);
		Files.write(m, java.util.Arrays.copyOf(cut, cut.length - 1));
		assertEquals(1, Manifest.read(m).rows().size());
	}

	@Test
	void partsOfAnEarlierShardCountAreNamedForRemoval() throws IOException {
		List<Path> parts = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			Path p = dir.resolve("manifest.part-" + i + "-of-2.csv");
			Manifest.Writer.create(p, Manifest.FOLDER_COLUMNS, List.of()).close();
			Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(
				1_000_000));
			parts.add(p);
		}
		for (int i = 0; i < 3; i++) {
			Path p = dir.resolve("manifest.part-" + i + "-of-3.csv");
			Manifest.Writer.create(p, Manifest.FOLDER_COLUMNS, List.of()).close();
			parts.add(p);
		}
		assertEquals(
			"the parts come from runs with different shard counts [2, 3];" +
				" the latest run had 3 shards, so these 2 parts are left from an " +
				"earlier run: manifest.part-0-of-2.csv, manifest.part-1-of-2.csv; " +
				"remove them and merge again", assertThrows(GanException.class,
					() -> Manifest.merge(parts, dir.resolve("manifest.csv")))
					.getMessage());
	}

	@Test
	void manyMissingPartsAreCountedAndTheFirstTenNamed() {
		Path p0 = dir.resolve("manifest.part-0-of-5000.csv");
		Manifest.Writer.create(p0, Manifest.FOLDER_COLUMNS, List.of()).close();
		long start = System.nanoTime();
		String m = assertThrows(GanException.class, () -> Manifest.merge(List.of(
			p0), dir.resolve("manifest.csv"))).getMessage();
		assertEquals(
			"4999 of 5000 parts are missing: manifest.part-1-of-5000.csv, " +
				"manifest.part-2-of-5000.csv, manifest.part-3-of-5000.csv, " +
				"manifest.part-4-of-5000.csv, manifest.part-5-of-5000.csv, " +
				"manifest.part-6-of-5000.csv, manifest.part-7-of-5000.csv, " +
				"manifest.part-8-of-5000.csv, manifest.part-9-of-5000.csv, " +
				"manifest.part-10-of-5000.csv and 4989 more (has each run?)", m);
		Path huge = dir.resolve("manifest.part-0-of-2147483647.csv");
		Manifest.Writer.create(huge, Manifest.FOLDER_COLUMNS, List.of()).close();
		assertEquals("manifest.part-0-of-2147483647.csv names more shards than " +
			"the 1000000 a batch may have; it is no part fiji-gan wrote",
			assertThrows(GanException.class, () -> Manifest.merge(List.of(huge), dir
				.resolve("manifest.csv"))).getMessage());
		assertTrue(System.nanoTime() - start < 5_000_000_000L);
	}

	@Test
	void aPlannedRowFollowedByItsResultInOnePartIsOneRowNotADuplicate() {
		Path p0 = dir.resolve("manifest.part-0-of-1.csv");
		Manifest.Writer.create(p0, Manifest.FOLDER_COLUMNS, List.of(Manifest
			.planned(row("a.tif", "a.tif", "", "")), Manifest.planned(row("b.tif",
				"b.tif", "", "")), row("b.tif", "b.tif", "done", ""), row("a.tif",
					"a.tif", "failed", "bad"))).close();

		Manifest.MergeReport r = Manifest.merge(List.of(p0), dir.resolve(
			"manifest.csv"));

		assertEquals(List.of(), r.duplicates());
		assertEquals(Map.of("done", 1, "failed", 1), r.statuses());
		assertEquals(List.of("a.tif: bad"), r.failed());
		assertEquals(List.of(row("a.tif", "a.tif", "failed", "bad"), row("b.tif",
			"b.tif", "done", "")), Manifest.read(dir.resolve("manifest.csv")).rows());
	}

	@Test
	void mergeNamesEveryPlannedOutputWithoutAResultByShardAndWritesNothing() {
		List<String> h = Manifest.FOLDER_COLUMNS;
		Path p0 = dir.resolve("manifest.part-0-of-3.csv"), p1 = dir.resolve(
			"manifest.part-1-of-3.csv"), p2 = dir.resolve("manifest.part-2-of-3.csv");
		Manifest.Writer.create(p0, h, List.of(Manifest.planned(row("a.tif", "a.tif",
			"", "")), row("a.tif", "a.tif", "done", ""))).close();
		Manifest.Writer.create(p1, h, List.of(row("b.tif", "b.tif", "skipped", ""),
			Manifest.planned(row("e.tif", "e.tif", "", "")), Manifest.planned(row(
				"c.tif", "c.tif", "", "")))).close();
		Manifest.Writer.create(p2, h, List.of(Manifest.planned(row("d.tif", "d.tif",
			"", "")))).close();

		GanException e = assertThrows(GanException.class, () -> Manifest.merge(List
			.of(p0, p1, p2), dir.resolve("manifest.csv")));

		assertEquals(
			"3 of 5 outputs have no result: 2 shards stopped before finishing. Rerun each (a " +
				"shard resumes where it stopped), then merge again. Not written:\n  shard 1/3 (2): c.tif, " +
				"e.tif\n  shard 2/3 (1): d.tif", e.getMessage());
		assertFalse(Files.exists(dir.resolve("manifest.csv")));
	}

	@Test
	void aNameWithALineBreakCannotForgeALineOfTheMergeMessage() {
		Path p0 = dir.resolve("manifest.part-0-of-1.csv");
		Manifest.Writer.create(p0, Manifest.FOLDER_COLUMNS, List.of(Manifest
			.planned(row("a.tif", "a.tif\n  shard 9/9 (1): forged.tif", "", ""))))
			.close();

		GanException e = assertThrows(GanException.class, () -> Manifest.merge(List
			.of(p0), dir.resolve("manifest.csv")));

		assertTrue(e.getMessage().endsWith("Not written:\n  shard 0/1 (1): " +
			"a.tif\\x0a  shard 9/9 (1): forged.tif"), e.getMessage());
		assertEquals(2, e.getMessage().lines().count());
	}

	/**
	 * A merge while a shard still runs says so (rather than advising to rerun a
	 * shard that has not stopped), and a long list of missing outputs is cut.
	 */
	@Test
	void mergeWhileARunStillWritesSaysSoAndListsTenNamesAShard() {
		List<Map<String, String>> planned = new ArrayList<>();
		for (int i = 0; i < 12; i++)
			planned.add(Manifest.planned(row("f" + i + ".tif", "f" + i + ".tif", "",
				"")));
		Path p0 = dir.resolve("manifest.part-0-of-1.csv");
		Manifest.Writer.create(p0, Manifest.FOLDER_COLUMNS, planned).close();
		GanException stopped = assertThrows(GanException.class, () -> Manifest
			.merge(List.of(p0), dir.resolve("manifest.csv")));
		assertTrue(stopped.getMessage().endsWith("shard 0/1 (12): f0.tif, " +
			"f1.tif, f10.tif, f11.tif, f2.tif, f3.tif, f4.tif, f5.tif, f6.tif, " +
			"f7.tif and 2 more"), stopped.getMessage());

		try (OutputFolderLock run = OutputFolderLock.acquire(dir,
			OutputFolderLock.Owner.of("generate --shard 0/1", "g", "0123456789abcdef",
				new Shard(0, 1), "b")))
		{
			GanException e = assertThrows(GanException.class, () -> Manifest.merge(
				List.of(p0), dir.resolve("manifest.csv")));
			assertTrue(e.getMessage().startsWith("12 of 12 outputs have no result " +
				"yet, and a run is still writing to the folder (pid " + ProcessHandle
					.current().pid() + " on "), e.getMessage());
			assertTrue(e.getMessage().endsWith(": generate --shard 0/1 (model g, " +
				"sha256 0123456789ab..., all items)): merge once it ends"), e
					.getMessage());
		}
		assertFalse(Files.exists(dir.resolve("manifest.csv")));
	}

	/**
	 * A merge while one shard still runs and another's part is not there yet
	 * names the running shard rather than asking whether each shard has run.
	 */
	@Test
	void aMissingPartWhileAShardStillRunsNamesIt() {
		Path p1 = dir.resolve("manifest.part-1-of-3.csv");
		Manifest.Writer.create(p1, Manifest.FOLDER_COLUMNS, List.of(Manifest
			.planned(row("a.tif", "a.tif", "", "")))).close();
		try (OutputFolderLock run = OutputFolderLock.acquire(dir,
			OutputFolderLock.Owner.of("denoise --shard 1/3", "d", "0123456789abcdef",
				new Shard(1, 3), "b")))
		{
			GanException e = assertThrows(GanException.class, () -> Manifest.merge(
				List.of(p1), dir.resolve("manifest.csv")));
			assertTrue(e.getMessage().startsWith("2 of 3 parts are missing " +
				"(manifest.part-0-of-3.csv, manifest.part-2-of-3.csv), and a run is " +
				"still writing to the folder (pid " + ProcessHandle.current().pid() +
				" on "), e.getMessage());
			assertTrue(e.getMessage().endsWith(": denoise --shard 1/3 (model d, " +
				"sha256 0123456789ab..., shard 1/3)): merge once every shard has run " +
				"and that one ends"), e.getMessage());
		}
		assertFalse(Files.exists(dir.resolve("manifest.csv")));
	}

	/**
	 * A merge into the folder's own manifest while a run writes there (whose rows
	 * the merged manifest would then replace) is refused, naming the run; into
	 * another file it goes on. The merge's own claim is gone after it.
	 */
	@Test
	void aMergeIntoTheFolderWhileARunWritesThereIsRefused() throws IOException {
		Path p0 = dir.resolve("manifest.part-0-of-1.csv");
		Files.write(dir.resolve("a.tif"), new byte[10]); // the result it records
		Manifest.Writer.create(p0, Manifest.FOLDER_COLUMNS, List.of(result("a.tif",
			10, "a"))).close();
		Path target = dir.resolve("manifest.csv");
		try (OutputFolderLock run = OutputFolderLock.acquire(dir,
			OutputFolderLock.Owner.of("denoise -i in -o out", "m", "0123456789abcdef",
				Shard.ALL, "b")))
		{
			GanException e = assertThrows(GanException.class, () -> Manifest
				.mergeInto(List.of(p0), target));
			assertTrue(e.getMessage().startsWith("a run is still writing to the " +
				"folder (pid " + ProcessHandle.current().pid() + " on "), e
					.getMessage());
			assertTrue(e.getMessage().endsWith(": denoise -i in -o out (model m, " +
				"sha256 0123456789ab..., all items)): merge once it ends"), e
					.getMessage());
			assertFalse(Files.exists(target));
			assertThrows(GanException.class, () -> Manifest.merge(List.of(p0), target,
				true));
			assertFalse(Files.exists(target));
			// elsewhere, no claim is needed
			Path elsewhere = Files.createDirectories(dir.resolve("merged")).resolve(
				"all.csv");
			assertEquals(1, Manifest.merge(List.of(p0), elsewhere, false).rows());
		}
		assertEquals(1, Manifest.mergeInto(List.of(p0), target).rows());
		try (var files = Files.list(dir)) {
			assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(
				f -> f.startsWith(".fiji-gan.run")).toList());
		}
	}

	@Test
	void aPlannedRowKeepsItsInputAndModelAndDropsResultValues() {
		Map<String, String> done = row("a.tif", "b.tif", "done", "");
		done.put("bytes", "12");
		done.put("model_sha256", "abc");
		done.put("seconds", "0.5");
		Map<String, String> expected = row("a.tif", "b.tif", "planned", "");
		expected.put("model_sha256", "abc");
		assertEquals(expected, Manifest.planned(done));
		assertEquals("done", done.get("status")); // a copy
	}

	@Test
	void temporaryNamesLeadBackToTheirTarget() {
		Path target = dir.resolve("cells.nii.gz");
		String tmp = AtomicFile.temporaryFor(target).getFileName().toString();
		assertTrue(tmp.startsWith(".cells.nii.gz.") && tmp.endsWith(".tmp.nii.gz"),
			tmp);
		assertEquals("cells.nii.gz", AtomicFile.targetOfTemporary(tmp));
		assertEquals("a.tif", AtomicFile.targetOfTemporary(".a.tif.3f.tmp.tif"));
		assertEquals(null, AtomicFile.targetOfTemporary("a.tif"));
		assertEquals(null, AtomicFile.targetOfTemporary(".hidden.tif"));
	}
}

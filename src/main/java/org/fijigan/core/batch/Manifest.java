
package org.fijigan.core.batch;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.text.Csv;
import org.fijigan.core.text.Printable;

/**
 * The CSV record of a batch: a header row, then one row per output, written as
 * each output is finished. UTF-8, {@code \n} line ends, fields quoted as RFC
 * 4180 says (only where needed). Paths are relative to the batch's input and
 * output folders, with {@code /} separators, so a manifest stays valid when the
 * folders move or are mounted elsewhere.
 * <p>
 * Status {@code done}: written by this run; {@code skipped}: found complete
 * from an earlier run (provider and seconds are that run's); {@code failed}:
 * not written, {@code message} says why, and {@code bytes} is the size of an
 * earlier result of fiji-gan's that was left in place, or {@link #FOREIGN} when
 * the file left there is someone else's (empty when there was none, or nothing
 * is known of it). Column {@code nonfinite} counts the NaN and infinite values
 * the model gave for the output (empty when it failed). Columns are read by
 * name: a manifest of an earlier version, without the last columns, is read as
 * well, and parts with different columns merge into their union. Columns
 * {@code input_sha256} and {@code mask_sha256} identify what a result was made
 * from, {@code settings} and {@code batch} how and in which batch
 * ({@link BatchSettings}): a rerun reuses a result only when all of them match.
 * <p>
 * A shard's part also records its plan: it starts with a {@code planned} row
 * for each output the shard has still to write, and each output's result row
 * follows when it is written. So a part left by a shard that died says what it
 * did not finish, and {@link #merge} can name it.
 */
public final class Manifest {

	/** The manifest of an unsharded run, and of merged parts. */
	public static final String MERGED = "manifest.csv";
	/** The manifest of shard I of N. */
	public static final Pattern PART = Pattern.compile(
		"manifest\\.part-(\\d+)-of-(\\d+)\\.csv");

	public static final List<String> FOLDER_COLUMNS = List.of("input", "output",
		"bytes", "model_sha256", "provider", "seconds", "status", "message",
		"nonfinite", "input_sha256", "mask_sha256", "settings", "batch");
	public static final List<String> GENERATE_COLUMNS = List.of("file", "class",
		"seed", "latent", "bytes", "model_sha256", "provider", "seconds", "status",
		"message", "nonfinite", "settings", "batch");
	/** The columns added since the first version: a manifest may lack them. */
	static final List<String> LATER_COLUMNS = List.of("nonfinite", "input_sha256",
		"mask_sha256", "settings", "batch");

	public static final String DONE = "done";
	public static final String SKIPPED = "skipped";
	public static final String FAILED = "failed";
	/**
	 * In a part: an output the shard is to write; its result row, appended later,
	 * supersedes it.
	 */
	public static final String PLANNED = "planned";
	/**
	 * The {@code bytes} of a {@code failed} row whose output's name holds a file
	 * of someone else's, kept: one that appeared while the run wrote, or one an
	 * unreadable input's result would replace. A rerun refuses that file until
	 * {@code --overwrite}.
	 */
	public static final String FOREIGN = "foreign";

	/**
	 * A manifest's header and rows; each row maps every header column to a value.
	 */
	public record Table(List<String> header, List<Map<String, String>> rows) {

		public Table {
			header = List.copyOf(header);
			rows = List.copyOf(rows);
		}
	}

	private Manifest() {}

	/**
	 * The column naming a row's output: {@code output}, or {@code file} for
	 * generated images.
	 */
	public static String keyColumn(List<String> header) {
		if (header.contains("output")) return "output";
		if (header.contains("file")) return "file";
		throw new GanException(
			"not a fiji-gan manifest: no 'output' or 'file' column in " + header);
	}

	/** Whether the row says its output is complete. */
	public static boolean isComplete(Map<String, String> row) {
		String s = row.get("status");
		return DONE.equals(s) || SKIPPED.equals(s);
	}

	/**
	 * {@code row} as the plan of its output: status {@code planned}, no result
	 * values.
	 */
	static Map<String, String> planned(Map<String, String> row) {
		Map<String, String> p = new LinkedHashMap<>(row);
		for (String column : List.of("bytes", "provider", "seconds", "message"))
			if (p.containsKey(column)) p.put(column, "");
		p.put("status", PLANNED);
		return p;
	}

	/**
	 * Reads a manifest. Tolerant of a manifest being written while it is read
	 * (another shard) or cut off by a killed run: an unterminated last line is
	 * left out. Anything else that no run writes is refused, naming the line, so
	 * that no row is lost unseen: bytes that are not UTF-8 (a manifest re-saved
	 * by a spreadsheet in another encoding), a stray quote, a row of another
	 * width than the header.
	 */
	public static Table read(Path file) {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(file);
		}
		catch (IOException e) {
			throw new GanException("cannot read manifest " + file + ": " + AtomicFile
				.describe(e), e);
		}
		String text = utf8(file, bytes);
		List<Csv.Record> records;
		try {
			records = Csv.records(text);
		}
		catch (Csv.MalformedException e) {
			throw new GanException("manifest " + file + " is damaged at " + e
				.getMessage() + "; repair or remove that line and run again");
		}
		if (records.isEmpty()) throw new GanException("manifest " + file + (text
			.isBlank() ? " is empty" : " has no complete line"));
		List<String> header = records.get(0).fields();
		List<Map<String, String>> rows = new ArrayList<>();
		for (Csv.Record r : records.subList(1, records.size())) {
			if (r.fields().size() != header.size()) throw new GanException(
				"manifest " + file + " is damaged at line " + r.line() + ": " + r
					.fields().size() + " fields where the header has " + header.size() +
					"; repair or remove that line and run again");
			Map<String, String> row = new LinkedHashMap<>();
			for (int i = 0; i < header.size(); i++)
				row.put(header.get(i), value(r.fields().get(i)));
			rows.add(row);
		}
		return new Table(header, rows);
	}

	/**
	 * {@code bytes} as UTF-8; bytes after the last line end (a line being
	 * written, left out anyway) may be cut inside a character.
	 */
	private static String utf8(Path file, byte[] bytes) {
		int end = bytes.length;
		while (end > 0 && bytes[end - 1] != '\n')
			end--;
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(
				CodingErrorAction.REPORT);
		ByteBuffer in = ByteBuffer.wrap(bytes, 0, end);
		CharBuffer out = CharBuffer.allocate(end + 1);
		CoderResult result = decoder.decode(in, out, true);
		if (result.isError()) {
			int line = 1;
			for (int i = 0; i < in.position(); i++)
				if (bytes[i] == '\n') line++;
			throw new GanException("manifest " + file +
				" is not valid UTF-8 at line " + line + " (saved in another " +
				"encoding, by a spreadsheet?); save it as UTF-8 CSV or remove it");
		}
		decoder.flush(out);
		out.flip();
		return out.toString() + new String(bytes, end, bytes.length - end,
			StandardCharsets.UTF_8);
	}

	/**
	 * {@code row}'s values in {@code header}'s order (empty where missing), as
	 * one CSV record.
	 */
	static String line(List<String> header, Map<String, String> row) {
		List<String> values = new ArrayList<>(header.size());
		for (String column : header) {
			String v = row.get(column);
			values.add(v == null ? "" : cell(v));
		}
		return Csv.line(values);
	}

	/**
	 * The first characters of a cell that {@link Csv#field} writes behind a
	 * single quote (a formula's), and that quote.
	 */
	private static final String FORMULA_START = Csv.FORMULA_START + "'";

	/**
	 * {@code value} as a manifest cell: a single quote before a value that starts
	 * with one, so that {@link #value} can tell it from the quote that
	 * {@link Csv#field} puts before a value a spreadsheet would take for a
	 * formula (a file named {@code =cmd|...}).
	 */
	static String cell(String value) {
		return value.startsWith("'") ? "'" + value : value;
	}

	/**
	 * The value a manifest cell holds: {@link #cell} and {@link Csv#field}'s
	 * formula quote undone. Only a quote followed by one of the characters they
	 * guard is taken off, so a manifest written before cells were guarded reads
	 * the same, except a value that itself started with such a pair (a file named
	 * {@code '=a.tif}).
	 */
	static String value(String cell) {
		return cell.length() >= 2 && cell.charAt(0) == '\'' && FORMULA_START
			.indexOf(cell.charAt(1)) >= 0 ? cell.substring(1) : cell;
	}

	/**
	 * The manifests in {@code dir}: {@code manifest.csv} and the parts, in name
	 * order.
	 */
	public static List<Path> manifestsIn(Path dir) {
		if (!Files.isDirectory(dir)) return List.of();
		try (Stream<Path> s = Files.list(dir)) {
			return s.filter(p -> {
				String n = p.getFileName().toString();
				return (n.equals(MERGED) || PART.matcher(n).matches()) && Files
					.isRegularFile(p);
			}).sorted().toList();
		}
		catch (IOException e) {
			throw new GanException("cannot list " + dir + ": " + AtomicFile.describe(
				e), e);
		}
	}

	/**
	 * What the manifests in a folder say of earlier runs.
	 *
	 * @param complete the rows that mark an output complete, by output
	 * @param kept the outputs whose file a row records as fiji-gan's, with the
	 *          sizes recorded: a complete row's result, or the earlier result
	 *          that a {@code failed} row left in place (its {@code bytes})
	 * @param refused the outputs a {@code failed} row records as holding a file
	 *          of someone else's ({@link #FOREIGN}): one that appeared while that
	 *          run wrote, which it kept
	 * @param results every output that a row other than {@code planned} names; a
	 *          {@code failed} row with neither a size nor {@link #FOREIGN} (an
	 *          image that could not be read or run, a row of an earlier version)
	 *          says nothing of the file there, and claims it as any row does
	 * @param planned every output that a {@code planned} row names
	 * @param batches the {@code batch} fingerprints of the rows
	 */
	record Earlier(Map<String, Map<String, String>> complete,
			Map<String, Set<String>> kept, Set<String> refused, Set<String> results,
			Set<String> planned, Set<String> batches) {

		static final Earlier NONE = new Earlier(Map.of(), Map.of(), Set.of(), Set
			.of(), Set.of(), Set.of());

		/**
		 * Whether {@code file}, the output {@code output}, which is there, is a
		 * file of fiji-gan's that a rerun may replace: one that a row records as
		 * fiji-gan's at the size there, or else one that a row names (a result cut
		 * short, an image that failed), unless a failed row records it as someone
		 * else's; or, when no row records a result for it, one that a shard planned
		 * or one of this very batch's outputs (a run killed between writing it and
		 * recording it). A file that a failed row records as someone else's is
		 * never claimed, and stays so until {@code --overwrite}.
		 */
		boolean claims(String output, String batch, Path file) {
			Set<String> sizes = kept.get(output);
			if (sizes != null && sizes.contains(sizeOf(file))) return true;
			if (refused.contains(output)) return false;
			if (results.contains(output)) return true;
			return planned.contains(output) || batches.contains(batch);
		}

		/**
		 * These records, with the batches of runs that were killed added
		 * ({@link OutputFolderLock#endedBatches}): a run of one of them may have
		 * renamed a result into place and been killed before recording it.
		 */
		Earlier withBatches(Set<String> more) {
			if (batches.containsAll(more)) return this;
			Set<String> all = new HashSet<>(batches);
			all.addAll(more);
			return new Earlier(complete, kept, refused, results, planned, all);
		}

		/**
		 * Whether a failed row records the file of {@code output} as someone
		 * else's, and no row records it as fiji-gan's.
		 */
		boolean refuses(String output) {
			return refused.contains(output) && !kept.containsKey(output);
		}

	}

	/**
	 * The size of {@code file} itself (a link's own), as a manifest's
	 * {@code bytes} holds it; empty when it cannot be read.
	 */
	static String sizeOf(Path file) {
		try {
			return Long.toString(Files.readAttributes(file,
				java.nio.file.attribute.BasicFileAttributes.class,
				java.nio.file.LinkOption.NOFOLLOW_LINKS).size());
		}
		catch (IOException e) {
			return "";
		}
	}

	/**
	 * Refuses, without {@code --overwrite}, to replace the manifest {@code name}
	 * in {@code dir} when it records another kind of run than one writing
	 * {@code columns} (a {@code generate} run's into a folder run's, or the
	 * reverse) or is no fiji-gan manifest at all: the run would write its own in
	 * its place, and the other run's rows, which it cannot read, would be lost. A
	 * shard writing its part checks the merged {@link #MERGED} as well, which
	 * merging its parts would replace. Only the header line is read; a damaged
	 * manifest is left to {@link #earlier} to name.
	 */
	static void refuseAnotherKind(Path dir, String name, List<String> columns,
		boolean overwrite)
	{
		if (overwrite) return;
		refuseAnotherKind(dir.resolve(name), columns);
		if (!name.equals(MERGED)) refuseAnotherKind(dir.resolve(MERGED), columns);
	}

	private static void refuseAnotherKind(Path file, List<String> columns) {
		List<String> header = header(file);
		if (header == null || isOfKind(header, columns)) return;
		String what = isOfKind(header, GENERATE_COLUMNS) ? "records a generate run"
			: isOfKind(header, FOLDER_COLUMNS)
				? "records a folder run (denoise, super-resolution, inpaint or run)"
				: "is no manifest of a fiji-gan run";
		throw new GanException(file + " " + what + "; write " + (columns.equals(
			GENERATE_COLUMNS) ? "the generated images" : "these results") +
			" into another folder, or pass --overwrite to replace it (its rows are " +
			"then lost)");
	}

	/**
	 * Whether {@code dir} is the output folder of a fiji-gan run: it holds a
	 * manifest ({@link #MERGED} or a shard's part) whose header is a folder run's
	 * or a {@code generate} run's. A folder that cannot be read is not.
	 */
	static boolean isRunOutput(Path dir) {
		List<Path> manifests;
		try {
			manifests = manifestsIn(dir);
		}
		catch (GanException e) {
			return false; // listing the folder says why
		}
		for (Path p : manifests) {
			List<String> header = header(p);
			if (header != null && (isOfKind(header, FOLDER_COLUMNS) || isOfKind(
				header, GENERATE_COLUMNS))) return true;
		}
		return false;
	}

	/**
	 * Whether a manifest with {@code header} records a run that writes
	 * {@code columns}: it has them all, those added later aside.
	 */
	private static boolean isOfKind(List<String> header, List<String> columns) {
		return header.containsAll(columns.stream().filter(c -> !LATER_COLUMNS
			.contains(c)).toList());
	}

	/** The longest header line {@link #header} reads. */
	private static final int HEADER_BYTES = 64 * 1024;

	/**
	 * The columns of {@code file}'s first line; null when there is no such
	 * regular file, or no complete first line to read.
	 */
	private static List<String> header(Path file) {
		if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS))
			return null;
		byte[] start;
		try (var in = Files.newInputStream(file)) {
			start = in.readNBytes(HEADER_BYTES);
		}
		catch (IOException e) {
			return null; // gone meanwhile, or unreadable: earlier() says why
		}
		int end = 0;
		while (end < start.length && start[end] != '\n')
			end++;
		if (end == start.length) return null;
		try {
			List<Csv.Record> records = Csv.records(new String(start, 0, end + 1,
				StandardCharsets.UTF_8));
			return records.isEmpty() ? null : records.get(0).fields();
		}
		catch (Csv.MalformedException e) {
			return null; // damaged: earlier() names the line
		}
	}

	/**
	 * Reads every manifest in {@code dir}. Rows of a manifest of another kind of
	 * batch (lacking one of {@code columns}, those added later aside) are
	 * ignored. Where several rows record one output as complete, the newer
	 * ({@link #newer}) counts: the one whose size is the file's, else the one
	 * written last.
	 */
	static Earlier earlier(Path dir, List<String> columns) {
		Map<String, Map<String, String>> complete = new LinkedHashMap<>();
		Map<String, Set<String>> kept = new HashMap<>();
		Set<String> refused = new HashSet<>(), results = new HashSet<>(), planned =
			new HashSet<>(), batches = new HashSet<>();
		String key = keyColumn(columns);
		// of two manifests' complete rows of one output, the newer is kept: an
		// older merged manifest.csv may list what a shard rerun has replaced since
		Map<String, FileTime> completeWritten = new HashMap<>();
		for (Path p : manifestsIn(dir)) {
			FileTime written = modified(p);
			Table t;
			try {
				if (Files.size(p) == 0) continue; // a part another shard is creating
			}
			catch (IOException e) {
				continue; // gone meanwhile
			}
			t = read(p); // a damaged manifest stops the run: its rows would be lost
			if (!isOfKind(t.header(), columns)) continue;
			for (Map<String, String> row : t.rows()) {
				String output = row.get(key), bytes = row.get("bytes");
				String batch = row.get("batch");
				if (batch != null && !batch.isEmpty()) batches.add(batch);
				if (PLANNED.equals(row.get("status"))) {
					planned.add(output);
					continue;
				}
				results.add(output);
				if (isComplete(row)) {
					Map<String, String> other = complete.get(output);
					if (other == null || newer(other, completeWritten.get(output), row,
						written, dir, key) == row)
					{
						complete.put(output, row);
						completeWritten.put(output, written);
					}
				}
				if (FOREIGN.equals(bytes) && !isComplete(row)) refused.add(output);
				else if (isComplete(row) || bytes != null && !bytes.isEmpty()) kept
					.computeIfAbsent(output, k -> new HashSet<>(2)).add(bytes);
			}
		}
		return new Earlier(complete, kept, refused, results, planned, batches);
	}

	/**
	 * The rows of complete outputs in {@code dir} that earlier runs recorded and
	 * that this run leaves alone (not {@code mine}), whose files are still there:
	 * a run over part of a folder keeps them in the manifest it rewrites, so that
	 * its results stay the tool's own for a later run.
	 *
	 * @param earlier what the manifests in {@code dir} record, read once by the
	 *          run (also with {@code --overwrite}, which resumes nothing)
	 */
	static List<Map<String, String>> untouched(Earlier earlier, Path dir,
		Predicate<String> mine)
	{
		List<Map<String, String>> out = new ArrayList<>();
		for (var e : earlier.complete().entrySet())
			if (!mine.test(e.getKey()) && exists(dir, e.getKey())) out.add(e
				.getValue());
		return out;
	}

	/**
	 * The complete rows of a shard's own earlier part, {@code part} (the file it
	 * is about to rewrite), of outputs that this run, all its shards together,
	 * leaves alone ({@code run} false) and whose files are still there: a shard
	 * over part of the folder keeps them in its part, as an unsharded run keeps
	 * them in the manifest ({@link #untouched}), so that a merge still lists
	 * them. Each takes this run's {@code batch}, as a skipped row does: the part
	 * is then one batch's, as a merge checks.
	 */
	static List<Map<String, String>> keptInPart(Path part, Path dir,
		List<String> columns, Predicate<Map<String, String>> run, String batch)
	{
		try {
			if (!Files.isRegularFile(part) || Files.size(part) == 0) return List.of();
		}
		catch (IOException e) {
			return List.of(); // gone meanwhile
		}
		Table t = read(part);
		if (!isOfKind(t.header(), columns)) return List.of();
		String key = keyColumn(t.header());
		Map<String, Map<String, String>> own = new LinkedHashMap<>();
		for (Map<String, String> row : t.rows())
			own.merge(row.get(key), row, Manifest::better);
		List<Map<String, String>> out = new ArrayList<>();
		for (Map<String, String> row : own.values()) {
			if (!isComplete(row) || run.test(row) || !exists(dir, row.get(key)))
				continue;
			Map<String, String> kept = new LinkedHashMap<>(row);
			kept.put("batch", batch);
			out.add(kept);
		}
		return out;
	}

	/**
	 * Whether the output {@code relative} names in {@code dir} is there; true for
	 * a name that the file-name encoding cannot write (recorded by a run under
	 * another locale): its row is kept, not lost.
	 */
	static boolean exists(Path dir, String relative) {
		try {
			return Files.exists(BatchFolders.resolve(dir, relative),
				java.nio.file.LinkOption.NOFOLLOW_LINKS);
		}
		catch (java.nio.file.InvalidPathException e) {
			return true;
		}
	}

	/**
	 * A manifest being written: created with its first rows in one atomic step
	 * (so a killed run never leaves a manifest that lost rows it had), then
	 * appended to and flushed row by row. Thread-safe. {@link #close()} is safe
	 * to call twice.
	 */
	public static final class Writer implements Closeable {

		private final List<String> header;
		private final BufferedWriter out;

		private Writer(List<String> header, BufferedWriter out) {
			this.header = header;
			this.out = out;
		}

		public static Writer create(Path file, List<String> header,
			List<Map<String, String>> first)
		{
			return create(file, true, header, first);
		}

		/**
		 * As {@link #create(Path, List, List)}; with {@code replace} false, an
		 * existing file (also one that appears meanwhile) is refused, never
		 * replaced.
		 */
		public static Writer create(Path file, boolean replace, List<String> header,
			List<Map<String, String>> first)
		{
			StringBuilder sb = new StringBuilder(Csv.line(header));
			for (Map<String, String> row : first)
				sb.append(line(header, row));
			AtomicFile.write(file, replace, tmp -> Files.writeString(tmp, sb,
				StandardCharsets.UTF_8));
			try {
				return new Writer(List.copyOf(header), Files.newBufferedWriter(file,
					StandardCharsets.UTF_8, StandardOpenOption.APPEND));
			}
			catch (IOException e) {
				throw new GanException("cannot write manifest " + file + ": " +
					AtomicFile.describe(e), e);
			}
		}

		public synchronized void append(Map<String, String> row) {
			try {
				out.write(line(header, row));
				out.flush();
			}
			catch (IOException e) {
				throw new GanException("cannot write the manifest: " + AtomicFile
					.describe(e), e);
			}
		}

		@Override
		public synchronized void close() {
			try {
				out.close();
			}
			catch (IOException e) {
				// every row was flushed when appended
			}
		}
	}

	/**
	 * What {@link #merge} did.
	 *
	 * @param rows rows written, one per output
	 * @param statuses rows per status
	 * @param duplicates outputs listed by more than one part (overlapping shards)
	 * @param failed each output recorded as failed, with its message:
	 *          {@code a.tif: cannot read ...}
	 * @param kept rows taken from the manifest merged into ({@link #mergeInto})
	 *          where the parts list no row of that output, or an older one
	 */
	public record MergeReport(Path file, int parts, int rows,
			Map<String, Integer> statuses, List<String> duplicates,
			List<String> failed, int kept) {

		public MergeReport(Path file, int parts, int rows,
			Map<String, Integer> statuses, List<String> duplicates,
			List<String> failed)
		{
			this(file, parts, rows, statuses, duplicates, failed, 0);
		}
	}

	/**
	 * Joins manifest parts into one, rows sorted by output. An output listed by
	 * several parts keeps a complete row over a failed one. Parts named
	 * {@code manifest.part-I-of-N.csv} must all be there, with one N, and every
	 * output a part planned must have its result; failed outputs are written to
	 * the merged manifest and listed in the report. Parts written by different
	 * versions (one lacking a later column) merge into the union of their
	 * columns, empty where a part had none.
	 *
	 * @throws GanException for missing parts, planned outputs without a result
	 *           (every one named, by shard; nothing is written), mixed shard
	 *           counts, or parts of different batches (by their {@code batch}
	 *           column; rows of an earlier version, without one, are not checked)
	 */
	public static MergeReport merge(List<Path> parts, Path target) {
		return merge(parts, target, true);
	}

	/**
	 * As {@link #merge(List, Path)}; with {@code replace} false, an existing
	 * {@code target} (also one another merge writes meanwhile) is refused, never
	 * replaced.
	 */
	public static MergeReport merge(List<Path> parts, Path target,
		boolean replace)
	{
		return merge(parts, target, replace, false);
	}

	/**
	 * As {@link #merge(List, Path)}, into the output folder's own manifest, which
	 * a later unsharded run into the folder may have written since the parts
	 * were: when {@code target} is there, its rows are kept where no part lists
	 * that output (the later run's other results), and where one does, the newer
	 * of the two rows is kept. Newer: of two complete rows, the one whose size is
	 * the size of the file on disk where only one's is; else the row of the
	 * manifest written last (a part's on a tie). So merging the same parts again
	 * (a merge job resubmitted) writes the same manifest, and a shard rerun after
	 * a merge still updates it.
	 *
	 * @throws GanException as {@link #merge(List, Path)}, and when {@code target}
	 *           cannot be read whole or records another kind of run than the
	 *           parts (nothing is written)
	 */
	public static MergeReport mergeInto(List<Path> parts, Path target) {
		return merge(parts, target, true, true);
	}

	private static MergeReport merge(List<Path> parts, Path target,
		boolean replace, boolean keepTarget)
	{
		if (parts.isEmpty()) throw new GanException("no manifest parts to merge");
		checkComplete(parts);
		List<String> header = null;
		Map<String, Map<String, String>> byKey = new TreeMap<>();
		Map<String, Path> partOf = new HashMap<>();
		TreeSet<String> duplicates = new TreeSet<>();
		Map<String, Path> batches = new LinkedHashMap<>();
		Map<Path, FileTime> written = new HashMap<>();
		for (Path p : parts) {
			written.put(p, modified(p));
			Table t = read(p);
			for (Map<String, String> row : t.rows()) {
				String batch = row.get("batch");
				if (batch != null && !batch.isEmpty()) batches.putIfAbsent(batch, p);
			}
			if (header == null) header = new ArrayList<>(t.header());
			else if (!header.equals(t.header())) {
				List<String> mine = new ArrayList<>(t.header()), theirs =
					new ArrayList<>(header);
				mine.removeAll(LATER_COLUMNS);
				theirs.removeAll(LATER_COLUMNS);
				if (!mine.equals(theirs)) throw new GanException(p.getFileName() +
					" has other columns " + "than " + parts.get(0).getFileName() + ": " +
					t.header() + " vs " + header);
				for (String c : t.header())
					if (!header.contains(c)) header.add(c);
			}
			String key = keyColumn(header);
			Map<String, Map<String, String>> own = new LinkedHashMap<>(); // a planned
																																		// row, then
																																		// its
																																		// result
			for (Map<String, String> row : t.rows())
				own.merge(row.get(key), row, Manifest::better);
			for (Map<String, String> row : own.values()) {
				Map<String, String> old = byKey.putIfAbsent(row.get(key), row);
				if (old == null) {
					partOf.put(row.get(key), p);
					continue;
				}
				duplicates.add(row.get(key));
				if (better(old, row) != old) {
					byKey.put(row.get(key), row);
					partOf.put(row.get(key), p);
				}
			}
		}
		if (batches.size() > 1) throw new GanException(
			"the parts come from different batches (other inputs, another model or " +
				"other settings): " + String.join(" and ", batches.values().stream()
					.map(p -> p.getFileName().toString()).distinct().toList()) +
				" do not belong together; rerun every shard of one batch into a " +
				"folder of its own, then merge");
		Map<Path, List<String>> unfinished = new LinkedHashMap<>();
		for (var e : byKey.entrySet())
			if (PLANNED.equals(e.getValue().get("status"))) unfinished
				.computeIfAbsent(partOf.get(e.getKey()), k -> new ArrayList<>()).add(e
					.getKey());
		if (!unfinished.isEmpty()) {
			List<String> running = liveRuns(parts);
			if (!running.isEmpty()) throw new GanException(unfinished.values()
				.stream().mapToInt(List::size).sum() + " of " + byKey.size() +
				" outputs have no result yet, and " + (running.size() == 1 ? "a run is"
					: running.size() + " runs are") + " still writing to the folder (" +
				String.join("; ", running) + "): merge once " + (running.size() == 1
					? "it ends" : "they end"));
			// a shard that recorded a failure and stopped: --fail-fast, which a
			// rerun repeats at the same image
			Map<Path, String> stoppedAt = new HashMap<>();
			for (var e : byKey.entrySet())
				if (FAILED.equals(e.getValue().get("status")) && unfinished.containsKey(
					partOf.get(e.getKey()))) stoppedAt.putIfAbsent(partOf.get(e.getKey()),
						e.getKey() + " (" + e.getValue().get("message") + ")");
			throw unfinishedError(unfinished, byKey.size(), stoppedAt);
		}
		String key = keyColumn(header);
		try (OutputFolderLock claim = claimOutputFolder(parts, target)) {
			int kept = 0;
			if (keepTarget && Files.isRegularFile(target)) {
				FileTime targetWritten = modified(target);
				Table mine = read(target);
				List<String> own = new ArrayList<>(mine.header()), theirs =
					new ArrayList<>(header);
				own.removeAll(LATER_COLUMNS);
				theirs.removeAll(LATER_COLUMNS);
				if (!own.equals(theirs)) throw new GanException(target + " " +
					(isOfKind(mine.header(), GENERATE_COLUMNS) ? "records a generate run"
						: isOfKind(mine.header(), FOLDER_COLUMNS)
							? "records a folder run (denoise, super-resolution, inpaint or run)"
							: "is no manifest of a fiji-gan run") + ", unlike the parts; " +
					"merge with -o FILE.csv, or pass --overwrite to replace it (its rows " +
					"are then lost)");
				for (String c : mine.header())
					if (!header.contains(c)) header.add(c);
				Path folder = target.toAbsolutePath().getParent();
				for (Map<String, String> row : mine.rows()) {
					Map<String, String> part = byKey.get(row.get(key));
					if (part != null && (line(header, part).equals(line(header, row)) ||
						newer(row, targetWritten, part, written.get(partOf.get(row.get(
							key))), folder, key) == part)) continue;
					byKey.put(row.get(key), row);
					partOf.remove(row.get(key));
					kept++;
				}
			}
			refuseAbsentResults(byKey, partOf, key);
			List<Map<String, String>> rows = new ArrayList<>(byKey.values());
			Map<String, Integer> statuses = new TreeMap<>();
			List<String> failed = new ArrayList<>();
			for (Map<String, String> r : rows) {
				statuses.merge(r.get("status"), 1, Integer::sum);
				if (!isComplete(r)) failed.add(r.get(key) + ": " + r.get("message"));
			}
			try (Writer w = Writer.create(target, replace, header, rows)) {
				// written on create
			}
			return new MergeReport(target, parts.size(), rows.size(), statuses, List
				.copyOf(duplicates), List.copyOf(failed), kept);
		}
	}

	/**
	 * Refuses to merge when a part records an output as complete (the row the
	 * merge would write) that is not in its part's folder at the recorded size:
	 * gone, or cut short since. A rerun of its shard redoes it. A row that
	 * records no size (none that fiji-gan wrote) cannot be checked.
	 *
	 * @param partOf the part each output's row comes from; a row kept from the
	 *          manifest merged into is not in it
	 */
	private static void refuseAbsentResults(Map<String, Map<String, String>> rows,
		Map<String, Path> partOf, String key)
	{
		List<String> absent = new ArrayList<>();
		for (var e : rows.entrySet()) {
			Path part = partOf.get(e.getKey());
			if (part == null || !isComplete(e.getValue()) || !e.getValue()
				.getOrDefault("bytes", "").matches("[0-9]+")) continue;
			Path folder = part.toAbsolutePath().getParent();
			if (!exists(folder, e.getKey())) {
				absent.add(e.getKey() + " (gone)");
				continue;
			}
			String size = sizeOf(BatchFolders.resolve(folder, e.getKey()));
			String recorded = e.getValue().get("bytes");
			if (!size.isEmpty() && !size.equals(recorded)) absent.add(e.getKey() +
				" (" + size + " bytes, " + recorded + " recorded)");
		}
		if (absent.isEmpty()) return;
		throw new GanException(absent.size() + " of " + rows.size() +
			" outputs the parts record as complete are not there as recorded: " +
			firstNames(absent) + ". Rerun " + (absent.size() == 1 ? "its shard"
				: "their shards") + " (a rerun redoes a result gone or cut short), " +
			"then merge again");
	}

	/**
	 * A claim on the parts' folder while the merge writes {@code target} there,
	 * or null when it writes elsewhere: a run writing to the folder meanwhile (a
	 * shard rerun, a later unsharded run) would write its rows into a manifest
	 * the merge then replaces. So a run that holds the folder is refused, naming
	 * it, and one that starts during the merge refuses to start.
	 */
	private static OutputFolderLock claimOutputFolder(List<Path> parts,
		Path target)
	{
		Path folder = target.toAbsolutePath().getParent();
		if (parts.stream().noneMatch(p -> FileIdentity.same(p.toAbsolutePath()
			.getParent(), folder))) return null;
		List<String> running = OutputFolderLock.liveRuns(folder);
		if (!running.isEmpty()) throw new GanException((running.size() == 1
			? "a run is" : running.size() + " runs are") +
			" still writing to the folder (" + String.join("; ", running) +
			"): merge once " + (running.size() == 1 ? "it ends" : "they end"));
		return OutputFolderLock.acquire(folder, OutputFolderLock.Owner.of(
			"merge-manifests", "", "", Shard.ALL, ""));
	}

	/**
	 * Of the merged manifest's row {@code mine} and a part's row of the same
	 * output (or of two rows of one output, {@code part} read later), the newer:
	 * of two complete rows, the one that has the size of the file on disk where
	 * the other has not; else the row of the file written last, the part's on a
	 * tie.
	 */
	private static Map<String, String> newer(Map<String, String> mine,
		FileTime mineWritten, Map<String, String> part, FileTime partWritten,
		Path folder, String key)
	{
		if (isComplete(mine) && isComplete(part)) {
			long size;
			try {
				size = Files.size(BatchFolders.resolve(folder, mine.get(key)));
			}
			catch (IOException | RuntimeException e) {
				size = -1; // gone: neither row has it
			}
			boolean mineFits = String.valueOf(size).equals(mine.get("bytes")),
					partFits = String.valueOf(size).equals(part.get("bytes"));
			if (mineFits != partFits) return mineFits ? mine : part;
		}
		return mineWritten.compareTo(partWritten) > 0 ? mine : part;
	}

	/** When {@code file} was last written. */
	private static FileTime modified(Path file) {
		try {
			return Files.getLastModifiedTime(file);
		}
		catch (IOException e) {
			return FileTime.fromMillis(Long.MIN_VALUE); // gone meanwhile: reading
																									// it says so
		}
	}

	/**
	 * Of two rows of one output, the one that says more: complete, then failed,
	 * then planned.
	 */
	private static Map<String, String> better(Map<String, String> a,
		Map<String, String> b)
	{
		return rank(b) > rank(a) ? b : a;
	}

	private static int rank(Map<String, String> row) {
		return isComplete(row) ? 2 : PLANNED.equals(row.get("status")) ? 0 : 1;
	}

	/**
	 * @param stoppedAt of each unfinished part that recorded a failure, the first
	 *          failed output and its message: the shard stopped there
	 *          (--fail-fast), and a rerun of it alone stops there again
	 */
	private static GanException unfinishedError(
		Map<Path, List<String>> unfinished, int planned,
		Map<Path, String> stoppedAt)
	{
		int count = unfinished.values().stream().mapToInt(List::size).sum();
		String headline = count + " of " + planned + " outputs have no result: " +
			(unfinished.size() == 1 ? "a shard" : unfinished.size() + " shards") +
			" stopped before finishing. " + (stoppedAt.keySet().containsAll(unfinished
				.keySet()) ? "Each stopped at a failure (below): " +
					"get past it, then merge again. Not written:" : "Rerun " + (unfinished
						.size() == 1 ? "it" : "each") +
						" (a shard resumes where it stopped), then merge again. Not written:");
		List<String> shards = new ArrayList<>();
		for (var e : unfinished.entrySet()) {
			Matcher m = PART.matcher(e.getKey().getFileName().toString());
			String failure = stoppedAt.get(e.getKey());
			shards.add((m.matches() ? "shard " + m.group(1) + "/" + m.group(2) : e
				.getKey().getFileName().toString()) + " (" + e.getValue().size() +
				"): " + firstNames(e.getValue()) + (failure == null ? ""
					: "; it stopped after the failure of " + Printable.of(failure) +
						" (--fail-fast): fix that image, or rerun the shard without " +
						"--fail-fast"));
		}
		return new GanException(headline, shards);
	}

	/** How many names a message lists of one shard's missing outputs. */
	static final int NAMES_LISTED = 10;

	/**
	 * The first {@link #NAMES_LISTED} names, and how many more there are; a
	 * control character in a name (a line break) is escaped, so that a name
	 * cannot forge a line of the message.
	 */
	private static String firstNames(List<String> names) {
		List<String> shown = names.subList(0, Math.min(names.size(), NAMES_LISTED))
			.stream().map(Printable::of).toList();
		return String.join(", ", shown) + (names.size() > NAMES_LISTED ? " and " +
			(names.size() - NAMES_LISTED) + " more" : "");
	}

	private static void checkComplete(List<Path> parts) {
		Map<Integer, TreeSet<Integer>> seen = new TreeMap<>();
		for (Path p : parts) {
			Matcher m = PART.matcher(p.getFileName().toString());
			if (!m.matches()) continue;
			if (m.group(2).length() > 7 || Integer.parseInt(m.group(
				2)) > Shard.MAX_COUNT || m.group(1).length() > 7)
				throw new GanException(p.getFileName() +
					" names more shards than the " + Shard.MAX_COUNT +
					" a batch may have; it is no part fiji-gan wrote");
			seen.computeIfAbsent(Integer.valueOf(m.group(2)), k -> new TreeSet<>())
				.add(Integer.valueOf(m.group(1)));
		}
		if (seen.size() > 1) throw new GanException(mixedCounts(parts));
		for (var e : seen.entrySet()) {
			List<String> stray = new ArrayList<>();
			for (int i : e.getValue())
				if (i >= e.getKey()) stray.add("manifest.part-" + i + "-of-" + e
					.getKey() + ".csv");
			if (!stray.isEmpty()) throw new GanException(firstNames(stray) + (stray
				.size() == 1 ? " is" : " are") + " no part of a run of " + e.getKey() +
				" shards (they are numbered 0 to " + (e.getKey() - 1) + "); remove " +
				(stray.size() == 1 ? "it" : "them") + " and merge again");
			// named up to NAMES_LISTED, counted in full: a count of millions is
			// looped over, never spelt out
			int count = e.getKey(), missing = count - e.getValue().size();
			if (missing == 0) continue;
			List<String> named = new ArrayList<>();
			for (int i = 0; i < count && named.size() <= NAMES_LISTED; i++)
				if (!e.getValue().contains(i)) named.add("manifest.part-" + i + "-of-" +
					count + ".csv");
			String names = missing <= NAMES_LISTED ? String.join(", ", named) : String
				.join(", ", named.subList(0, NAMES_LISTED)) + " and " + (missing -
					NAMES_LISTED) + " more";
			// a shard still running (its part may be missing yet, or others not
			// started): named, rather than a rerun advised
			List<String> running = liveRuns(parts);
			if (!running.isEmpty()) throw new GanException(missing + " of " + count +
				" parts are missing (" + names + "), and " + (running.size() == 1
					? "a run is" : running.size() + " runs are") +
				" still writing to the folder (" + String.join("; ", running) +
				"): merge once every shard has run and " + (running.size() == 1
					? "that one ends" : "those end"));
			throw new GanException(missing + " of " + count + " parts are missing: " +
				names + " (has " + (missing == 1 ? "that shard" : "each") + " run?)");
		}
	}

	/** The live runs that hold the folders of {@code parts}, named. */
	private static List<String> liveRuns(List<Path> parts) {
		List<String> running = new ArrayList<>();
		for (Path folder : parts.stream().map(p -> p.toAbsolutePath().getParent())
			.distinct().toList())
			running.addAll(OutputFolderLock.liveRuns(folder));
		return running;
	}

	/**
	 * The parts come from runs with different shard counts: names the parts of
	 * every run but the latest (by the newest part's time), to be removed. They
	 * are named, not removed, as a merge deletes nothing.
	 */
	private static String mixedCounts(List<Path> parts) {
		Map<Integer, List<Path>> byCount = new TreeMap<>();
		for (Path p : parts) {
			Matcher m = PART.matcher(p.getFileName().toString());
			if (m.matches()) byCount.computeIfAbsent(Integer.valueOf(m.group(2)),
				k -> new ArrayList<>()).add(p);
		}
		Map<Integer, Long> newest = new TreeMap<>();
		for (var e : byCount.entrySet())
			newest.put(e.getKey(), e.getValue().stream().mapToLong(p -> {
				try {
					return Files.getLastModifiedTime(p).toMillis();
				}
				catch (IOException io) {
					return Long.MIN_VALUE;
				}
			}).max().orElse(Long.MIN_VALUE));
		int latest = newest.entrySet().stream().max(Map.Entry.comparingByValue())
			.orElseThrow().getKey();
		List<String> older = new ArrayList<>();
		for (var e : byCount.entrySet())
			if (e.getKey() != latest) for (Path p : e.getValue())
				older.add(p.getFileName().toString());
		return "the parts come from runs with different shard counts " + byCount
			.keySet() + "; the latest run had " + latest + " shards, so " + (older
				.size() == 1 ? "this part is" : "these " + older.size() +
					" parts are") + " left from an earlier run: " + firstNames(older) +
			"; remove " + (older.size() == 1 ? "it" : "them") + " and merge again";
	}

	/** The shard parts in {@code dir}, by shard number. */
	public static List<Path> partsIn(Path dir) {
		return manifestsIn(dir).stream().filter(p -> PART.matcher(p.getFileName()
			.toString()).matches()).sorted(Comparator.comparingInt(p -> {
				Matcher m = PART.matcher(p.getFileName().toString());
				m.matches();
				return Integer.parseInt(m.group(1));
			})).toList();
	}
}

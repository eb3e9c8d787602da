
package org.fijigan.core.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.model.GeneratorSpec;

/**
 * Which samples a generation run draws: how many, and the class of sample
 * {@code i} (its global index, so seed {@code S + i}). Generated files of a
 * conditional model go into one sub-folder per class, named after the class (or
 * after the labelled folder being balanced). Immutable.
 */
public final class SamplePlan {

	private final long count;
	private final long[] blockEnds; // exclusive end index of each class block;
																	// null: see below
	private final int[] blockLabels;
	private final long[] labels; // one label per sample; null unless given that
																// way
	private final int cycle; // > 0: label i % cycle
	private final Map<Integer, String> folders; // label -> sub-folder; empty when
																							// unconditional

	private SamplePlan(long count, long[] blockEnds, int[] blockLabels,
		long[] labels, int cycle, Map<Integer, String> folders)
	{
		if (count < 1) throw new GanException("nothing to generate: the count is " +
			count);
		this.count = count;
		this.blockEnds = blockEnds;
		this.blockLabels = blockLabels;
		this.labels = labels;
		this.cycle = cycle;
		this.folders = Map.copyOf(folders);
	}

	/**
	 * {@code count} samples of an unconditional model (or of a conditional one's
	 * class 0).
	 */
	public static SamplePlan unconditional(long count) {
		return new SamplePlan(count, null, null, null, 0, Map.of());
	}

	/** {@code count} samples of one class. */
	public static SamplePlan oneClass(long count, int label, GeneratorSpec g) {
		checkConditional(g);
		g.requireLabel(label);
		return new SamplePlan(count, new long[] { count }, new int[] { label },
			null, 0, Map.of(label, folderName(g.className(label))));
	}

	/**
	 * {@code count} samples going through the classes in turn: sample i is class
	 * i mod classes.
	 */
	public static SamplePlan cycling(long count, GeneratorSpec g) {
		checkConditional(g);
		g.requireClassCount();
		int k = g.classCount();
		Map<Integer, String> folders = new LinkedHashMap<>();
		for (int c = 0; c < k; c++)
			folders.put(c, folderName(g.className(c)));
		return new SamplePlan(count, null, null, null, k, folders);
	}

	/** One given label per sample. */
	public static SamplePlan labels(long[] labels, GeneratorSpec g) {
		checkConditional(g);
		Map<Integer, String> folders = new LinkedHashMap<>();
		for (long l : labels) {
			g.requireLabel(l);
			folders.putIfAbsent((int) l, folderName(g.className((int) l)));
		}
		return new SamplePlan(labels.length, null, null, labels.clone(), 0,
			folders);
	}

	/** {@code perClass} samples of every class of the model, class 0 first. */
	public static SamplePlan perClass(long perClass, GeneratorSpec g) {
		checkConditional(g);
		g.requireClassCount();
		Map<Integer, Long> counts = new LinkedHashMap<>();
		Map<Integer, String> folders = new LinkedHashMap<>();
		for (int c = 0; c < g.classCount(); c++) {
			counts.put(c, perClass);
			folders.put(c, folderName(g.className(c)));
		}
		return blocks(counts, folders);
	}

	/**
	 * Enough samples of each class to bring every class of a labelled folder up
	 * to its largest: each sub-folder of {@code labelled} is a class (its name a
	 * class name of the model, or a label number), and its images, sub-folders
	 * included, are counted. Files go into sub-folders of the same names.
	 */
	public static SamplePlan balanceAgainst(Path labelled, GeneratorSpec g,
		ImageCodec codec)
	{
		checkConditional(g);
		Map<String, Long> have = countClasses(labelled, codec);
		if (have.isEmpty()) throw new GanException(labelled +
			" has no class sub-folders to balance");
		long largest = have.values().stream().mapToLong(Long::longValue).max()
			.orElse(0);
		Map<Integer, Long> counts = new TreeMap<>(); // class 0 first, as
																									// --per-class
		Map<Integer, String> folders = new LinkedHashMap<>();
		List<String> unknown = new ArrayList<>();
		for (var e : have.entrySet()) {
			int label = g.labelOfFolder(e.getKey());
			if (label < 0) {
				unknown.add(e.getKey());
				continue;
			}
			String other = folders.put(label, e.getKey());
			if (other != null) throw new GanException("folders " + other + " and " + e
				.getKey() + " both name class " + g.className(label));
			counts.put(label, largest - e.getValue());
		}
		if (!unknown.isEmpty()) throw new GanException("the folders " + unknown +
			" in " + labelled + " match none of the model's classes" + (!g
				.classNames().isEmpty() ? " " + g.classNames() : g.classCount() > 0
					? " (0.." + (g.classCount() - 1) + ")" : " (label numbers from 0)") +
			"; name class folders after them or by label number");
		if (counts.values().stream().allMatch(n -> n == 0)) throw new GanException(
			"the classes of " + labelled + " are balanced already (" + largest +
				" images each): nothing to generate");
		return blocks(counts, folders);
	}

	/**
	 * The images in each class sub-folder of {@code labelled}, by folder name.
	 */
	public static Map<String, Long> countClasses(Path labelled,
		ImageCodec codec)
	{
		if (!Files.isDirectory(labelled)) throw new GanException(
			"labelled folder not found: " + labelled);
		Map<String, Long> counts = new TreeMap<>();
		try (Stream<Path> s = Files.list(labelled)) {
			for (Path p : s.filter(Files::isDirectory).toList()) {
				String name = p.getFileName().toString();
				if (name.startsWith(".")) continue;
				counts.put(name, (long) BatchFolders.listImages(p, codec, null, null)
					.size());
			}
		}
		catch (IOException e) {
			throw new GanException("cannot list " + labelled + ": " + AtomicFile
				.describe(e), e);
		}
		return counts;
	}

	private static SamplePlan blocks(Map<Integer, Long> counts,
		Map<Integer, String> folders)
	{
		List<Long> ends = new ArrayList<>();
		List<Integer> blockLabels = new ArrayList<>();
		long end = 0;
		for (var e : counts.entrySet()) {
			if (e.getValue() == 0) continue;
			end += e.getValue();
			ends.add(end);
			blockLabels.add(e.getKey());
		}
		return new SamplePlan(end, ends.stream().mapToLong(Long::longValue)
			.toArray(), blockLabels.stream().mapToInt(Integer::intValue).toArray(),
			null, 0, folders);
	}

	/**
	 * This plan with each class going into the sub-folder of {@code outputDir}
	 * that names it already, as class folders are read (the class's name, also in
	 * another case, or its label number; {@link GeneratorSpec#labelOfFolder}):
	 * samples of a class whose folder an earlier run named otherwise (after a
	 * labelled folder's {@code BETA}) went into a second folder ({@code beta}),
	 * and the set could no longer be read. Refused when two sub-folders there
	 * name one class this plan draws.
	 */
	public SamplePlan inFoldersOf(Path outputDir, GeneratorSpec g) {
		if (!isConditional() || !Files.isDirectory(outputDir)) return this;
		Map<Integer, String> there = new LinkedHashMap<>();
		try (Stream<Path> s = Files.list(outputDir)) {
			for (Path p : s.filter(Files::isDirectory).sorted().toList()) {
				String name = p.getFileName().toString();
				int label = name.startsWith(".") ? -1 : g.labelOfFolder(name);
				if (label < 0 || !folders.containsKey(label)) continue;
				String other = there.putIfAbsent(label, name);
				if (other != null) throw new GanException(outputDir +
					" has sub-folders '" + other + "' and '" + name +
					"' that both name class " + g.className(label) +
					": put each class's images in one sub-folder");
			}
		}
		catch (IOException e) {
			throw new GanException("cannot list " + outputDir + ": " + AtomicFile
				.describe(e), e);
		}
		Map<Integer, String> into = new LinkedHashMap<>(folders);
		into.putAll(there);
		return into.equals(folders) ? this : new SamplePlan(count, blockEnds,
			blockLabels, labels, cycle, into);
	}

	/** A class name as a safe folder name. */
	static String folderName(String className) {
		String s = className.replaceAll("[^\\p{Alnum}._-]", "_");
		return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
	}

	private static void checkConditional(GeneratorSpec g) {
		if (!g.isConditional()) throw new GanException(
			"this generator takes no class: use --count N alone");
	}

	public long count() {
		return count;
	}

	public boolean isConditional() {
		return !folders.isEmpty();
	}

	/** The class label of sample {@code i}, or -1 for an unconditional model. */
	public int label(long i) {
		if (i < 0 || i >= count) throw new IndexOutOfBoundsException(i);
		if (!isConditional()) return -1;
		if (labels != null) return (int) labels[(int) i];
		if (cycle > 0) return (int) (i % cycle);
		int b = Arrays.binarySearch(blockEnds, i);
		b = b >= 0 ? b + 1 : -b - 1; // first block whose end is beyond i
		return blockLabels[b];
	}

	/** The sub-folders samples go into; none for an unconditional model. */
	java.util.Collection<String> folders() {
		return folders.values();
	}

	/** The sub-folder of sample {@code i}, or null for an unconditional model. */
	public String folder(long i) {
		return isConditional() ? folders.get(label(i)) : null;
	}

	/**
	 * Samples per sub-folder, in folder order (one entry "" when unconditional).
	 */
	public Map<String, Long> countsByFolder() {
		Map<String, Long> counts = new TreeMap<>();
		if (!isConditional()) {
			counts.put("", count);
			return counts;
		}
		if (blockEnds != null) {
			long start = 0;
			for (int b = 0; b < blockEnds.length; b++) {
				counts.merge(folders.get(blockLabels[b]), blockEnds[b] - start,
					Long::sum);
				start = blockEnds[b];
			}
			return counts;
		}
		for (long i = 0; i < count; i++)
			counts.merge(folder(i), 1L, Long::sum);
		return counts;
	}

	/**
	 * Samples {@code [from, to)} per sub-folder, in folder order (one entry ""
	 * when unconditional); a folder none of them goes into is left out.
	 */
	public Map<String, Long> countsByFolder(long from, long to) {
		if (from < 0 || to > count || from > to)
			throw new IndexOutOfBoundsException(from + ".." + to + " of " + count);
		Map<String, Long> counts = new TreeMap<>();
		if (!isConditional()) counts.put("", to - from);
		else if (blockEnds != null) {
			long start = 0;
			for (int b = 0; b < blockEnds.length; b++) {
				long n = Math.min(to, blockEnds[b]) - Math.max(from, start);
				if (n > 0) counts.merge(folders.get(blockLabels[b]), n, Long::sum);
				start = blockEnds[b];
			}
		}
		else if (cycle > 0) for (int c = 0; c < cycle; c++) {
			long n = below(to, c) - below(from, c);
			if (n > 0) counts.merge(folders.get(c), n, Long::sum);
		}
		else for (long i = from; i < to; i++)
			counts.merge(folder(i), 1L, Long::sum);
		return counts;
	}

	/** How many of samples {@code [0, end)} are class {@code c} of the cycle. */
	private long below(long end, int c) {
		return end / cycle + (end % cycle > c ? 1 : 0);
	}

	/**
	 * For the summary: e.g. {@code 48 images: axial 16, coronal 16, sagittal 16}.
	 */
	public String describe() {
		StringBuilder sb = new StringBuilder().append(count).append(count == 1
			? " image" : " images");
		if (isConditional()) {
			sb.append(":");
			countsByFolder().forEach((f, n) -> sb.append(' ').append(f).append(' ')
				.append(n).append(','));
			sb.setLength(sb.length() - 1);
		}
		return sb.toString();
	}

	/**
	 * As {@link #describe()}, of samples {@code [from, to)} alone (a shard's):
	 * e.g. {@code 16 images: axial 6, coronal 5, sagittal 5}.
	 */
	public String describe(long from, long to) {
		long n = to - from;
		StringBuilder sb = new StringBuilder().append(n).append(n == 1 ? " image"
			: " images");
		if (isConditional() && n > 0) {
			sb.append(":");
			countsByFolder(from, to).forEach((f, k) -> sb.append(' ').append(f)
				.append(' ').append(k).append(','));
			sb.setLength(sb.length() - 1);
		}
		return sb.toString();
	}
}

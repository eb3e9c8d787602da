
package org.fijigan.core.dataset;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.fijigan.core.io.FileHashes;

/**
 * A train/test split of named items that depends only on the names, the
 * fraction and the seed: each name gets a score, the first 8 bytes of
 * {@code SHA-256(seed + "/" + name)}, and the names with the lowest scores go
 * to test. The same names give the same split on every machine and Java
 * version; another seed gives another split.
 * <p>
 * The count is exact, {@code round(fraction * n)}, rather than each name's coin
 * flip, so that a set of 40 photos gets its 6 test images and not, by chance, 2
 * or 11. At least one item goes to each side when there are two or more items
 * and the fraction is strictly between 0 and 1.
 */
public final class HashSplit {

	private HashSplit() {}

	/**
	 * The names that go to test; the others go to train. Duplicate names count
	 * once.
	 */
	public static Set<String> testNames(Collection<String> names, double fraction,
		long seed)
	{
		if (!(fraction >= 0 && fraction <= 1)) throw new IllegalArgumentException(
			"the test fraction " + "is between 0 and 1, not " + fraction);
		Set<String> distinct = new TreeSet<>(names);
		int n = distinct.size();
		int k = (int) Math.round(fraction * n);
		if (fraction > 0 && fraction < 1 && n >= 2) k = Math.max(1, Math.min(n - 1,
			k));
		List<String> ranked = distinct.stream().sorted(Comparator.comparingLong((
			String s) -> score(s, seed)).thenComparing(Comparator.naturalOrder()))
			.toList();
		return ranked.subList(0, k).stream().collect(Collectors.toCollection(
			TreeSet::new));
	}

	/**
	 * As {@link #testNames(Collection, double, long)}, with copies kept on one
	 * side: a name in {@code copyOf} (a copy of the image of the name it maps to,
	 * a name that is not itself a copy) goes where that name goes. Every other
	 * name goes where {@link #testNames(Collection, double, long)} puts it among
	 * all the names, so that a copy added to a set moves no other image between
	 * train and test (the count of test images may then differ from the fraction
	 * by the copies).
	 */
	public static Set<String> testNames(Collection<String> names,
		Map<String, String> copyOf, double fraction, long seed)
	{
		Set<String> test = new TreeSet<>(testNames(names, fraction, seed));
		for (String n : names) {
			String first = copyOf.get(n);
			if (first == null) continue;
			if (test.contains(first)) test.add(n);
			else test.remove(n);
		}
		return test;
	}

	/**
	 * The name's score for {@code seed}, as an unsigned 64-bit number (compared
	 * as signed + MIN).
	 */
	static long score(String name, long seed) {
		byte[] d = FileHashes.newSha256().digest((seed + "/" + name).getBytes(
			StandardCharsets.UTF_8));
		return ByteBuffer.wrap(d).getLong() ^ Long.MIN_VALUE; // unsigned order as
																													// signed
	}
}

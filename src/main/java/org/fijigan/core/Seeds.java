
package org.fijigan.core;

/**
 * Bit mixers that turn related seeds (consecutive numbers, a seed and a step)
 * into unrelated ones before a random generator takes them. Each is a bijection
 * of {@code long}; which one a stream uses is part of what it draws, so a
 * stream keeps its mixer.
 */
public final class Seeds {

	/** The golden-ratio increment of SplitMix64. */
	public static final long GOLDEN = 0x9E3779B97F4A7C15L;

	private Seeds() {}

	/** SplitMix64's output function (Steele, Lea and Flood 2014) of {@code z}. */
	public static long splitMix(long z) {
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

	/** MurmurHash3's 64-bit finaliser (fmix64) of {@code z}. */
	public static long murmur(long z) {
		z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
		z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
		return z ^ (z >>> 33);
	}
}

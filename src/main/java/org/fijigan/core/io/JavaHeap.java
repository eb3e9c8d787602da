
package org.fijigan.core.io;

import org.fijigan.core.text.Numbers;

/**
 * The Java heap free for new arrays, for refusing work before it allocates what
 * cannot fit (an OutOfMemoryError midway leaves half-read stacks: ImageJ's
 * reader keeps the planes it had).
 */
public final class JavaHeap {

	private JavaHeap() {}

	/**
	 * The heap free for new objects: the maximum less what is in use. When that
	 * looks smaller than {@code need}, a collection runs first, for what looks
	 * used may be garbage.
	 */
	public static long free(long need) {
		Runtime rt = Runtime.getRuntime();
		long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
		if (need <= free) return free;
		System.gc();
		return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
	}

	/** The most heap this Java may have ({@code -Xmx}). */
	public static long max() {
		return Runtime.getRuntime().maxMemory();
	}

	/**
	 * "only F of the M maximum is free: give Java more (JAVA_OPTS=-XmxNg, or
	 * Edit>Options>Memory in Fiji)", N enough for {@code need} with what is in
	 * use and a quarter to spare.
	 */
	public static String shortOf(long need, long free) {
		Runtime rt = Runtime.getRuntime();
		long suggestGiB = Math.max(2, (long) Math.ceil((need + (rt.totalMemory() -
			rt.freeMemory())) * 1.25 / (1L << 30)));
		return "only " + Numbers.bytes(free) + " of the " + Numbers.bytes(max()) +
			" maximum is free: give Java more (JAVA_OPTS=-Xmx" + suggestGiB +
			"g, or Edit>Options>Memory in Fiji)";
	}
}

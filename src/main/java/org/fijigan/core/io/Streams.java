
package org.fijigan.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies between streams that stop at a bound (archives that lie about sizes).
 */
public final class Streams {

	private Streams() {}

	/**
	 * Copies {@code in} to {@code out} until {@code in} ends or more than
	 * {@code limit} bytes would have been written; nothing past the limit is
	 * written.
	 *
	 * @return the bytes {@code in} gave: more than {@code limit} where it held
	 *         more (the copy stopped there)
	 */
	public static long copyAtMost(InputStream in, OutputStream out, long limit)
		throws IOException
	{
		byte[] buffer = new byte[1 << 16];
		long copied = 0;
		for (int n; (n = in.read(buffer)) > 0;) {
			if (copied + n > limit) return copied + n;
			out.write(buffer, 0, n);
			copied += n;
		}
		return copied;
	}
}


package org.fijigan.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JavaNamesTest {

	@Test
	void theClassNamesBeforeMessagesGoAndTheMessagesStay() {
		assertEquals("Error reading PNG metadata", JavaNames.stripped(
			"javax.imageio.IIOException: Error reading PNG metadata"));
		assertEquals("cannot read: Unexpected end of ZLIB input stream", JavaNames
			.stripped("cannot read: java.io.EOFException: Unexpected end of ZLIB " +
				"input stream"));
		assertEquals("bad", JavaNames.stripped(
			"java.util.concurrent.ExecutionException: java.lang.IllegalStateException: bad"));
		assertEquals("java.lang.NullPointerException", JavaNames.stripped(
			"java.lang.NullPointerException"));
		assertEquals("tiff.version: 1.0 (at x.y)", JavaNames.stripped(
			"tiff.version: 1.0 (at x.y)"));
	}
}

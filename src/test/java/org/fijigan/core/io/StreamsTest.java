
package org.fijigan.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import org.junit.jupiter.api.Test;

class StreamsTest {

	@Test
	void copiesWithinTheLimitAndStopsBeforeWritingPastIt() throws Exception {
		byte[] data = new byte[200_000];
		new java.util.Random(3).nextBytes(data);
		ByteArrayOutputStream whole = new ByteArrayOutputStream();
		assertEquals(200_000, Streams.copyAtMost(new ByteArrayInputStream(data),
			whole, 200_000));
		assertArrayEquals(data, whole.toByteArray());

		ByteArrayOutputStream cut = new ByteArrayOutputStream();
		long given = Streams.copyAtMost(new ByteArrayInputStream(data), cut,
			199_999);
		assertTrue(given > 199_999, "" + given);
		assertTrue(cut.size() <= 199_999, "" + cut.size());
	}
}


package org.fijigan.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class PrintableTest {

	@Test
	void controlCharactersAreWrittenAsEscapesAndOtherTextIsKept() {
		String plain = "tag (0028,0010): 'n+1' \u00e9t\u00e9";
		assertSame(plain, Printable.of(plain));
		assertEquals("magic '\\x0b\\x0d\\x05' line\\x0aend\\x7f\\x9f", Printable.of(
			"magic '\u000b\r\u0005' line\nend\u007f\u009f"));
	}
}

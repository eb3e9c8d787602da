
package org.fijigan.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;

import org.junit.jupiter.api.Test;

/** Each number style on the values that tell them apart. */
class NumbersTest {

	@Test
	void exactReadsBackAsTheSameDouble() {
		assertEquals("3", Numbers.exact(3));
		assertEquals("-2", Numbers.exact(-2));
		assertEquals("0.5", Numbers.exact(0.5));
		assertEquals("99.8", Numbers.exact(99.8));
		assertEquals("1.0E-6", Numbers.exact(1e-6));
		assertEquals("1.0E15", Numbers.exact(1e15),
			"too large to be written as an integer");
		assertEquals("Infinity", Numbers.exact(Double.POSITIVE_INFINITY));
		assertEquals(0.1 + 0.2, Double.parseDouble(Numbers.exact(0.1 + 0.2)));
	}

	@Test
	void significantRoundsAllButWholeNumbers() {
		assertEquals("4", Numbers.significant(4, 4));
		assertEquals("0.5000", Numbers.significant(0.5, 4));
		assertEquals("1.333", Numbers.significant(4 / 3.0, 4));
		assertEquals("1.235e+05", Numbers.significant(123456.7, 4));
	}

	@Test
	void roundedIsPlainWithoutTrailingZeros() {
		assertEquals("0.5", Numbers.rounded(0.5, 4));
		assertEquals("0.0001235", Numbers.rounded(1.23456e-4, 4));
		assertEquals("12345", Numbers.rounded(12345, 4),
			"whole numbers stay whole");
		assertEquals("1235", Numbers.rounded(1234.56, 4));
		assertEquals("NaN", Numbers.rounded(Double.NaN, 4));
	}

	@Test
	void compactIsForTablesAndCsv() {
		assertEquals("", Numbers.compact(Double.NaN));
		assertEquals("inf", Numbers.compact(Double.POSITIVE_INFINITY));
		assertEquals("-inf", Numbers.compact(Double.NEGATIVE_INFINITY));
		assertEquals("0", Numbers.compact(0));
		assertEquals("25", Numbers.compact(25));
		assertEquals("0.01", Numbers.compact(0.01));
		assertEquals("31.4495", Numbers.compact(31.449512));
		assertEquals("1.23457e-05", Numbers.compact(1.234567e-5));
	}

	@Test
	void fixedAndGeneralIgnoreTheUsersLocale() {
		Locale before = Locale.getDefault();
		try {
			Locale.setDefault(Locale.GERMANY);
			assertEquals("28.85", Numbers.fixed(28.849, 2));
			assertEquals("", Numbers.fixed(Double.NaN, 2));
			assertEquals("inf", Numbers.fixed(Double.POSITIVE_INFINITY, 4));
			assertEquals("2.00", Numbers.general(2, 3),
				"printf keeps the zeros of a whole number");
			assertEquals("0.0123", Numbers.general(0.012345, 3));
			assertEquals("0.5000", Numbers.significant(0.5, 4));
		}
		finally {
			Locale.setDefault(before);
		}
	}

	@Test
	void headerNumbersParseOrFallBack() {
		assertEquals(2.5, Numbers.parseOr(" 2.5\0", 1)); // DICOM pads with NUL
		assertEquals(-1024, Numbers.parseOr("-1024", 0));
		assertEquals(1, Numbers.parseOr(null, 1));
		assertEquals(1, Numbers.parseOr("1\\2", 1)); // two values: not one number
		assertEquals(0, Numbers.parseOr("NaN", 0));
		assertEquals(7, Numbers.parseOr("Infinity", 7));
	}
}

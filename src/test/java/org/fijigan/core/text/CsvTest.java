
package org.fijigan.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The one CSV writer and reader: quoting where needed, and reading back what it
 * wrote.
 */
class CsvTest {

	@Test
	void fieldsAreQuotedOnlyWhenTheyHoldACommaAQuoteOrALineBreak() {
		assertEquals("plain text 1.5", Csv.field("plain text 1.5"));
		assertEquals("\"a,b\"", Csv.field("a,b"));
		assertEquals("\"say \"\"hi\"\"\"", Csv.field("say \"hi\""));
		assertEquals("\"two\nlines\"", Csv.field("two\nlines"));
		assertEquals("\"carriage\rreturn\"", Csv.field("carriage\rreturn"));
		assertEquals("", Csv.field(""));
		assertEquals("a,\"b,c\",\n", Csv.line("a", "b,c", ""));
	}

	@Test
	void
		textASpreadsheetWouldRunAsAFormulaIsWrittenBehindAQuoteButNumbersAreNot()
	{
		assertEquals("'=HYPERLINK(\"http://x\")", Csv.field(
			"=HYPERLINK(\"http://x\")").replace("\"\"", "\"").replaceAll("^\"|\"$",
				""));
		assertEquals("'@SUM(A1)", Csv.field("@SUM(A1)"));
		assertEquals("'+x.tif", Csv.field("+x.tif"));
		assertEquals("'-cmd|' /C calc'!A0", Csv.field("-cmd|' /C calc'!A0"));
		assertEquals("'\tx", Csv.field("\tx"));
		assertEquals("\"'\rx\"", Csv.field("\rx"));
		for (String number : List.of("-0.80", "-3", "+1.5E-4", "-1e3", "-.5",
			"-inf", "-Infinity", "-NaN", "0.25", "a=b", "-", "="))
			assertEquals(number, Csv.field(number));
		// an evaluation table row whose dataset is a folder named as a formula
		assertEquals("'=1+1,denoise,-0.80\n", Csv.line("=1+1", "denoise", "-0.80"));
	}

	@Test
	void whatIsWrittenReadsBack() {
		List<String> odd = List.of("x,y", "q\"uote", "line\nbreak", "cr\rin", "",
			"plain");
		assertEquals(List.of(List.of("h1", "h2", "h3", "h4", "h5", "h6"), odd), Csv
			.parse(Csv.line("h1", "h2", "h3", "h4", "h5", "h6") + Csv.line(odd)));
	}

	@Test
	void onlyCompleteRecordsAreReadAndEmptyLinesAndCarriageReturnsLeftOut() {
		assertEquals(List.of(List.of("a", "b"), List.of("c", "d")), Csv.parse(
			"a,b\r\n\nc,d\n" + "e,f-still-being-writ"));
		assertEquals(List.of(), Csv.parse("no line end"));
		assertEquals(List.of(List.of("", "")), Csv.parse(",\n"));
	}
}

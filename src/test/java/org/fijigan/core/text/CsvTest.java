
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

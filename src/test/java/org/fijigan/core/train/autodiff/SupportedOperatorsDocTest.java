
package org.fijigan.core.train.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Keeps the list of operators with a gradient rule in docs/fine-tuning.md the
 * list the registry holds.
 */
class SupportedOperatorsDocTest {

	private static final Path DOC = Path.of("docs", "fine-tuning.md");
	private static final String MARK = "Operators with a gradient rule:";

	@Test
	void theFineTuningPageListsEveryOperatorWithARuleAndNoOther()
		throws IOException
	{
		String doc = Files.readString(DOC);
		int start = doc.indexOf(MARK);
		assertTrue(start >= 0, DOC + " has no sentence starting '" + MARK + "'");
		// the list is the sentence's backticked names, up to its full stop
		String sentence = doc.substring(start, doc.indexOf("`.", start) + 1);
		Set<String> listed = new TreeSet<>();
		Matcher m = Pattern.compile("`([A-Za-z0-9]+)`").matcher(sentence);
		while (m.find())
			listed.add(m.group(1));
		assertEquals(GradientRules.supportedOps(), listed, DOC +
			" lists other operators than GradientRules.supportedOps()");
	}
}

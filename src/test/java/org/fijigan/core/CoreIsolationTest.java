package org.fijigan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The engine runs headless, in the CLI and in tests: it must not import ImageJ, SciJava or UI code. */
class CoreIsolationTest {
	private static final Pattern FORBIDDEN = Pattern.compile(
		"^\\s*import\\s+(static\\s+)?(ij\\.|org\\.scijava\\.|net\\.imagej\\.|java\\.awt\\.|javax\\.swing\\.|org\\.fijigan\\.(imagej|cli)\\.)",
		Pattern.MULTILINE);

	@Test
	void coreImportsNothingFromImageJSciJavaAwtSwingOrTheAdapters() throws IOException {
		Path core = Path.of("src/main/java/org/fijigan/core");
		assertTrue(Files.isDirectory(core), "run from the project root");
		List<String> offenders = new ArrayList<>();
		int files = 0;
		try (Stream<Path> s = Files.walk(core)) {
			for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
				files++;
				var m = FORBIDDEN.matcher(Files.readString(p));
				while (m.find())
					offenders.add(core.relativize(p) + ": " + m.group().trim());
			}
		}
		assertTrue(files > 20, "found only " + files + " core sources");
		assertEquals(List.of(), offenders);
	}

	@Test
	void theScanCatchesAForbiddenImport() {
		assertTrue(FORBIDDEN.matcher("package x;\nimport ij.ImagePlus;\n").find());
		assertTrue(FORBIDDEN.matcher("import java.awt.Rectangle;").find());
		assertTrue(!FORBIDDEN.matcher("import java.util.List;").find());
	}
}

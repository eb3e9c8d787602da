
package org.fijigan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Keeps docs/architecture.md true: every class and package it names in
 * backticks exists. A class is a backticked name starting with a capital then a
 * lower-case letter, optionally after a package ({@code core.io.CacheFolder})
 * and before a member or nested type ({@code ModelLoader.load(...)},
 * {@code ModelKind.Generator}: the first class is checked); a package is
 * {@code core}, {@code ij1}, {@code imagej} or {@code cli} and what follows.
 */
class ArchitectureDocTest {

	private static final Path DOC = Path.of("docs", "architecture.md");
	private static final Path SOURCES = Path.of("src", "main", "java", "org",
		"fijigan");
	/** Classes the page names that belong to the libraries fiji-gan uses. */
	private static final Set<String> OTHERS = Set.of("GenericDialog", "ImagePlus",
		"ModelProto");
	private static final Pattern CODE = Pattern.compile("`([^`\n]+)`");
	private static final Pattern CLASS = Pattern.compile(
		"(?:org\\.fijigan\\.)?((?:[a-z][a-z0-9]*\\.)*)([A-Z][a-z]\\w*)(?:[.#][\\w.]*)?(?:\\(.*\\))?");
	private static final Pattern PACKAGE = Pattern.compile(
		"(?:core|ij1|imagej|cli)(?:\\.[a-z][a-z0-9]*)*");

	@Test
	void everyClassAndPackageItNamesExists() throws IOException {
		String doc = Files.readString(DOC).replaceAll("(?s)```.*?```", ""); // drawings,
																																				// not
																																				// code
		Set<String> classFiles;
		try (Stream<Path> files = Stream.concat(Files.walk(SOURCES), Files.walk(Path
			.of("src", "test", "java"))))
		{
			classFiles = Set.copyOf(files.map(p -> p.getFileName().toString()).filter(
				n -> n.endsWith(".java")).toList());
		}
		List<String> missing = new ArrayList<>();
		int checked = 0;
		Matcher m = CODE.matcher(doc);
		while (m.find()) {
			String code = m.group(1).trim();
			Matcher c = CLASS.matcher(code);
			if (c.matches()) {
				checked++;
				String pkg = c.group(1), name = c.group(2);
				if (OTHERS.contains(name)) continue;
				boolean found = pkg.isEmpty() ? classFiles.contains(name + ".java")
					: Files.isRegularFile(SOURCES.resolve(pkg.replace('.', '/')).resolve(
						name + ".java"));
				if (!found) missing.add(code);
			}
			else if (PACKAGE.matcher(code).matches()) {
				checked++;
				if (!Files.isDirectory(SOURCES.resolve(code.replace('.', '/')))) missing
					.add(code);
			}
		}
		assertTrue(checked > 50, "only " + checked +
			" class and package names found in " + DOC);
		assertTrue(missing.isEmpty(), DOC +
			" names classes or packages that do not exist: " + missing);
	}
}


package org.fijigan.core.model.bioimage;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.fijigan.core.GanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zip bomb is refused once it has unpacked to the bound, whatever its headers
 * claim.
 */
class PackageBombTest {

	@TempDir
	Path dir;

	@Test
	void zipBombStopsAtTheByteBound() throws IOException {
		// 64 MiB of zeros deflate to about 64 KiB: a 1000:1 bomb, small enough to
		// build quickly.
		Path zip = dir.resolve("bomb.zip");
		try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(
			zip)))
		{
			out.putNextEntry(new ZipEntry("rdf.yaml"));
			out.write("format_version: 0.5.3\n".getBytes());
			out.putNextEntry(new ZipEntry("model.onnx"));
			byte[] zeros = new byte[1 << 20];
			for (int i = 0; i < 64; i++)
				out.write(zeros);
		}
		assertTrue(Files.size(zip) < 1 << 20, "the bomb is small: " + Files.size(
			zip));
		long bound = 4L << 20;
		Path out = dir.resolve("out");
		GanException e = assertThrows(GanException.class, () -> BioImageRdf
			.readPackage(zip, out, bound, 100));
		assertTrue(e.getMessage().contains("unpacks to more than " + bound +
			" bytes"), e.getMessage());
		long written = 0;
		try (Stream<Path> s = Files.walk(out)) {
			for (Path p : s.filter(Files::isRegularFile).toList())
				written += Files.size(p);
		}
		assertTrue(written <= bound, "wrote " + written +
			" bytes, more than the bound");
		assertEquals(2L << 30, BioImageRdf.MAX_PACKAGE_BYTES,
			"the public bound SECURITY.md states");
	}

	@Test
	void tooManyEntriesAreRefusedWhileReading() throws IOException {
		Path zip = dir.resolve("many.zip");
		try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(
			zip)))
		{
			for (int i = 0; i < 1000; i++)
				out.putNextEntry(new ZipEntry("d" + i + "/"));
		}
		Path out = dir.resolve("out");
		GanException e = assertThrows(GanException.class, () -> BioImageRdf
			.readPackage(zip, out, 1 << 20, 100));
		assertTrue(e.getMessage().contains("more than 100 entries"), e
			.getMessage());
		try (Stream<Path> s = Files.list(out)) {
			assertEquals(0, s.count(), "refused by its central directory, before " +
				"anything is unpacked");
		}
		assertEquals(10_000, BioImageRdf.MAX_PACKAGE_ENTRIES,
			"the public bound SECURITY.md states");
	}
}

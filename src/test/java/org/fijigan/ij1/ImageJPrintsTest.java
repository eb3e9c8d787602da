
package org.fijigan.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.fijigan.core.GanException;
import org.junit.jupiter.api.Test;

/**
 * What a reader prints on standard output while it reads is kept from the
 * output and refuses the file; other threads' prints pass.
 */
class ImageJPrintsTest {

	@Test
	void whatTheReadingThreadPrintsRefusesTheFileAndOtherThreadsPrintAsBefore()
		throws Exception
	{
		PrintStream old = System.out;
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
		try {
			Path file = Path.of("x.dcm");
			assertEquals("image", ImageJPrints.refused(file, "input", () -> "image"));

			GanException e = assertThrows(GanException.class, () -> ImageJPrints
				.refused(file, "input", () -> {
					System.out.println("Unable to decode DICOM header.");
					return "image";
				}));
			assertEquals("cannot open input x.dcm: ImageJ's reader says \"Unable " +
				"to decode DICOM header.\"", e.getMessage());

			// ImageJ's "Out of memory" box, on one line
			GanException box = assertThrows(GanException.class, () -> ImageJPrints
				.refused(file, "input", () -> {
					System.out.println(">>>>>>>>>>>>\n<Out of memory>\n<All available " +
						"memory (61MB) has been>\n>>>>>>>>>>>>");
					return null;
				}));
			assertEquals("cannot open input x.dcm: ImageJ's reader says \"Out of " +
				"memory All available memory (61MB) has been\"", box.getMessage());

			String passed = ImageJPrints.refused(file, "input", () -> {
				Thread other = new Thread(() -> System.out.println("progress"));
				other.start();
				try {
					other.join();
				}
				catch (InterruptedException x) {
					throw new AssertionError(x);
				}
				return "image";
			});
			assertEquals("image", passed);
		}
		finally {
			System.setOut(old);
		}
		assertEquals("progress" + System.lineSeparator(), out.toString(
			StandardCharsets.UTF_8));
	}
}

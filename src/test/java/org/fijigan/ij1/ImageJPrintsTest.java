
package org.fijigan.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.fijigan.core.GanException;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a reader prints on standard output while it reads is kept from the
 * output and refuses the file; other threads' prints pass. A writer's prints,
 * on either output, fail the write.
 */
class ImageJPrintsTest {

	@TempDir
	Path dir;

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

			// an exception ImageJ printed: its message, not its class
			GanException printed = assertThrows(GanException.class, () -> ImageJPrints
				.refused(file, "input", () -> {
					System.out.println("javax.imageio.IIOException: Error reading PNG " +
						"metadata");
					return "image";
				}));
			assertEquals("cannot open input x.dcm: ImageJ's reader says \"Error " +
				"reading PNG metadata\"", printed.getMessage());

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

	@Test
	void aWriterThatPrintsFailsEvenWhenItSaysItWrote() {
		assertNull(ImageJPrints.failure(() -> true));
		assertEquals("", ImageJPrints.failure(() -> false));
		assertEquals("java.io.IOException: No space left on device", ImageJPrints
			.failure(() -> {
				System.err.println("java.io.IOException: No space left on device");
				return true;
			}));
	}

	@Test
	void imageJsJpegAndPngWritersFailuresAreNotTakenForWrittenFiles() {
		RasterImage image = new RasterImage(8, 8, 1, 1, 1, PixelType.UINT8,
			new Object[] { new byte[64] });
		// ImageJ's JPEG and PNG writers print and return true when they cannot
		// write; its TIFF writer prints and returns false. Each says why in one
		// line, the system's reason, as the .npy writer does: not the stack trace
		// ImageJ printed ("at java.base/java.io.RandomAccessFile.open0...")
		for (String extension : new String[] { ".jpg", ".png", ".tif" }) {
			Path file = dir.resolve("no-such-folder").resolve("out" + extension);
			GanException e = assertThrows(GanException.class,
				() -> ImageFileCodec.INSTANCE.write(image, extension, file));
			assertEquals("cannot write " + file + ": No such file or directory", e
				.getMessage());
			assertFalse(java.nio.file.Files.exists(file));
		}
	}

	@Test
	void aPrintedStackTraceKeepsItsMessageAndLosesItsFrames() {
		assertEquals("java.io.FileNotFoundException: /out/x.png (Read-only file " +
			"system) Caused by: java.io.IOException: disk gone", ImageJPrints.failure(
				() -> {
					new java.io.FileNotFoundException("/out/x.png (Read-only file " +
						"system)").printStackTrace();
					System.err.println("Caused by: java.io.IOException: disk gone");
					System.err.println("\tat java.base/java.io.RandomAccessFile.open0" +
						"(Native Method)");
					System.err.println("\t... 3 more");
					return true;
				}));
		// words that are not ImageJ's own reason for a file are kept
		assertEquals("ImageJ's writer says \"Disk quota exceeded somewhere\"",
			ImageFileCodec.writerSays("java.io.IOException: Disk quota exceeded " +
				"somewhere", "/out/x.png"));
		assertEquals("Read-only file system", ImageFileCodec.writerSays(
			"File saving error (IOException): \"/out/x.tif (Read-only file system)\"" +
				" /out/x.tif", "/out/x.tif"));
	}
}

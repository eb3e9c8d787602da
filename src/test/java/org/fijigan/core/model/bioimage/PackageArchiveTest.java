
package org.fijigan.core.model.bioimage;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.fijigan.core.GanException;
import org.fijigan.testing.ZipBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A package is unpacked by its central directory, as unzip, Python and
 * bioimage.io read it, so that it cannot show them one model and run another
 * here; a zip whose central directory is missing or damaged is refused.
 */
class PackageArchiveTest {

	@TempDir
	Path dir;

	private static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

	private Path write(String name, byte[] zip) throws IOException {
		return Files.write(dir.resolve(name), zip);
	}

	private Path unpack(Path zip) {
		return BioImageRdf.unpackPackage(zip, dir.resolve("out"));
	}

	/**
	 * Two zips one after the other: front to back, the first one's local headers
	 * come first, but the central directory at the end, which every zip tool
	 * lists, is the second one's.
	 */
	@Test
	void whatRunsIsWhatTheCentralDirectoryLists() throws IOException {
		byte[] hidden = ZipBytes.zip(Map.of("rdf.yaml", bytes("name: EVIL\n"),
			"evil.onnx", bytes("evil")));
		byte[] listed = ZipBytes.zip(Map.of("bioimageio.yaml", bytes(
			"name: listed\n"), "model.onnx", bytes("abc")));
		byte[] both = Arrays.copyOf(hidden, hidden.length + listed.length);
		System.arraycopy(listed, 0, both, hidden.length, listed.length);
		Path descriptor = unpack(write("two.zip", both));
		assertEquals("name: listed\n", Files.readString(descriptor));
		assertEquals(List.of("bioimageio.yaml", "model.onnx"), files(dir.resolve(
			"out")));
	}

	/** A self-extracting zip: a program in front of the archive. */
	@Test
	void aZipWithDataInFrontIsRead() throws IOException {
		byte[] zip = ZipBytes.zip(Map.of("rdf.yaml", bytes("name: x\n")));
		byte[] stub = bytes("#!/bin/sh\necho self-extracting\nexit 0\n");
		byte[] both = Arrays.copyOf(stub, stub.length + zip.length);
		System.arraycopy(zip, 0, both, stub.length, zip.length);
		assertEquals("name: x\n", Files.readString(unpack(write("sfx.zip", both))));
	}

	/**
	 * A folder listed twice (Python's zipfile appending to a zip writes it again)
	 * holds nothing twice, and was refused as "holds pkg twice"; a file listed
	 * twice is refused.
	 */
	@Test
	void aFolderListedTwiceIsReadAndAFileListedTwiceRefused() throws IOException {
		Path zip = write("dirs.zip", ZipBytes.storedStreamed(List.of(Map.entry(
			"pkg/", new byte[0]), Map.entry("pkg/", new byte[0]), Map.entry(
				"pkg/rdf.yaml", bytes("name: dirs\n")))));
		assertEquals("name: dirs\n", Files.readString(unpack(zip)));
		Path files = write("files.zip", ZipBytes.storedStreamed(List.of(Map.entry(
			"rdf.yaml", bytes("name: a\n")), Map.entry("rdf.yaml", bytes(
				"name: b\n")))));
		assertEquals(files + " holds rdf.yaml twice", assertThrows(
			GanException.class, () -> BioImageRdf.unpackPackage(files, dir.resolve(
				"out2"))).getMessage());
	}

	/** Stored entries whose sizes follow their data, as a stream writes them. */
	@Test
	void storedEntriesWithDataDescriptorsAreRead() throws IOException {
		Path zip = write("stored.zip", ZipBytes.storedStreamed(Map.of("rdf.yaml",
			bytes("name: stored\n"), "model.onnx", bytes("abc"))));
		assertEquals("name: stored\n", Files.readString(unpack(zip)));
		assertEquals("abc", Files.readString(dir.resolve("out/model.onnx")));
	}

	@Test
	void aZipWithItsEndCutOffIsRefused() throws IOException {
		byte[] zip = ZipBytes.zip(Map.of("rdf.yaml", bytes("name: x\n"),
			"model.onnx", bytes("abc")));
		Path cut = write("cut.zip", Arrays.copyOf(zip, zip.length - 10));
		GanException e = assertThrows(GanException.class, () -> unpack(cut));
		assertEquals(cut + " is truncated or damaged (its central directory, " +
			"the list of entries at its end, is missing)", e.getMessage());
		assertEquals(List.of(), files(dir.resolve("out")), "nothing unpacked");
	}

	@Test
	void aCompressionMethodFijiGanCannotReadIsNamed() throws IOException {
		Path zip = write("bz.zip", ZipBytes.withMethod(ZipBytes.zip(Map.of(
			"rdf.yaml", bytes("name: x\n"))), 12));
		GanException e = assertThrows(GanException.class, () -> unpack(zip));
		assertTrue(e.getMessage().startsWith(zip +
			": an entry is compressed with bzip2 (zip compression method 12), " +
			"which fiji-gan cannot unpack"), e.getMessage());
	}

	@Test
	void anEntryUnlikeItsCentralDirectoryCrcIsRefused() throws IOException {
		Path zip = write("crc.zip", ZipBytes.withWrongCentralCrc(ZipBytes.zip(Map
			.of("rdf.yaml", bytes("name: x\n")))));
		GanException e = assertThrows(GanException.class, () -> unpack(zip));
		assertEquals(zip + " is damaged: its entry rdf.yaml does not unpack to " +
			"the CRC-32 its central directory gives", e.getMessage());
	}

	@Test
	void aFileThatIsNoZipIsSaidToBeNone() throws IOException {
		Path zip = write("text.zip", bytes("just some text, no archive"));
		GanException e = assertThrows(GanException.class, () -> unpack(zip));
		assertEquals(zip + " is not a zip file", e.getMessage());
	}

	/** The regular files under {@code folder}, relative, sorted. */
	private static List<String> files(Path folder) throws IOException {
		if (!Files.exists(folder)) return List.of();
		try (Stream<Path> s = Files.walk(folder)) {
			return s.filter(Files::isRegularFile).map(p -> folder.relativize(p)
				.toString()).sorted().toList();
		}
	}
}

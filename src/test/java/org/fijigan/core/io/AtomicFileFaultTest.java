
package org.fijigan.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.fijigan.core.GanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults while writing, simulated with a stream that fails as a full disk does
 * and with writers that fail as a read-only folder does (chmod means nothing to
 * root, who runs these tests in CI): the error says what happened, the earlier
 * file is intact and no temporary file is left.
 */
class AtomicFileFaultTest {

	@TempDir
	Path dir;

	/**
	 * Lets {@code capacity} bytes through, then fails as the kernel's ENOSPC
	 * reads in Java.
	 */
	static final class FullDisk extends FilterOutputStream {

		long left;

		FullDisk(OutputStream out, long capacity) {
			super(out);
			left = capacity;
		}

		@Override
		public void write(int b) throws IOException {
			if (left-- <= 0) throw new IOException("No space left on device");
			out.write(b);
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			for (int i = 0; i < len; i++)
				write(b[off + i]);
		}
	}

	Set<String> files() throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
		}
	}

	@Test
	void aFullDiskLeavesTheEarlierFileAndNoTemporaryFile() throws IOException {
		Path target = dir.resolve("result.tif");
		byte[] earlier = "the earlier result".getBytes();
		Files.write(target, earlier);

		GanException e = assertThrows(GanException.class, () -> AtomicFile
			.writeStream(target, true, out -> {
				OutputStream full = new FullDisk(out, 1000);
				full.write(new byte[5000]);
			}));

		assertEquals("cannot write " + target + ": No space left on device", e
			.getMessage());
		assertArrayEquals(earlier, Files.readAllBytes(target));
		assertEquals(Set.of("result.tif"), files());
	}

	@Test
	void aFullDiskOnANewFileLeavesNothing() throws IOException {
		Path target = dir.resolve("new.onnx");
		assertThrows(GanException.class, () -> AtomicFile.write(target,
			out -> new FullDisk(out, 10).write(new byte[11])));
		assertEquals(Set.of(), files());
	}

	@Test
	void aReadOnlyFolderGivesPermissionDeniedAndKeepsTheEarlierFile()
		throws IOException
	{
		Path target = dir.resolve("manifest.csv");
		Files.writeString(target, "input,output\n");

		GanException e = assertThrows(GanException.class, () -> AtomicFile.write(
			target, true, tmp -> {
				throw new AccessDeniedException(tmp.toString());
			}));

		assertTrue(e.getMessage().startsWith("cannot write " + target +
			": permission denied: " + dir.resolve(".manifest.csv.")), e.getMessage());
		assertEquals("input,output\n", Files.readString(target));
		assertEquals(Set.of("manifest.csv"), files());
	}

	@Test
	void withoutReplaceAFileThatAppearsWhileWritingIsKept() throws IOException {
		Path target = dir.resolve("out.onnx");
		GanException e = assertThrows(GanException.class, () -> AtomicFile
			.writeStream(target, false, out -> {
				out.write(new byte[100]);
				Files.writeString(target, "written meanwhile by someone else");
			}));
		assertEquals(target + " already exists; pass --overwrite to replace it", e
			.getMessage());
		assertEquals("written meanwhile by someone else", Files.readString(target));
		assertEquals(Set.of("out.onnx"), files());
	}

	/**
	 * Two writers of the same new file at once, without replace: exactly one wins
	 * and the other is told, and the file holds the winner's bytes. A check
	 * before the rename let both pass the check and the second replace the
	 * first's file.
	 */
	@Test
	void ofTwoWritersOfOneNewFileExactlyOneWins() throws Exception {
		int files = 200;
		java.util.concurrent.CyclicBarrier start =
			new java.util.concurrent.CyclicBarrier(2);
		java.util.concurrent.ConcurrentHashMap<Path, String> winners =
			new java.util.concurrent.ConcurrentHashMap<>();
		java.util.concurrent.atomic.AtomicInteger refused =
			new java.util.concurrent.atomic.AtomicInteger();
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors
			.newFixedThreadPool(2);
		try {
			java.util.List<java.util.concurrent.Future<?>> done =
				new java.util.ArrayList<>();
			for (String who : new String[] { "a", "b" })
				done.add(pool.submit(() -> {
					for (int i = 0; i < files; i++) {
						Path target = dir.resolve("f" + i + ".txt");
						start.await(10, java.util.concurrent.TimeUnit.SECONDS);
						try {
							AtomicFile.write(target, false, tmp -> Files.writeString(tmp,
								who));
							assertEquals(null, winners.put(target, who), target +
								" was written twice");
						}
						catch (GanException e) {
							assertTrue(e.getMessage().endsWith(
								"already exists; pass --overwrite to replace it"), e
									.getMessage());
							refused.incrementAndGet();
						}
					}
					return null;
				}));
			for (java.util.concurrent.Future<?> f : done)
				f.get();
		}
		finally {
			pool.shutdownNow();
		}
		assertEquals(files, winners.size());
		assertEquals(files, refused.get());
		for (var w : winners.entrySet())
			assertEquals(w.getValue(), Files.readString(w.getKey()));
	}

	@Test
	void staleTemporariesOfTheTargetAreRemovedAndNothingElse()
		throws IOException
	{
		Path target = dir.resolve("out.tif");
		for (String name : new String[] { ".out.tif.1a2b3c.tmp.tif",
			".out.tif.ff.tmp.tif", ".other.tif.1a2b3c.tmp.tif",
			"out.tif.1a2b3c.tmp.tif", "keep.tif" })
			Files.writeString(dir.resolve(name), name);

		// fresh: another process may be writing them now
		assertEquals(0, AtomicFile.removeStaleTemporaries(target));
		// an hour and a minute unchanged: left by a killed process
		FileTime old = FileTime.from(java.time.Instant.now().minus(
			AtomicFile.STALE_AFTER).minusSeconds(60));
		Files.setLastModifiedTime(dir.resolve(".out.tif.1a2b3c.tmp.tif"), old);
		assertEquals(1, AtomicFile.removeStaleTemporaries(target));
		assertEquals(Set.of(".out.tif.ff.tmp.tif", ".other.tif.1a2b3c.tmp.tif",
			"out.tif.1a2b3c.tmp.tif", "keep.tif"), files());
		// under a lock no other writer passes, every one goes
		assertEquals(1, AtomicFile.removeStaleTemporaries(target,
			java.time.Duration.ZERO));

		assertEquals(Set.of(".other.tif.1a2b3c.tmp.tif", "out.tif.1a2b3c.tmp.tif",
			"keep.tif"), files());
		assertEquals("out.tif", AtomicFile.targetOfTemporary(AtomicFile
			.temporaryFor(target).getFileName().toString()));
	}

	/**
	 * A 250-byte name (the file system allows 255) is written: its temporary
	 * name, once 26 bytes longer, keeps within 255 bytes, hidden, with the
	 * target's extension, and is recognised as that target's alone.
	 */
	@Test
	void aLongNameHasATemporaryNameWithin255Bytes() throws IOException {
		String name = "\u00e9".repeat(20) + "M".repeat(206) + ".tif"; // 250 bytes
		assertEquals(250, name.getBytes(
			java.nio.charset.StandardCharsets.UTF_8).length);
		Path target = dir.resolve(name);
		String tmp = AtomicFile.temporaryFor(target).getFileName().toString();
		int bytes = tmp.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
		assertTrue(bytes <= 255, tmp + " has " + bytes + " bytes");
		assertTrue(tmp.startsWith(".\u00e9") && tmp.endsWith(".tmp.tif"), tmp);
		assertTrue(AtomicFile.isTemporaryOf(tmp, name));
		assertEquals(false, AtomicFile.isTemporaryOf(tmp, "M" + name.substring(1)));
		// two writers of the same target never share a temporary file
		assertEquals(false, tmp.equals(AtomicFile.temporaryFor(target).getFileName()
			.toString()));
		AtomicFile.writeStream(target, false, out -> out.write(7));
		assertArrayEquals(new byte[] { 7 }, Files.readAllBytes(target));
		assertEquals(Set.of(name), files());

		Path left = Files.writeString(dir.resolve(tmp), "killed");
		Files.setLastModifiedTime(left, FileTime.from(java.time.Instant.now().minus(
			AtomicFile.STALE_AFTER).minusSeconds(60)));
		assertEquals(1, AtomicFile.removeStaleTemporaries(target));
		assertEquals(Set.of(name), files());
		// a short name's temporary name is as before
		assertEquals("out.tif", AtomicFile.temporaryStem("out.tif"));
	}

	/** A failed file operation is said in words, never as a Java class. */
	@Test
	void aFailedFileOperationIsDescribedWithoutItsClass() {
		assertEquals("unexpected end of compressed data", AtomicFile.describe(
			new EOFException("Unexpected end of ZLIB input stream")));
		assertEquals("unexpected end of the file", AtomicFile.describe(
			new EOFException()));
		assertEquals("No space left on device", AtomicFile.describe(new IOException(
			"No space left on device")));
		assertEquals("stream closed", AtomicFile.describe(new IOException(
			new IOException("stream closed"))));
		assertEquals("an input or output error", AtomicFile.describe(
			new IOException()));
	}

	@Test
	void aMissingFolderIsNamedAndAMissingInputSaidToBeGone() {
		Path target = dir.resolve("nodir").resolve("x.csv");
		assertEquals("cannot write " + target + ": the folder " + dir.resolve(
			"nodir") + " does not exist", assertThrows(GanException.class,
				() -> AtomicFile.write(target, true, tmp -> Files.writeString(tmp,
					"x"))).getMessage());
		Path gone = dir.resolve("i050.tif");
		assertEquals("cannot read " + gone + ": no such file (removed during the " +
			"run?)", assertThrows(GanException.class,
				() -> org.fijigan.core.io.FileHashes.sha256(gone, "")).getMessage());
	}

	@Test
	void aFolderThatCannotBeMadeIsNamedWithWhatIsInTheWay() throws IOException {
		Path file = Files.writeString(dir.resolve("taken"), "x");

		AtomicFile.createFolder(dir.resolve("a/b"));
		GanException e = assertThrows(GanException.class, () -> AtomicFile
			.createFolder(file));

		assertTrue(Files.isDirectory(dir.resolve("a/b")));
		assertEquals("cannot create folder " + file + ": " + file +
			" is a file, not a folder", e.getMessage());
		assertEquals("x", Files.readString(file));
	}
}

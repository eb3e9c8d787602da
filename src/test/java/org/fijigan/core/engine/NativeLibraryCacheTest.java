
package org.fijigan.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import ai.onnxruntime.OrtEnvironment;

import org.fijigan.core.io.CacheFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native library cache on libraries made of seeded random bytes (fast, and
 * every byte known), and once on the ONNX Runtime jar of the class path. The
 * two processes that start at once are in {@code NativeLibrariesForkTest}.
 */
class NativeLibraryCacheTest {

	@TempDir
	Path dir;

	static byte[] bytes(int n, long seed) {
		byte[] b = new byte[n];
		new Random(seed).nextBytes(b);
		return b;
	}

	static long crc(byte[] b) {
		CRC32 c = new CRC32();
		c.update(b);
		return c.getValue();
	}

	static OnnxRuntimeBundle.Library library(String name, byte[] content) {
		return new OnnxRuntimeBundle.Library(name, "test:" + name, content.length,
			crc(content), () -> new ByteArrayInputStream(content));
	}

	final byte[] main = bytes(300_000, 1), jni = bytes(5_000, 2);
	final OnnxRuntimeBundle bundle = new OnnxRuntimeBundle("9.8.7", "cpu",
		"linux-x64", List.of(library("libonnxruntime.so", main), library(
			"libonnxruntime4j_jni.so", jni)));

	Set<String> names(Path folder) throws IOException {
		try (Stream<Path> s = Files.list(folder)) {
			return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
		}
	}

	@Test
	void unpacksOnceIntoAPrivateFolderAndThenFindsIt() throws Exception {
		Path root = dir.resolve("home/.cache/fiji-gan/native");
		NativeLibraryCache cache = new NativeLibraryCache(root, bundle);
		NativeLibraryCache.Result first = cache.open();
		assertEquals(NativeLibraryCache.Outcome.UNPACKED, first.outcome());
		Path folder = root.resolve("9.8.7-cpu-linux-x64");
		assertEquals(folder.toRealPath(), first.folder());
		assertArrayEquals(main, Files.readAllBytes(folder.resolve(
			"libonnxruntime.so")));
		assertArrayEquals(jni, Files.readAllBytes(folder.resolve(
			"libonnxruntime4j_jni.so")));
		assertEquals(Set.of("libonnxruntime.so", "libonnxruntime4j_jni.so",
			NativeLibraryCache.VERIFIED_FILE), names(folder));
		// the lock file stays; no staging folder does
		assertEquals(Set.of("9.8.7-cpu-linux-x64", ".9.8.7-cpu-linux-x64.lock"),
			names(root));
		if (root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
			for (Path p : List.of(dir.resolve("home/.cache"), dir.resolve(
				"home/.cache/fiji-gan"), root, folder))
				assertEquals("rwx------", PosixFilePermissions.toString(Files
					.getPosixFilePermissions(p)), p.toString());
			assertEquals("rw-------", PosixFilePermissions.toString(Files
				.getPosixFilePermissions(folder.resolve("libonnxruntime.so"))));
		}

		Object inode = Files.readAttributes(folder.resolve("libonnxruntime.so"),
			java.nio.file.attribute.BasicFileAttributes.class).fileKey();
		NativeLibraryCache.Result second = new NativeLibraryCache(root, bundle)
			.open();
		assertEquals(NativeLibraryCache.Outcome.FOUND, second.outcome());
		assertEquals(inode, Files.readAttributes(folder.resolve(
			"libonnxruntime.so"), java.nio.file.attribute.BasicFileAttributes.class)
			.fileKey(), "found, not written again");
	}

	@Test
	void aTruncatedLibraryIsUnpackedAgain() throws Exception {
		Path root = dir.resolve("native");
		Path folder = new NativeLibraryCache(root, bundle).open().folder();
		Path lib = folder.resolve("libonnxruntime.so");
		try (RandomAccessFile f = new RandomAccessFile(lib.toFile(), "rw")) {
			f.setLength(100_000);
		}
		NativeLibraryCache.Result r = new NativeLibraryCache(root, bundle).open();
		assertEquals(NativeLibraryCache.Outcome.REPAIRED, r.outcome());
		assertEquals(List.of("libonnxruntime.so"), r.replaced());
		assertArrayEquals(main, Files.readAllBytes(lib));
		assertEquals(Set.of("libonnxruntime.so", "libonnxruntime4j_jni.so",
			NativeLibraryCache.VERIFIED_FILE), names(folder),
			"no temporary file left");
		assertEquals(NativeLibraryCache.Outcome.FOUND, new NativeLibraryCache(root,
			bundle).open().outcome());
	}

	/**
	 * Bytes changed in place, size and modification time put back: the
	 * status-change time still gives it away, and the CRC-32 then finds it
	 * damaged.
	 */
	@Test
	void bytesChangedInPlaceWithTheSameSizeAndTimeAreFound() throws Exception {
		Path root = dir.resolve("native");
		Path folder = new NativeLibraryCache(root, bundle).open().folder();
		Path lib = folder.resolve("libonnxruntime4j_jni.so");
		FileTime modified = Files.getLastModifiedTime(lib);
		try (RandomAccessFile f = new RandomAccessFile(lib.toFile(), "rw")) {
			f.seek(1234);
			int b = f.read();
			f.seek(1234);
			f.write(b ^ 0x10);
		}
		Files.setLastModifiedTime(lib, modified);
		assertEquals(jni.length, Files.size(lib));
		assertNotEquals(crc(jni), CacheFolder.crc32(lib));

		NativeLibraryCache.Result r = new NativeLibraryCache(root, bundle).open();
		assertEquals(NativeLibraryCache.Outcome.REPAIRED, r.outcome());
		assertEquals(List.of("libonnxruntime4j_jni.so"), r.replaced());
		assertArrayEquals(jni, Files.readAllBytes(lib));
	}

	@Test
	void aMissingLibraryAndLeftoversOfKilledProcessesAreHandled()
		throws Exception
	{
		Path root = dir.resolve("native");
		// a process killed while unpacking left its staging folder; one killed
		// while repairing, a temporary file
		Path staging = Files.createDirectories(root.resolve(
			".9.8.7-cpu-linux-x64.1f2e3d.tmp"));
		Files.write(staging.resolve("libonnxruntime.so"), bytes(1000, 3));
		Path folder = new NativeLibraryCache(root, bundle).open().folder();
		assertFalse(Files.exists(staging));
		Files.delete(folder.resolve("libonnxruntime.so"));
		Path leftover = folder.resolve(".libonnxruntime.so.5e1f0a3b.tmp.so");
		Files.write(leftover, bytes(10, 4));

		NativeLibraryCache.Result r = new NativeLibraryCache(root, bundle).open();
		assertEquals(NativeLibraryCache.Outcome.REPAIRED, r.outcome());
		assertEquals(List.of("libonnxruntime.so"), r.replaced());
		assertArrayEquals(main, Files.readAllBytes(folder.resolve(
			"libonnxruntime.so")));
		assertFalse(Files.exists(leftover));
	}

	@Test
	void aFolderOthersMayWriteIsRefused() throws Exception {
		Path root = dir.resolve("native");
		assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains(
			"posix"));
		Path folder = new NativeLibraryCache(root, bundle).open().folder();
		Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString(
			"rwxrwxrwx"));
		NativeLibraryCache.UnusableException e = assertThrows(
			NativeLibraryCache.UnusableException.class, () -> new NativeLibraryCache(
				root, bundle).open());
		assertEquals(folder + " is not a private folder of this user (owner " +
			Files.getOwner(folder).getName() + ", rwxrwxrwx)", e.getMessage());
	}

	@Test
	void aCacheThatCannotBeCreatedSaysWhy() throws Exception {
		Path file = Files.writeString(dir.resolve("home"),
			"a file where the home folder should be");
		NativeLibraryCache.UnusableException e = assertThrows(
			NativeLibraryCache.UnusableException.class, () -> new NativeLibraryCache(
				file.resolve(".cache/fiji-gan/native"), bundle).open());
		assertTrue(e.getMessage().startsWith("cannot create " + file.resolve(
			".cache/fiji-gan/native") + ": "), e.getMessage());
		assertEquals("a file where the home folder should be", Files.readString(
			file));
	}

	@Test
	void theLibrariesOfTheJarOnTheClassPathAreFoundWithTheirChecksums()
		throws Exception
	{
		OnnxRuntimeBundle b = OnnxRuntimeBundle.onClassPath();
		assertEquals(OrtEnvironment.getEnvironment().getVersion(), b.version(),
			"the jar's manifest and the native library agree");
		assertEquals(b.library("onnxruntime_providers_cuda") != null ? "gpu"
			: "cpu", b.flavour());
		assertEquals(b.version() + "-" + b.flavour() + "-" + b.platform(), b
			.folderName());
		assumeTrue(b.platform().equals("linux-x64"),
			"the jar's folder names are checked on linux-x64");
		Path jar = Path.of(OrtEnvironment.class.getProtectionDomain()
			.getCodeSource().getLocation().toURI());
		try (JarFile jf = new JarFile(jar.toFile())) {
			for (String name : List.of("onnxruntime", "onnxruntime4j_jni")) {
				OnnxRuntimeBundle.Library lib = b.library(name);
				JarEntry e = jf.getJarEntry("ai/onnxruntime/native/linux-x64/lib" +
					name + ".so");
				byte[] content = jf.getInputStream(e).readAllBytes();
				assertEquals(content.length, lib.size(), name);
				assertEquals(crc(content), lib.crc32(), name);
				try (var in = lib.content().open()) {
					assertArrayEquals(content, in.readAllBytes(), name);
				}
			}
		}
	}

	@Test
	void theCacheFolderFollowsTheSettingsAndThePlatform() {
		assertEquals(Path.of("/x/native"), OnnxRuntimeSetup.cacheRoot("/x/native",
			Map.of(OnnxRuntimeSetup.CACHE_ENV, "/y"), "Linux", "/home/u"));
		assertEquals(Path.of("/y"), OnnxRuntimeSetup.cacheRoot(null, Map.of(
			OnnxRuntimeSetup.CACHE_ENV, "/y", "XDG_CACHE_HOME", "/c"), "Linux",
			"/home/u"));
		assertEquals(Path.of("/c/fiji-gan/native"), OnnxRuntimeSetup.cacheRoot("",
			Map.of("XDG_CACHE_HOME", "/c"), "Linux", "/home/u"));
		assertEquals(Path.of("/home/u/.cache/fiji-gan/native"), OnnxRuntimeSetup
			.cacheRoot(null, Map.of("XDG_CACHE_HOME", "relative/ignored"), "Linux",
				"/home/u"));
		assertEquals(Path.of("/Users/u/Library/Caches/fiji-gan/native"),
			OnnxRuntimeSetup.cacheRoot(null, Map.of(), "Mac OS X", "/Users/u"));
	}

	@Test
	void theMountOfAFolderIsTheLongestMountPointAbove() {
		String mounts = "/dev/vda / ext4 rw,relatime 0 0\n" +
			"tmpfs /home/u/scratch tmpfs rw,nosuid,noexec 0 0\n" +
			"server:/x /home/u/my\\040files nfs rw 0 0\n";
		assertEquals("rw,relatime", NativeLibraryCache.mountOptions(Path.of(
			"/home/u/.cache/fiji-gan"), mounts));
		assertEquals("rw,nosuid,noexec", NativeLibraryCache.mountOptions(Path.of(
			"/home/u/scratch/native"), mounts));
		assertEquals("rw", NativeLibraryCache.mountOptions(Path.of(
			"/home/u/my files/c"), mounts));
		assertEquals("rw,relatime", NativeLibraryCache.mountOptions(Path.of(
			"/home/u/scratchy"), mounts));
	}
}

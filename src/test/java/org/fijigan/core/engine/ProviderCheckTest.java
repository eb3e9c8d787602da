
package org.fijigan.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick check of a provider's libraries: reading an ELF library's
 * dependencies, finding sonames where the dynamic loader would, the note that
 * names what is missing, and the memory of a provider that failed.
 */
class ProviderCheckTest {

	@TempDir
	Path dir;

	@AfterEach
	void forget() {
		ProviderCheck.forget();
	}

	/** This process's ONNX Runtime library, from the cache (linux-x64 only). */
	static Path cachedLibrary(String name) {
		Path folder = OnnxRuntimeSetup.prepare().folder();
		assumeTrue(folder != null && OnnxRuntimeBundle.platform(System.getProperty(
			"os.name"), System.getProperty("os.arch")).equals("linux-x64"),
			"ELF libraries of linux-x64");
		return folder.resolve(OnnxRuntimeBundle.fileName(name));
	}

	@Test
	void readsTheDependenciesOfOnnxRuntimesOwnLibraries() throws IOException {
		ElfDependencies main = ElfDependencies.read(cachedLibrary("onnxruntime"));
		// as readelf -d lists them for ONNX Runtime 1.29's linux-x64 library
		assertEquals(List.of("libdl.so.2", "librt.so.1", "libpthread.so.0",
			"libstdc++.so.6", "libm.so.6", "libgcc_s.so.1", "libc.so.6",
			"ld-linux-x86-64.so.2"), main.needed());
		assertEquals(List.of("$ORIGIN"), main.searchPath());
		ElfDependencies jni = ElfDependencies.read(cachedLibrary(
			"onnxruntime4j_jni"));
		assertEquals(List.of("libonnxruntime.so.1", "libc.so.6"), jni.needed());
	}

	@Test
	void aTruncatedOrForeignFileIsNoElfLibrary() throws IOException {
		Path copy = Files.copy(cachedLibrary("onnxruntime4j_jni"), dir.resolve(
			"lib.so"));
		try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
			f.setLength(40);
		}
		assertThrows(IOException.class, () -> ElfDependencies.read(copy));
		Path text = Files.writeString(dir.resolve("notes.so"),
			"not a library at all, but long enough to have a header");
		IOException e = assertThrows(IOException.class, () -> ElfDependencies.read(
			text));
		assertEquals("notes.so is not an ELF file", e.getMessage());
	}

	@Test
	void findsLibrariesInFoldersInTheLoaderCacheAndAmongThoseLoaded()
		throws IOException
	{
		Path a = Files.createDirectories(dir.resolve("a")), b = Files
			.createDirectories(dir.resolve("b"));
		Files.createFile(b.resolve("libcudart.so.12"));
		byte[] cache =
			("glibc-ld.so.cache1.1\0\0\0libcublas.so.12\0/usr/lib/x86_64-linux-gnu/libcublas.so.12\0" +
				"libz.so.1\0/lib/x86_64-linux-gnu/libz.so.1\0relative/libnot.so.1\0")
				.getBytes(StandardCharsets.ISO_8859_1);
		assertEquals(Set.of("libcublas.so.12", "libz.so.1"), SharedLibrarySearch
			.namesInLoaderCache(cache));
		String maps =
			"7f01-7f02 r-xp 00000000 fd:00 11 /opt/cuda/lib64/libcudnn.so.9.1.0\n" +
				"7f03-7f04 rw-p 00000000 00:00 0 [heap]\n" +
				"7f05-7f06 r--p 00000000 fd:00 12 /usr/bin/java\n";
		assertEquals(Set.of("libcudnn.so.9.1.0", "libcudnn.so.9.1", "libcudnn.so.9",
			"libcudnn.so"), SharedLibrarySearch.loadedNames(maps));

		Set<String> known = new java.util.HashSet<>(SharedLibrarySearch
			.namesInLoaderCache(cache));
		known.addAll(SharedLibrarySearch.loadedNames(maps));
		SharedLibrarySearch search = new SharedLibrarySearch(List.of(a, b), known);
		assertEquals(List.of("libcurand.so.10", "libcuda.so.1"), search.missing(List
			.of("libcudart.so.12", "libcurand.so.10", "libcublas.so.12",
				"libcudnn.so.9", "libcuda.so.1", "libcurand.so.10")));
	}

	@Test
	void theLoaderCacheOfThisMachineKnowsTheCLibrary() {
		assumeTrue(Files.isReadable(SharedLibrarySearch.LOADER_CACHE),
			"a Linux with a loader cache");
		SharedLibrarySearch search = SharedLibrarySearch.forThisProcess(dir, List
			.of());
		assertTrue(search.finds("libc.so.6"));
		assertFalse(search.finds("libfiji-gan-no-such-library.so.7"));
	}

	@Test
	void aProviderWhoseLibrariesAreMissingIsNamedWithThem() throws IOException {
		// the JNI library in a provider's place: it needs libc.so.6 (found) and
		// libonnxruntime.so.1, which
		// is nowhere on the library path (this process loaded it by its file name,
		// libonnxruntime.so, from
		// a folder the check does not search); cuDNN is needed as for any CUDA
		// provider, and named first
		Path folder = Files.createDirectories(dir.resolve("native"));
		Files.copy(cachedLibrary("onnxruntime4j_jni"), folder.resolve(
			"libonnxruntime_providers_cuda.so"));
		assertEquals(
			"libcudnn.so.9, libonnxruntime.so.1 not found on the library path (LD_LIBRARY_PATH, " +
				"ldconfig)", ProviderCheck.missingLibraries(ExecutionProvider.CUDA,
					folder));
		assertNull(ProviderCheck.missingLibraries(ExecutionProvider.CUDA, dir
			.resolve("no-such-folder")), "no library to check: ONNX Runtime decides");
		assertNull(ProviderCheck.missingLibraries(ExecutionProvider.DIRECTML,
			folder), "nothing to check on Linux");
	}

	@Test
	void theNoteNamesTheToolkitTheLibrariesBelongTo() {
		List<String> needed = List.of("libcublasLt.so.12", "libcublas.so.12",
			"libcurand.so.10", "libcudart.so.12", "libcuda.so.1", "libc.so.6",
			"libcudnn.so.9");
		assertEquals(
			"libcuda.so.1, libcudart.so.12, libcudnn.so.9 and 3 more not found on the library path " +
				"(LD_LIBRARY_PATH, ldconfig); it needs the NVIDIA driver, CUDA 12 and cuDNN 9",
			ProviderCheck.describe(List.of("libcublasLt.so.12", "libcublas.so.12",
				"libcurand.so.10", "libcudart.so.12", "libcuda.so.1", "libcudnn.so.9"),
				needed));
		assertEquals(
			"libcudnn.so.9 not found on the library path (LD_LIBRARY_PATH, ldconfig); it needs the " +
				"NVIDIA driver, CUDA 12 and cuDNN 9", ProviderCheck.describe(List.of(
					"libcudnn.so.9"), needed));
		assertNull(ProviderCheck.describe(List.of(), needed));
	}

	@Test
	void aProviderThatFailedToLoadIsRememberedForTheProcess() {
		assertNull(ProviderCheck.whyNot(ExecutionProvider.CPU));
		ProviderCheck.failed(ExecutionProvider.ROCM,
			"Failed to load shared library");
		ProviderCheck.failed(ExecutionProvider.ROCM,
			"a second failure changes nothing");
		assertEquals(
			"it failed to load earlier in this process (Failed to load shared library)",
			ProviderCheck.whyNot(ExecutionProvider.ROCM));
		ProviderCheck.failed(ExecutionProvider.CPU, "the CPU is never given up");
		assertNull(ProviderCheck.whyNot(ExecutionProvider.CPU));
	}
}

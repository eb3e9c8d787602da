
package org.fijigan.core.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the Linux dynamic loader would find a shared library by its soname,
 * checked with file lookups only (nothing is loaded): a library this process
 * has loaded already, then the folders of {@code LD_LIBRARY_PATH} and of the
 * asking library's run path, then the loader's cache ({@code /etc/ld.so.cache},
 * written by {@code ldconfig}), then the default folders. It answers in well
 * under a millisecond per name, where asking ONNX Runtime to load a provider
 * maps hundreds of megabytes first.
 */
final class SharedLibrarySearch {

	static final Path LOADER_CACHE = Path.of("/etc/ld.so.cache");
	static final List<Path> DEFAULT_FOLDERS = List.of(Path.of("/lib64"), Path.of(
		"/usr/lib64"), Path.of("/lib"), Path.of("/usr/lib"));

	private final List<Path> folders;
	private final Set<String> known;

	/**
	 * @param folders searched in order, as {@code LD_LIBRARY_PATH} and run paths
	 *          are
	 * @param known file names the loader finds without a search: those in its
	 *          cache and those loaded
	 */
	SharedLibrarySearch(List<Path> folders, Set<String> known) {
		this.folders = List.copyOf(folders);
		this.known = Set.copyOf(known);
	}

	/**
	 * The search of this process for a library in {@code origin} whose run path
	 * is {@code runPath} ({@code $ORIGIN} stands for {@code origin}).
	 */
	static SharedLibrarySearch forThisProcess(Path origin, List<String> runPath) {
		List<Path> folders = new ArrayList<>();
		String ld = System.getenv("LD_LIBRARY_PATH");
		if (ld != null) for (String d : ld.split(":"))
			addFolder(folders, d.isEmpty() ? "." : d); // an empty entry is the
																									// working folder
		for (String d : runPath)
			addFolder(folders, d.replace("${ORIGIN}", origin.toString()).replace(
				"$ORIGIN", origin.toString()));
		folders.addAll(DEFAULT_FOLDERS);
		Set<String> known = new HashSet<>(namesInLoaderCache(read(LOADER_CACHE)));
		known.addAll(loadedNames(readText(Path.of("/proc/self/maps"))));
		return new SharedLibrarySearch(folders, known);
	}

	/** Whether the loader would find {@code soname}. */
	boolean finds(String soname) {
		if (known.contains(soname)) return true;
		for (Path f : folders)
			if (Files.exists(f.resolve(soname))) return true;
		return false;
	}

	/** Of {@code sonames}, those the loader would not find, in order. */
	List<String> missing(List<String> sonames) {
		List<String> m = new ArrayList<>();
		for (String s : sonames)
			if (!finds(s) && !m.contains(s)) m.add(s);
		return m;
	}

	/**
	 * The library file names in a loader cache: its entries end in NUL-terminated
	 * absolute paths, whatever the cache format's version, so every string that
	 * is one counts.
	 */
	static Set<String> namesInLoaderCache(byte[] cache) {
		Set<String> names = new HashSet<>();
		int start = 0;
		for (int i = 0; i <= cache.length; i++) {
			if (i < cache.length && cache[i] != 0) continue;
			if (i - start > 1 && cache[start] == '/') {
				String path = new String(cache, start, i - start,
					StandardCharsets.ISO_8859_1);
				names.add(path.substring(path.lastIndexOf('/') + 1));
			}
			start = i + 1;
		}
		return names;
	}

	/**
	 * The sonames of the libraries in a {@code /proc/self/maps} listing. A loaded
	 * {@code libstdc++.so.6.0.30} answers to {@code libstdc++.so.6} and the other
	 * shortenings at a dot after {@code .so}.
	 */
	static Set<String> loadedNames(String maps) {
		Set<String> names = new HashSet<>();
		for (String line : maps.split("\n")) {
			int slash = line.lastIndexOf('/');
			if (slash < 0 || line.indexOf(" /") < 0) continue;
			String name = line.substring(slash + 1).strip();
			int so = name.indexOf(".so");
			if (so < 0) continue;
			names.add(name);
			for (int dot = name.lastIndexOf('.'); dot > so; dot = name.lastIndexOf(
				'.', dot - 1))
				names.add(name.substring(0, dot));
		}
		return names;
	}

	private static void addFolder(List<Path> folders, String d) {
		try {
			folders.add(Path.of(d));
		}
		catch (InvalidPathException e) {
			// the loader cannot use it either
		}
	}

	private static byte[] read(Path file) {
		try {
			return Files.readAllBytes(file);
		}
		catch (IOException | SecurityException e) {
			return new byte[0];
		}
	}

	private static String readText(Path file) {
		return new String(read(file), StandardCharsets.ISO_8859_1);
	}
}

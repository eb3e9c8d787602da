
package org.fijigan.core.engine;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.CRC32;

import ai.onnxruntime.OrtEnvironment;

/**
 * The native libraries that the ONNX Runtime jar on the class path holds for
 * this operating system and processor, with the size and CRC-32 the jar records
 * for each. Reading this loads no native code and initialises no ONNX Runtime
 * class.
 *
 * @param version ONNX Runtime's version from its jar's manifest, e.g.
 *          {@code 1.29.0}
 * @param flavour {@code gpu} for a jar with the CUDA provider
 *          ({@code onnxruntime_gpu}), else {@code cpu}
 * @param platform ONNX Runtime's own name for this system, e.g.
 *          {@code linux-x64}: the folder of its jar the libraries come from
 */
record OnnxRuntimeBundle(String version, String flavour, String platform,
		List<Library> libraries) {

	/**
	 * Every library ONNX Runtime 1.29's loader asks for by name, in the order it
	 * loads them.
	 */
	static final List<String> LIBRARY_NAMES = List.of(
		"onnxruntime_providers_shared", "webgpu_dawn", "dxil", "dxcompiler",
		"onnxruntime", "onnxruntime4j_jni", "onnxruntime_providers_cuda",
		"onnxruntime_providers_tensorrt", "onnxruntime_providers_rocm",
		"onnxruntime_providers_dnnl", "onnxruntime_providers_openvino",
		"onnxruntime_providers_qnn");

	/**
	 * One library in the jar.
	 *
	 * @param fileName the platform's file name, e.g. {@code libonnxruntime.so}
	 * @param origin where it is, for messages: {@code JAR!/ENTRY} or a URL
	 * @param size uncompressed bytes
	 * @param crc32 the CRC-32 of its content
	 * @param content opens its content; the caller closes the stream
	 */
	record Library(String fileName, String origin, long size, long crc32,
			Content content) {
	}

	/** Opens a library's content. */
	@FunctionalInterface
	interface Content {

		InputStream open() throws IOException;
	}

	OnnxRuntimeBundle {
		libraries = List.copyOf(libraries);
	}

	/**
	 * The ONNX Runtime jar on this class path; its libraries are empty on a
	 * platform it does not ship.
	 */
	static OnnxRuntimeBundle onClassPath() {
		String platform = platform(System.getProperty("os.name", ""), System
			.getProperty("os.arch", ""));
		String folder = "ai/onnxruntime/native/" + platform + "/";
		List<Library> libraries = fromJar(folder);
		if (libraries == null) libraries = fromResources(folder);
		String flavour = libraries.stream().anyMatch(l -> l.fileName().equals(
			fileName("onnxruntime_providers_cuda"))) ? "gpu" : "cpu";
		String version = OrtEnvironment.class.getPackage()
			.getImplementationVersion();
		if (version == null || !version.matches("[0-9A-Za-z._+-]{1,40}")) version =
			"unknown-" + libraries.stream().filter(l -> l.fileName().equals(fileName(
				"onnxruntime"))).map(l -> Long.toHexString(l.crc32())).findFirst()
				.orElse("0");
		return new OnnxRuntimeBundle(version, flavour, platform, libraries);
	}

	/**
	 * The libraries from the directory of the jar that ONNX Runtime's classes
	 * come from, or null when they do not come from a jar file. Reads the jar's
	 * directory only, which its class loader has open already.
	 */
	private static List<Library> fromJar(String folder) {
		try {
			CodeSource source = OrtEnvironment.class.getProtectionDomain()
				.getCodeSource();
			if (source == null || source.getLocation() == null) return null;
			Path jar = Path.of(source.getLocation().toURI());
			if (!Files.isRegularFile(jar)) return null;
			List<Library> libraries = new ArrayList<>();
			try (JarFile file = new JarFile(jar.toFile(), false)) {
				for (String name : LIBRARY_NAMES) {
					JarEntry e = file.getJarEntry(folder + fileName(name));
					if (e == null || e.getSize() < 0 || e.getCrc() < 0) continue;
					String entry = e.getName();
					libraries.add(new Library(fileName(name), jar + "!/" + entry, e
						.getSize(), e.getCrc(), () -> entry(jar, entry)));
				}
			}
			return libraries;
		}
		catch (IOException | URISyntaxException | RuntimeException e) {
			return null;
		}
	}

	/** A stream of one entry of a jar, closing the jar with it. */
	private static InputStream entry(Path jar, String name) throws IOException {
		JarFile file = new JarFile(jar.toFile(), false);
		try {
			JarEntry e = file.getJarEntry(name);
			if (e == null) throw new IOException(jar + " no longer holds " + name);
			return new FilterInputStream(file.getInputStream(e)) {

				@Override
				public void close() throws IOException {
					try {
						super.close();
					}
					finally {
						file.close();
					}
				}
			};
		}
		catch (IOException | RuntimeException e) {
			file.close();
			throw e;
		}
	}

	/**
	 * The libraries the class loader finds, each read once for its size and
	 * CRC-32.
	 */
	private static List<Library> fromResources(String folder) {
		List<Library> libraries = new ArrayList<>();
		for (String name : LIBRARY_NAMES) {
			URL url = OrtEnvironment.class.getResource("/" + folder + fileName(name));
			if (url != null) libraries.add(describe(fileName(name), url));
		}
		return libraries;
	}

	/**
	 * The name of this bundle's folder in the cache: version, flavour and
	 * platform.
	 */
	String folderName() {
		return version + "-" + flavour + "-" + platform;
	}

	/**
	 * The library of {@code name} ({@code onnxruntime},
	 * {@code onnxruntime_providers_cuda}), or null.
	 */
	Library library(String name) {
		String file = fileName(name);
		for (Library l : libraries)
			if (l.fileName().equals(file)) return l;
		return null;
	}

	/**
	 * The file name ONNX Runtime looks for: {@code libNAME.so}, {@code NAME.dll},
	 * {@code libNAME.dylib}.
	 */
	static String fileName(String name) {
		return System.mapLibraryName(name).replace(".jnilib", ".dylib");
	}

	/**
	 * ONNX Runtime's name for an operating system and processor, as its jar's
	 * folders are named.
	 */
	static String platform(String osName, String osArch) {
		String os = osName.toLowerCase(Locale.ROOT);
		String arch = osArch.toLowerCase(Locale.ROOT);
		String o = os.contains("mac") || os.contains("darwin") ? "osx" : os
			.contains("win") ? "win" : os.contains("nux") ? "linux" : os;
		String a = arch.startsWith("amd64") || arch.startsWith("x86_64") ? "x64"
			: arch.startsWith("x86") ? "x86" : arch;
		return o + "-" + a;
	}

	/** Size and CRC-32 of a library read through its URL. */
	private static Library describe(String file, URL url) {
		try (InputStream in = url.openStream()) {
			CRC32 crc = new CRC32();
			long size = 0;
			byte[] buffer = new byte[1 << 16];
			for (int n; (n = in.read(buffer)) > 0; size += n)
				crc.update(buffer, 0, n);
			return new Library(file, url.toString(), size, crc.getValue(),
				url::openStream);
		}
		catch (IOException e) {
			return new Library(file, url.toString(), -1, -1, url::openStream); // unpacking
																																					// it
																																					// fails
																																					// with
																																					// the
																																					// reason
		}
	}
}

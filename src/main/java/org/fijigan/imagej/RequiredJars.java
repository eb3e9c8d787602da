
package org.fijigan.imagej;

import java.util.ArrayList;
import java.util.List;

/**
 * The jars the plugin needs beside {@code ij.jar}, and what to tell the user
 * when one is missing. ImageJ 1 swallows a {@link NoClassDefFoundError} thrown
 * by a plugin whose class name has no underscore, so without this a menu entry
 * whose jar is missing does nothing at all. This class uses nothing but the JDK
 * and ImageJ 1, so that it loads when every other jar is missing.
 */
final class RequiredJars {

	/**
	 * One jar: its Maven artifact (the file name without the version), a class it
	 * holds, and the package folders ({@code org/scijava/}) whose classes come
	 * from it.
	 */
	record Jar(String artifact, String probeClass, List<String> packages) {
	}

	/**
	 * Every jar the menu commands need at run time, in the order a message lists
	 * them.
	 */
	static final List<Jar> JARS = List.of( //
		new Jar("scijava-common", "org.scijava.command.Command", List.of(
			"org/scijava/")), //
		new Jar("parsington", "org.scijava.parsington.ExpressionParser", List.of(
			"org/scijava/parsington/")), //
		new Jar("snakeyaml", "org.yaml.snakeyaml.Yaml", List.of(
			"org/yaml/snakeyaml/")), //
		new Jar("jama", "Jama.Matrix", List.of("Jama/")), //
		new Jar("onnxruntime", "ai.onnxruntime.OrtEnvironment", List.of(
			"ai/onnxruntime/")), //
		new Jar("tribuo-util-onnx", "ai.onnx.proto.OnnxMl", List.of(
			"ai/onnx/proto/", "org/tribuo/")), //
		new Jar("protobuf-java", "com.google.protobuf.Message", List.of(
			"com/google/protobuf/")));

	private RequiredJars() {}

	/**
	 * The jars none of whose probe class {@code loader} finds (classes are found,
	 * not initialised).
	 */
	static List<Jar> missing(ClassLoader loader) {
		List<Jar> missing = new ArrayList<>();
		for (Jar jar : JARS) {
			try {
				Class.forName(jar.probeClass(), false, loader);
			}
			catch (ClassNotFoundException | LinkageError e) {
				missing.add(jar);
			}
		}
		return missing;
	}

	/**
	 * The jar a class (dots or slashes) comes from, or null when it is none of
	 * {@link #JARS}.
	 */
	static Jar jarOf(String className) {
		String path = className.replace('.', '/');
		Jar best = null;
		int longest = 0;
		for (Jar jar : JARS)
			for (String p : jar.packages())
				if (path.startsWith(p) && p.length() > longest) {
					best = jar;
					longest = p.length();
				}
		return best;
	}

	/**
	 * One message naming every missing jar and where ImageJ 1 and Fiji load jars
	 * from.
	 */
	static String message(List<Jar> missing) {
		List<String> names = missing.stream().map(Jar::artifact).toList();
		String list = names.size() == 1 ? names.get(0) : String.join(", ", names
			.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
		return "fiji-gan cannot run: " + (names.size() == 1 ? "the jar " + list +
			" is" : "the jars " + list + " are") + " missing (" + (names.size() == 1
				? "class " : "classes ") + String.join(", ", missing.stream().map(
					Jar::probeClass).toList()) + " not found). " +
			"Plain ImageJ 1 loads jars from plugins/jars/, Fiji from jars/: copy every jar of the " +
			"plugin's installation there (for ImageJ 1, the plugins/jars/ folder that 'mvn package' " +
			"lays out in target/ImageJ/) and restart ImageJ.";
	}

	/**
	 * What to tell the user of a {@link LinkageError} met while running a
	 * command: for a class that is not found, which jar lacks; otherwise the
	 * error itself.
	 */
	static String describe(LinkageError e) {
		String missingClass = missingClass(e);
		if (missingClass != null) {
			Jar jar = jarOf(missingClass);
			if (jar != null) return message(List.of(new Jar(jar.artifact(),
				missingClass.replace('/', '.'), jar.packages())));
			return "fiji-gan cannot run: class " + missingClass.replace('/', '.') +
				" was not found (" + e +
				"); is a jar missing from plugins/jars/ (Fiji: jars/)?";
		}
		return "fiji-gan cannot run: " + e + (e.getCause() == null ? "" : " (" + e
			.getCause() + ")");
	}

	/**
	 * The class a {@link NoClassDefFoundError} (or its
	 * {@link ClassNotFoundException}) names, or null.
	 */
	private static String missingClass(LinkageError e) {
		if (!(e instanceof NoClassDefFoundError)) return null;
		String m = e.getMessage();
		if (m == null || m.startsWith("Could not initialize class")) return null; // failed
																																							// before:
																																							// not
																																							// missing
		return m.trim();
	}

	/**
	 * Tells the user: a line in the Log window, and the same message as an error
	 * ({@link ErrorReport}).
	 */
	static void report(String message) {
		ErrorReport.show(message, message, true);
	}
}

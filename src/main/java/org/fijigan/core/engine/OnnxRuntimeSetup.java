
package org.fijigan.core.engine;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;

/**
 * How this process loads ONNX Runtime, decided once before any of its classes
 * loads native code.
 * <p>
 * ONNX Runtime's Java loader unpacks its libraries from its jar into a new
 * {@code onnxruntime-java*} folder of the temp folder on every start (hundreds
 * of megabytes for the GPU build). At a normal exit it deletes the copies but
 * not the folder; a killed process leaves both. {@link #prepare()} instead
 * makes sure that a {@link NativeLibraryCache} folder of this user's cache
 * holds them, unpacked once per ONNX Runtime version, flavour and platform, and
 * {@link #environment()} points ONNX Runtime's {@value #ORT_PATH_PROPERTY}
 * system property at that folder while its loader runs. The property is put
 * back afterwards: another copy of ONNX Runtime in the same JVM (another Fiji
 * plugin's, in a class loader of its own, perhaps of another version) must not
 * load fiji-gan's libraries. ONNX Runtime (1.29) still creates an empty temp
 * folder while it loads; {@link #environment()} deletes it as soon as its
 * loader has run.
 * <p>
 * The cache is {@value #CACHE_PROPERTY} or {@value #CACHE_ENV} when set, else
 * {@code $XDG_CACHE_HOME/fiji-gan/native} ({@code ~/.cache/fiji-gan/native}; on
 * macOS {@code ~/Library/Caches}, on Windows {@code %LOCALAPPDATA%}). Where it
 * cannot be used (a read-only home, a folder that is not private), ONNX Runtime
 * unpacks into the temp folder as it does by itself, and {@link Setup#note()}
 * says so once. A {@value #ORT_PATH_PROPERTY} the user set is left alone, and
 * so is an ONNX Runtime that something else in this process loaded first.
 * <p>
 * ONNX Runtime's own log goes to the terminal in colour; {@link #environment()}
 * creates its environment at level {@code fatal} ({@value #LOG_LEVEL_PROPERTY}
 * or {@value #LOG_LEVEL_ENV}: {@code verbose}, {@code info}, {@code warning},
 * {@code error} or {@code fatal}), and what went wrong reaches the user as
 * fiji-gan's own notes and errors. Thread-safe.
 */
public final class OnnxRuntimeSetup {

	/** The cache folder, overriding the default. */
	public static final String CACHE_PROPERTY = "fijigan.native.dir";
	/** The cache folder, when {@link #CACHE_PROPERTY} is not set. */
	public static final String CACHE_ENV = "FIJI_GAN_NATIVE_DIR";
	/** ONNX Runtime's log level. */
	public static final String LOG_LEVEL_PROPERTY = "fijigan.ort.log";
	/** ONNX Runtime's log level, when {@link #LOG_LEVEL_PROPERTY} is not set. */
	public static final String LOG_LEVEL_ENV = "FIJI_GAN_ORT_LOG";
	/**
	 * The folder ONNX Runtime's loader takes its libraries from instead of its
	 * jar.
	 */
	public static final String ORT_PATH_PROPERTY = "onnxruntime.native.path";

	/** Where this process's ONNX Runtime libraries come from. */
	public enum Source {
			/** the cache, unpacked by this process now */
			UNPACKED,
			/** the cache, where damaged libraries were replaced now */
			REPAIRED,
			/** the cache, as an earlier process left it */
			CACHE,
			/** the {@value OnnxRuntimeSetup#ORT_PATH_PROPERTY} the user set */
			USER,
			/** ONNX Runtime was loaded before fiji-gan could point it anywhere */
			LOADED_BEFORE,
			/**
			 * ONNX Runtime's own unpacking into the temp folder: the cache cannot be
			 * used
			 */
			TEMP_FOLDER
	}

	/**
	 * @param source where the libraries come from
	 * @param folder the folder holding them, or null when ONNX Runtime chooses
	 * @param note what the user should know (the cache cannot be used, libraries
	 *          were replaced), or null
	 */
	public record Setup(Source source, Path folder, String note) {
	}

	/**
	 * ONNX Runtime's loader class (package-private): what it loaded, and its
	 * temporary folder.
	 */
	private static final String LOADER = "ai.onnxruntime.OnnxRuntime";

	private static Setup setup;
	private static boolean noteTaken;
	private static OrtEnvironment environment;

	private OnnxRuntimeSetup() {}

	/**
	 * Unpacks or checks the cache; the first call decides, later ones return the
	 * same answer. Loads no native code; never throws. Call it before anything in
	 * fiji-gan can load ONNX Runtime (the command line's and the Fiji commands'
	 * entry points do), so that a damaged cache is repaired and its note is ready
	 * for the first session.
	 */
	public static synchronized Setup prepare() {
		if (setup == null) setup = decide();
		return setup;
	}

	/**
	 * {@link Setup#note()} the first time it is asked for, null after: the note
	 * belongs to the process, so it is told once, with the first session.
	 */
	public static synchronized String takeNote() {
		if (noteTaken) return null;
		noteTaken = true;
		return prepare().note();
	}

	/**
	 * ONNX Runtime's environment, created (at the log level above) after
	 * {@link #prepare()}. Every use of ONNX Runtime in fiji-gan goes through
	 * here, so that its libraries come from the cache.
	 *
	 * @throws GanException when the log level setting is not one of the names
	 *           above
	 */
	public static synchronized OrtEnvironment environment() {
		if (environment == null) {
			try {
				environment = makeEnvironment();
			}
			catch (RuntimeException | LinkageError e) {
				// ONNX Runtime's loader and environment register work for the JVM's
				// exit (a file to delete, a shutdown hook), which the JVM refuses once
				// Ctrl-C or SIGTERM has come
				CancellationToken.throwIfShuttingDown();
				throw e;
			}
		}
		return environment;
	}

	private static OrtEnvironment makeEnvironment() {
		OrtLoggingLevel level = logLevel();
		Setup s = prepare();
		boolean fromCache = s.folder() != null && s.source() != Source.USER &&
			!ortLoaded();
		if (fromCache) System.setProperty(ORT_PATH_PROPERTY, s.folder().toString());
		boolean made;
		try {
			// reading the field initialises the class, which runs ONNX Runtime's
			// loader
			made = field("ai.onnxruntime.OrtEnvironment", "INSTANCE") != null;
		}
		finally {
			if (fromCache) System.clearProperty(ORT_PATH_PROPERTY); // read once, by
																															// the loader
		}
		if (fromCache) removeOrtTemporaryFolder(); // at once: it lived only while
																								// the loader ran
		// one made already (by code that used ONNX Runtime directly) keeps its
		// level: asking for
		// another would only make ONNX Runtime log a warning
		return made ? OrtEnvironment.getEnvironment() : OrtEnvironment
			.getEnvironment(level, "fiji-gan");
	}

	/** ONNX Runtime's log level for the environment and for each session. */
	public static OrtLoggingLevel logLevel() {
		String name = setting(LOG_LEVEL_PROPERTY, LOG_LEVEL_ENV);
		if (name == null || name.isBlank())
			return OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
		return switch (name.trim().toLowerCase(Locale.ROOT)) {
			case "verbose" -> OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE;
			case "info" -> OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO;
			case "warning" -> OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING;
			case "error" -> OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
			case "fatal" -> OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
			default -> throw new GanException("ONNX Runtime log level '" + name +
				"' (" + LOG_LEVEL_PROPERTY + " or " + LOG_LEVEL_ENV +
				") must be verbose, info, warning, error or fatal");
		};
	}

	/**
	 * The cache folder for the given settings: {@code property} (from
	 * {@value #CACHE_PROPERTY}), else the environment's {@value #CACHE_ENV}, else
	 * the platform's user cache folder plus {@code fiji-gan/native}.
	 *
	 * @throws InvalidPathException for a setting that is no path
	 */
	static Path cacheRoot(String property, Map<String, String> env, String osName,
		String home)
	{
		if (property != null && !property.isBlank()) return Path.of(property
			.trim());
		String dir = env.get(CACHE_ENV);
		if (dir != null && !dir.isBlank()) return Path.of(dir.trim());
		String xdg = env.get("XDG_CACHE_HOME");
		Path base;
		String os = osName.toLowerCase(Locale.ROOT);
		if (xdg != null && Path.of(xdg).isAbsolute()) base = Path.of(xdg); // relative
																																				// ones
																																				// are
																																				// to be
																																				// ignored
		else if (os.contains("mac")) base = Path.of(home, "Library", "Caches");
		else if (os.contains("win") && env.get("LOCALAPPDATA") != null) base = Path
			.of(env.get("LOCALAPPDATA"));
		else base = Path.of(home, ".cache");
		return base.resolve("fiji-gan").resolve("native");
	}

	private static Setup decide() {
		try {
			if (ortLoaded()) return new Setup(Source.LOADED_BEFORE, null, null);
			String user = System.getProperty(ORT_PATH_PROPERTY);
			if (user != null) return new Setup(Source.USER, Path.of(user), null);
			Path root;
			try {
				root = cacheRoot(System.getProperty(CACHE_PROPERTY), System.getenv(),
					System.getProperty("os.name", ""), System.getProperty("user.home",
						""));
			}
			catch (InvalidPathException e) {
				return unusable("the cache folder setting is not a path (" + e
					.getMessage() + ")");
			}
			NativeLibraryCache.Result r = new NativeLibraryCache(root,
				OnnxRuntimeBundle.onClassPath()).open();
			return switch (r.outcome()) {
				case FOUND -> new Setup(Source.CACHE, r.folder(), null);
				case UNPACKED -> new Setup(Source.UNPACKED, r.folder(), null);
				case REPAIRED -> new Setup(Source.REPAIRED, r.folder(),
					"ONNX Runtime's " + String.join(", ", r.replaced()) + " in " + r
						.folder() + " was damaged or missing and is unpacked again");
			};
		}
		catch (NativeLibraryCache.UnusableException e) {
			return unusable(e.getMessage());
		}
		catch (RuntimeException | LinkageError e) {
			return unusable(e.toString());
		}
	}

	private static Setup unusable(String why) {
		return new Setup(Source.TEMP_FOLDER, null,
			"ONNX Runtime's libraries are unpacked into the temp folder " +
				"for this run, as the native library cache cannot be used: " + why +
				" (set " + CACHE_ENV + " to a private writable folder)");
	}

	private static String setting(String property, String env) {
		String v = System.getProperty(property);
		return v != null ? v : System.getenv(env);
	}

	/**
	 * Whether ONNX Runtime's loader has loaded its libraries already; false when
	 * that cannot be told.
	 */
	private static boolean ortLoaded() {
		Object loaded = field(LOADER, "loaded");
		return loaded instanceof Boolean b && b;
	}

	/**
	 * Deletes the empty {@code onnxruntime-java*} folder that ONNX Runtime's
	 * loader creates in the temp folder even when it takes its libraries from
	 * elsewhere (it would delete it at exit, which a killed process never
	 * reaches). A folder that holds something is left to ONNX Runtime.
	 */
	private static void removeOrtTemporaryFolder() {
		if (!(field(LOADER, "tempDirectory") instanceof Path dir)) return;
		try {
			Files.deleteIfExists(dir);
		}
		catch (IOException e) {
			// not empty, or gone: ONNX Runtime's exit hook has it
		}
	}

	/**
	 * A static field of an ONNX Runtime class, or null where this version has no
	 * such field. The class is initialised first: for {@value #LOADER} that loads
	 * nothing, for {@code OrtEnvironment} it runs ONNX Runtime's loader.
	 */
	private static Object field(String className, String name) {
		try {
			Class<?> c = Class.forName(className, true, OrtEnvironment.class
				.getClassLoader());
			Field f = c.getDeclaredField(name);
			f.setAccessible(true);
			return f.get(null);
		}
		catch (ReflectiveOperationException | RuntimeException e) {
			return null;
		}
	}
}

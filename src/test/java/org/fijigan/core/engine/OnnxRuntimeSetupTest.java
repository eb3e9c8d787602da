
package org.fijigan.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;

import org.fijigan.core.GanException;
import org.junit.jupiter.api.Test;

/** This test JVM's ONNX Runtime, set up as the command line sets up its own. */
class OnnxRuntimeSetupTest {

	static Object loaderField(String name) throws ReflectiveOperationException {
		Field f = Class.forName("ai.onnxruntime.OnnxRuntime", true,
			OrtEnvironment.class.getClassLoader()).getDeclaredField(name);
		f.setAccessible(true);
		return f.get(null);
	}

	@Test
	void onnxRuntimeLoadedItsLibrariesFromTheCacheAndThePropertyIsGoneAgain()
		throws Exception
	{
		OnnxRuntimeSetup.Setup s = OnnxRuntimeSetup.prepare();
		assumeTrue(s.folder() != null && s.source() != OnnxRuntimeSetup.Source.USER,
			"ONNX Runtime comes from fiji-gan's cache in this JVM");
		OnnxRuntimeSetup.environment();
		assertEquals(s.folder().toString(), loaderField("libraryDirPathProperty"),
			"what ONNX Runtime's loader read");
		assertNull(System.getProperty(OnnxRuntimeSetup.ORT_PATH_PROPERTY),
			"not left for another copy of ONNX Runtime in this JVM");
		Object temp = loaderField("tempDirectory");
		assertTrue(temp instanceof Path p && !Files.exists(p),
			"ONNX Runtime's empty temp folder is gone: " + temp);
		Path maps = Path.of("/proc/self/maps");
		if (Files.isReadable(maps)) assertTrue(Files.readString(maps).contains(s
			.folder().resolve(OnnxRuntimeBundle.fileName("onnxruntime")).toString()),
			"mapped from the cache");
	}

	@Test
	void theLogLevelIsFatalUnlessSetAndABadNameIsRefused() {
		String before = System.getProperty(OnnxRuntimeSetup.LOG_LEVEL_PROPERTY);
		try {
			System.clearProperty(OnnxRuntimeSetup.LOG_LEVEL_PROPERTY);
			assumeTrue(System.getenv(OnnxRuntimeSetup.LOG_LEVEL_ENV) == null,
				"no log level in the environment");
			assertEquals(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, OnnxRuntimeSetup
				.logLevel());
			System.setProperty(OnnxRuntimeSetup.LOG_LEVEL_PROPERTY, " Warning ");
			assertEquals(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, OnnxRuntimeSetup
				.logLevel());
			System.setProperty(OnnxRuntimeSetup.LOG_LEVEL_PROPERTY, "loud");
			GanException e = assertThrows(GanException.class,
				OnnxRuntimeSetup::logLevel);
			assertEquals(
				"ONNX Runtime log level 'loud' (fijigan.ort.log or FIJI_GAN_ORT_LOG) must be verbose, info, " +
					"warning, error or fatal", e.getMessage());
		}
		finally {
			if (before == null) System.clearProperty(
				OnnxRuntimeSetup.LOG_LEVEL_PROPERTY);
			else System.setProperty(OnnxRuntimeSetup.LOG_LEVEL_PROPERTY, before);
		}
	}
}


package org.fijigan.testing;

import org.fijigan.core.engine.OnnxRuntimeSetup;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Loads ONNX Runtime from fiji-gan's native library cache before a test class
 * runs, as the command line and the Fiji commands do, so that a test that uses
 * ONNX Runtime's classes directly does not make it unpack its libraries into
 * the temp folder. Registered for every test class through JUnit's extension
 * autodetection ({@code junit-platform.properties} and
 * {@code META-INF/services} in the test resources).
 */
public final class OnnxRuntimeFromCache implements BeforeAllCallback {

	@Override
	public void beforeAll(ExtensionContext context) {
		OnnxRuntimeSetup.environment();
	}
}

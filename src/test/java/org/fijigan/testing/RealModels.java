
package org.fijigan.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * Optional third-party ONNX models (DnCNN, Real-ESRGAN, SRGAN, ESPCN; not
 * shipped with the project), in the folder that the environment variable
 * {@value #ENV} names. Tests that use them skip cleanly where it is unset or
 * the folder or file is absent; docs/contributing.md lists the files.
 */
public final class RealModels {

	private RealModels() {}

	/** The environment variable naming the folder. */
	public static final String ENV = "FIJI_GAN_REAL_MODELS";

	/** The folder, or a skipped test. */
	public static Path dir() {
		String dir = System.getenv(ENV);
		Assumptions.assumeTrue(dir != null && !dir.isBlank(), ENV + " is not set");
		Path found = Path.of(dir);
		Assumptions.assumeTrue(Files.isDirectory(found), ENV + "=" + dir +
			" is not a folder");
		return found;
	}

	/** One model file, or a skipped test. */
	public static Path model(String file) {
		Path p = dir().resolve(file);
		Assumptions.assumeTrue(Files.isRegularFile(p), "no " + file);
		return p;
	}
}

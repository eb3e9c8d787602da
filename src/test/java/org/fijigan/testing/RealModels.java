package org.fijigan.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * The third-party models in {@code ../shared/real-models} (not shipped with the project). Tests
 * that use them skip cleanly where the folder is absent.
 */
public final class RealModels {
	private RealModels() {}

	/** The folder, or a skipped test. */
	public static Path dir() {
		Path relative = Path.of("..", "shared", "real-models");
		Path found = Files.isDirectory(relative) ? relative : Path.of("/work/shared/real-models");
		Assumptions.assumeTrue(Files.isDirectory(found), "no real-models folder");
		return found;
	}

	/** One model file, or a skipped test. */
	public static Path model(String file) {
		Path p = dir().resolve(file);
		Assumptions.assumeTrue(Files.isRegularFile(p), "no " + file);
		return p;
	}
}


package org.fijigan.core.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.fijigan.core.io.AtomicFile;

/**
 * What tells, in a checkpoint folder, the model that the run of its checkpoint
 * wrote: {@value #FILE}, two lines that give the SHA-256 of that checkpoint
 * file and of the model file the run wrote when it stopped there. A model is
 * that run's own result only when it is byte for byte that file: a model of
 * another run from the same base model and of as many steps (another seed,
 * other data) is not, however its metadata reads. Written atomically, before
 * the model is put in place (a run stopped between the two has placed no model,
 * and the record names bytes no file holds); a later checkpoint of the folder
 * has another SHA-256, so the record then names no model. A folder of a version
 * before this one has no record: no model counts as its run's then.
 */
final class WrittenModel {

	static final String FILE = "written-model.txt";

	private static final String CHECKPOINT = "checkpoint-sha256", MODEL =
		"model-sha256";

	private WrittenModel() {}

	/**
	 * Records in {@code dir} that the run whose checkpoint has the SHA-256
	 * {@code checkpoint} wrote the model of SHA-256 {@code model}.
	 */
	static void record(Path dir, String checkpoint, String model) {
		AtomicFile.write(dir.resolve(FILE), o -> o.write((CHECKPOINT + "=" +
			checkpoint + "\n" + MODEL + "=" + model + "\n").getBytes(
				StandardCharsets.UTF_8)));
	}

	/**
	 * The SHA-256 of the model that {@code dir} records as written by the run of
	 * the checkpoint of SHA-256 {@code checkpoint}; null when it records none, or
	 * one for another checkpoint.
	 */
	static String of(Path dir, String checkpoint) {
		Map<String, String> r = new HashMap<>();
		try {
			for (String line : Files.readAllLines(dir.resolve(FILE),
				StandardCharsets.UTF_8))
			{
				int eq = line.indexOf('=');
				if (eq > 0) r.put(line.substring(0, eq), line.substring(eq + 1));
			}
		}
		catch (IOException | java.io.UncheckedIOException e) {
			return null; // none, or unreadable: no model is the run's
		}
		return checkpoint != null && checkpoint.equals(r.get(CHECKPOINT)) ? r.get(
			MODEL) : null;
	}

	/**
	 * Whether {@code dir} holds a record at all: a checkpoint folder of a version
	 * that recorded none (or of a run that has written no model yet) has none,
	 * and its run's model is then told by its metadata, as that version did.
	 */
	static boolean anyRecord(Path dir) {
		return Files.exists(dir.resolve(FILE));
	}

	/**
	 * Whether the model of SHA-256 {@code model} is what the run of the
	 * checkpoint of SHA-256 {@code checkpoint} in {@code dir} wrote.
	 */
	static boolean wrote(Path dir, String checkpoint, String model) {
		return model != null && model.equals(of(dir, checkpoint));
	}
}


package org.fijigan.ij1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.fijigan.core.GanException;

/**
 * The forked side of {@link ImageFileFuzzTest}: reads seeded mutations of each
 * file of a folder through {@link ImageFileCodec#read}, and prints one line per
 * case that ends otherwise than read or refused in one line: {@code BUG} (any
 * other exception or error, out-of-memory included), {@code MULTILINE},
 * {@code STDOUT} or {@code STDERR} (something printed while reading, on
 * standard error by any thread), {@code HANG} (a case of more than
 * {@link #HANG_MS}), then a summary line. The case under way is in the file
 * {@code current} of the work folder, for a case that hangs.
 * <p>
 * Arguments: SEED CASES CORPUS_DIR WORK_DIR. Case {@code i} of file
 * {@code name} mutates with {@code new Random(SEED * 1_000_003 + 31 *
 * name.hashCode() + i)}.
 */
public final class ImageFileFuzzMain {

	private ImageFileFuzzMain() {}

	/** A case that takes longer is reported. */
	static final long HANG_MS = 20_000;

	public static void main(String[] args) throws IOException {
		long seed = Long.parseLong(args[0]);
		int cases = Integer.parseInt(args[1]);
		Path corpus = Path.of(args[2]), work = Path.of(args[3]);
		List<Path> files;
		try (Stream<Path> s = Files.list(corpus)) {
			files = s.sorted().toList();
		}
		PrintStream out = System.out, err = System.err;
		int read = 0, refused = 0, problems = 0;
		for (Path file : files) {
			byte[] original = Files.readAllBytes(file);
			String name = file.getFileName().toString();
			for (int i = 0; i < cases; i++) {
				Random random = new Random(seed * 1_000_003 + 31L * name.hashCode() +
					i);
				Path mutated = work.resolve(name);
				Files.write(mutated, mutate(original, random));
				Files.writeString(work.resolve("current"), name + " #" + i);
				ByteArrayOutputStream printed = new ByteArrayOutputStream(), errors =
					new ByteArrayOutputStream();
				System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
				// any thread's: ImageJ's GIF and JPEG decoding runs on AWT's threads
				System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
				String problem = null;
				long start = System.nanoTime();
				try {
					ImageFileCodec.INSTANCE.read(mutated, "input", note -> {});
					read++;
				}
				catch (GanException e) {
					refused++;
					if (e.getMessage().lines().count() != 1) problem = "MULTILINE " + e
						.getMessage().replace('\n', '|');
				}
				catch (Throwable t) { // what the test looks for
					problem = "BUG " + t;
				}
				finally {
					System.setOut(out);
					System.setErr(err);
				}
				long ms = (System.nanoTime() - start) / 1_000_000;
				// a few kilobytes read in seconds: a loop, or a size believed
				if (problem == null && ms > HANG_MS) problem = "HANG " + ms + " ms";
				if (problem == null && printed.size() > 0) problem = "STDOUT " + printed
					.toString(StandardCharsets.UTF_8).replace('\n', '|');
				if (problem == null && errors.size() > 0) problem = "STDERR " + errors
					.toString(StandardCharsets.UTF_8).replace('\n', '|');
				if (problem != null) {
					problems++;
					out.println(name + " #" + i + ": " + (problem.length() > 300 ? problem
						.substring(0, 300) : problem));
				}
			}
		}
		out.println("cases " + files.size() * cases + ", read " + read +
			", refused " + refused + ", problems " + problems);
	}

	/**
	 * 1-8 bytes changed (a random value, a flipped bit, 0 or 255), and one time
	 * in ten the file cut short.
	 */
	static byte[] mutate(byte[] original, Random random) {
		byte[] b = original.clone();
		int changes = 1 + random.nextInt(8);
		for (int m = 0; m < changes; m++) {
			int at = random.nextInt(b.length);
			switch (random.nextInt(3)) {
				case 0 -> b[at] = (byte) random.nextInt(256);
				case 1 -> b[at] ^= (byte) (1 << random.nextInt(8));
				default -> b[at] = (byte) (random.nextBoolean() ? 0 : 0xff);
			}
		}
		return random.nextInt(10) == 0 ? Arrays.copyOf(b, random.nextInt(b.length))
			: b;
	}
}

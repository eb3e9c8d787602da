
package org.fijigan.core.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ModelSession;

/**
 * The half of {@link ModelFuzzTest} that reaches ONNX Runtime (the loader's
 * probe run, then a session opened on every model the loader accepted, as a
 * command would), in its own JVM so that a native crash fails the test instead
 * of killing the build. Arguments: work folder, seed, number of .onnx, rdf.yaml
 * and .zip cases, per-case limit in milliseconds.
 * <p>
 * Prints {@code case N KIND} before each case (flushed, so the parent can name
 * the case a crash happened in), {@code BAD ...} with a stack trace for an
 * exception other than {@link GanException}, and
 * {@code DONE loaded=.. refused=.. bad=.. probedInOnnxRuntime=.. sessionsOpened=.. ...}
 * at the end. Exit status 0 when no case was bad, 1 when one was, 3 (by
 * halting) when a case ran over its limit.
 */
public final class ModelFuzzMain {

	private ModelFuzzMain() {}

	public static void main(String[] args) throws Exception {
		Path work = Path.of(args[0]);
		long seed = Long.parseLong(args[1]);
		int onnx = Integer.parseInt(args[2]), rdf = Integer.parseInt(args[3]), zip =
			Integer.parseInt(args[4]);
		long limitMs = Long.parseLong(args[5]);
		Files.createDirectories(work);
		// A file outside every case folder, and a link to it, for external data and
		// weights to escape to.
		Path outside = Files.createDirectories(work.resolve("outside"));
		Files.write(outside.resolve("w.bin"), new byte[8]);
		Files.write(outside.resolve("model.onnx"), ModelFuzzCorpus.rdfWeights());

		List<byte[]> seeds = ModelFuzzCorpus.onnxSeeds();
		byte[] weights = ModelFuzzCorpus.rdfWeights();
		List<String> rdfSeeds = ModelFuzzCorpus.rdfSeeds(ModelLoader.sha256(Files
			.write(work.resolve("w.onnx"), weights)));
		ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
			Thread t = new Thread(r, "fuzz-case");
			t.setDaemon(true);
			return t;
		});
		int loaded = 0, refused = 0, bad = 0, probed = 0;
		AtomicInteger sessions = new AtomicInteger(), sessionsRefused =
			new AtomicInteger();
		long slowest = 0;
		int total = onnx + rdf + zip;
		for (int i = 0; i < total; i++) {
			Random r = new Random(seed * 1_000_003L + i);
			String kind = i < onnx ? "onnx" : i < onnx + rdf ? "rdf" : "zip";
			System.out.println("case " + i + " " + kind);
			System.out.flush();
			Path dir = Files.createDirectories(work.resolve("case-" + i));
			Files.write(dir.resolve("w.bin"), new byte[8]);
			Files.createSymbolicLink(dir.resolve("sub"), outside);
			Path file;
			if (kind.equals("onnx")) {
				byte[] s = seeds.get(r.nextInt(seeds.size()));
				file = Files.write(dir.resolve("model.onnx"), r.nextBoolean()
					? ModelFuzzCorpus.mutateModel(s, r) : ModelFuzzCorpus.mutateBytes(s,
						r));
			}
			else if (kind.equals("rdf")) {
				Files.write(dir.resolve("model.onnx"), r.nextInt(4) == 0
					? ModelFuzzCorpus.mutateBytes(weights, r) : weights);
				file = Files.writeString(dir.resolve("rdf.yaml"), ModelFuzzCorpus
					.mutateYaml(rdfSeeds.get(r.nextInt(2)), r), StandardCharsets.UTF_8);
			}
			else file = Files.write(dir.resolve("model.zip"), ModelFuzzCorpus
				.mutateZip(rdfSeeds.get(r.nextInt(2)), weights, r));
			long start = System.nanoTime();
			Future<ModelDescriptor> f = worker.submit(() -> {
				ModelDescriptor d = ModelLoader.load(file.toString(),
					ModelOverrides.NONE);
				// What every command does next: hand the loaded model to ONNX Runtime.
				try (ModelSession s = ModelSession.open(d.onnxFile(), DeviceSpec.CPU,
					1))
				{
					sessions.incrementAndGet();
				}
				catch (GanException e) {
					sessionsRefused.incrementAndGet();
				}
				return d;
			});
			try {
				if ("probed".equals(f.get(limitMs, TimeUnit.MILLISECONDS).origins().get(
					"scale"))) probed++;
				loaded++;
			}
			catch (TimeoutException e) {
				System.out.println("HANG case " + i + " " + kind + ": over " + limitMs +
					" ms");
				System.out.flush();
				Runtime.getRuntime().halt(3);
			}
			catch (java.util.concurrent.ExecutionException e) {
				if (e.getCause() instanceof GanException g) {
					refused++;
					if (String.valueOf(g.getMessage()).contains("by a probe run"))
						probed++; // ONNX Runtime refused it
				}
				else {
					bad++;
					System.out.println("BAD case " + i + " " + kind + ": " + e
						.getCause());
					e.getCause().printStackTrace(System.out);
				}
			}
			slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
			deleteTree(dir);
		}
		System.out.println("DONE loaded=" + loaded + " refused=" + refused +
			" bad=" + bad + " probedInOnnxRuntime=" + probed + " sessionsOpened=" +
			sessions + " sessionsRefusedByOnnxRuntime=" + sessionsRefused +
			" slowestMs=" + slowest);
		System.out.flush();
		Runtime.getRuntime().halt(bad == 0 ? 0 : 1);
	}

	private static void deleteTree(Path dir) throws IOException {
		try (var s = Files.walk(dir)) {
			for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList())
				Files.deleteIfExists(p);
		}
	}
}

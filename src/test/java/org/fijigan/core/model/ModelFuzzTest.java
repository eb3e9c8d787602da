
package org.fijigan.core.model;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.fijigan.core.GanException;
import org.fijigan.core.model.bioimage.BioImageRdf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds thousands of seeded mutations of valid tiny models, descriptors and
 * packages to the loader (see {@link ModelFuzzCorpus}): every case must load or
 * end in a {@link GanException}, within a time limit. The parsers that never
 * reach native code (OnnxGraphInfo, BioImageRdf) run here; the whole loader,
 * whose probe run reaches ONNX Runtime, runs in a forked JVM
 * ({@link ModelFuzzMain}) so that a native crash is reported as a failure with
 * its case number. A failure names its seed and case;
 * {@code new Random(SEED * 1_000_003 + case)} replays it.
 */
class ModelFuzzTest {

	static final long SEED = 20261128L;
	static final int ONNX_CASES = 3000, RDF_CASES = 1500, ZIP_CASES = 600;
	static final int FORKED_ONNX = 1500, FORKED_RDF = 300, FORKED_ZIP = 150;
	static final long CASE_LIMIT_MS = 5000;

	private static ExecutorService worker;

	@TempDir
	Path dir;

	@BeforeAll
	static void startWorker() {
		worker = Executors.newSingleThreadExecutor(r -> {
			Thread t = new Thread(r, "fuzz-case");
			t.setDaemon(true);
			return t;
		});
	}

	@AfterAll
	static void stopWorker() {
		worker.shutdownNow();
	}

	/** Counts of one fuzz run. */
	private static final class Tally {

		int accepted, refused;
		long slowestMs;
		final List<String> bad = new ArrayList<>();

		void check(String what, int i, Callable<?> call) {
			long start = System.nanoTime();
			Future<?> f = worker.submit(call);
			try {
				f.get(CASE_LIMIT_MS, TimeUnit.MILLISECONDS);
				accepted++;
			}
			catch (TimeoutException e) {
				f.cancel(true);
				fail(what + " case " + i + " (seed " + SEED + ") ran over " +
					CASE_LIMIT_MS + " ms");
			}
			catch (ExecutionException e) {
				if (e.getCause() instanceof GanException) refused++;
				else {
					if (bad.size() < 5) e.getCause().printStackTrace();
					bad.add(what + " case " + i + ": " + e.getCause());
				}
			}
			catch (InterruptedException e) {
				throw new AssertionError(e);
			}
			slowestMs = Math.max(slowestMs, (System.nanoTime() - start) / 1_000_000);
		}

		void report(String what, long startNanos) {
			System.out.printf(
				"fuzz %s: %d cases, %d accepted, %d refused with GanException, %d other; slowest %d ms, " +
					"total %.1f s%n", what, accepted + refused + bad.size(), accepted,
				refused, bad.size(), slowestMs, (System.nanoTime() - startNanos) / 1e9);
			assertTrue(bad.isEmpty(), bad.size() +
				" cases ended in another exception type, e.g. " + bad.subList(0, Math
					.min(10, bad.size())));
		}
	}

	@Test
	void onnxParserEndsInGanExceptionOrAnalysis() {
		long start = System.nanoTime();
		List<byte[]> seeds = ModelFuzzCorpus.onnxSeeds();
		Tally t = new Tally();
		for (int i = 0; i < ONNX_CASES; i++) {
			Random r = new Random(SEED * 1_000_003L + i);
			byte[] s = seeds.get(r.nextInt(seeds.size()));
			byte[] bytes = r.nextBoolean() ? ModelFuzzCorpus.mutateModel(s, r)
				: ModelFuzzCorpus.mutateBytes(s, r);
			t.check("onnx", i, () -> OnnxGraphInfo.parse(bytes, "case.onnx"));
		}
		t.report("OnnxGraphInfo.parse", start);
		assertTrue(t.refused > ONNX_CASES / 10 && t.accepted > ONNX_CASES / 10,
			"the mutations should reach both outcomes: " + t.accepted + " parsed, " +
				t.refused + " refused");
	}

	@Test
	void descriptorReaderEndsInGanExceptionOrModel() throws IOException {
		long start = System.nanoTime();
		byte[] weights = ModelFuzzCorpus.rdfWeights();
		Path folder = Files.createDirectories(dir.resolve("model"));
		List<String> seeds = ModelFuzzCorpus.rdfSeeds(ModelLoader.sha256(Files
			.write(folder.resolve("model.onnx"), weights)));
		Tally t = new Tally();
		for (int i = 0; i < RDF_CASES; i++) {
			Random r = new Random(SEED * 1_000_003L + i);
			Path rdf = Files.writeString(folder.resolve("rdf.yaml"), ModelFuzzCorpus
				.mutateYaml(seeds.get(r.nextInt(seeds.size())), r),
				StandardCharsets.UTF_8);
			t.check("rdf", i, () -> {
				BioImageRdf.read(rdf).verifySha256();
				return null;
			});
		}
		t.report("BioImageRdf.read", start);
		assertTrue(t.refused > RDF_CASES / 10 && t.accepted > RDF_CASES / 10,
			t.accepted + " read, " + t.refused + " refused");
	}

	@Test
	void packageReaderEndsInGanExceptionOrModelInsideItsFolder()
		throws IOException
	{
		long start = System.nanoTime();
		byte[] weights = ModelFuzzCorpus.rdfWeights();
		List<String> seeds = ModelFuzzCorpus.rdfSeeds(ModelLoader.sha256(Files
			.write(dir.resolve("w.onnx"), weights)));
		Tally t = new Tally();
		for (int i = 0; i < ZIP_CASES; i++) {
			Random r = new Random(SEED * 1_000_003L + i);
			Path zip = Files.write(dir.resolve("case.zip"), ModelFuzzCorpus.mutateZip(
				seeds.get(r.nextInt(seeds.size())), weights, r));
			Path out = dir.resolve("out-" + i);
			t.check("zip", i, () -> {
				var m = BioImageRdf.readPackage(zip, out);
				assertTrue(m.onnxWeights().toRealPath().startsWith(out.toRealPath()),
					"weights outside the package");
				return null;
			});
			// Nothing may land outside the folder the package unpacks to.
			try (var s = Files.list(dir)) {
				List<String> names = s.map(p -> p.getFileName().toString()).filter(
					n -> !n.startsWith("out-") && !n.equals("w.onnx") && !n.equals(
						"case.zip")).toList();
				assertEquals(List.of(), names, "zip case " + i +
					" wrote outside its folder");
			}
		}
		t.report("BioImageRdf.readPackage", start);
		assertTrue(t.refused > ZIP_CASES / 10 && t.accepted > ZIP_CASES / 10,
			t.accepted + " read, " + t.refused + " refused");
	}

	/**
	 * The whole loader, ONNX Runtime probe runs included, in a child JVM: a
	 * native crash there is a non-zero exit naming the last case, not a dead
	 * build.
	 */
	@Test
	void loaderInForkedJvmEndsInGanExceptionOrDescriptor() throws Exception {
		long start = System.nanoTime();
		Path work = dir.resolve("forked");
		Path tmp = Files.createDirectories(dir.resolve("tmp"));
		Path log = dir.resolve("fuzz.log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java")
			.toString();
		List<String> cmd = List.of(java, "-Xmx512m", "-XX:ErrorFile=" + dir.resolve(
			"hs_err_%p.log"), "-Djava.io.tmpdir=" + tmp, "-Djava.awt.headless=true",
			"-cp", System.getProperty("java.class.path"), ModelFuzzMain.class
				.getName(), work.toString(), Long.toString(SEED), Integer.toString(
					FORKED_ONNX), Integer.toString(FORKED_RDF), Integer.toString(
						FORKED_ZIP), Long.toString(CASE_LIMIT_MS));
		Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
			.redirectOutput(log.toFile()).start();
		boolean finished = p.waitFor(240, TimeUnit.SECONDS);
		if (!finished) p.destroyForcibly().waitFor();
		List<String> lines = Files.readAllLines(log);
		String last = lines.stream().filter(l -> l.startsWith("case ")).reduce((a,
			b) -> b).orElse("no case started");
		String tail = String.join("\n", lines.subList(Math.max(0, lines.size() -
			40), lines.size()));
		assertTrue(finished,
			"the forked loader fuzz did not finish in 240 s; last: " + last);
		String done = lines.stream().filter(l -> l.startsWith("DONE")).findFirst()
			.orElse(null);
		assertNotNull(done, "the forked JVM died (exit " + p.exitValue() + ") in " +
			last + "; crash logs in " + dir + (new File(dir.toFile(), ".").list((d,
				n) -> n.startsWith("hs_err")).length > 0 ? " (hs_err found)" : "") +
			"\n" + tail);
		System.out.printf(
			"fuzz ModelLoader.load (forked JVM, ONNX Runtime probes): %d onnx + %d rdf + %d zip cases, %s, " +
				"total %.1f s%n", FORKED_ONNX, FORKED_RDF, FORKED_ZIP, done, (System
					.nanoTime() - start) / 1e9);
		assertEquals(0, p.exitValue(), String.join("\n", lines.stream().filter(
			l -> !l.startsWith("case ")).toList()));
		assertTrue(done.contains(" bad=0 "), done);
	}
}


package org.fijigan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The machine's nominal fp32 peak, as an estimate: logical CPUs x clock x SIMD
 * lanes x 2 (a fused multiply-add is two FLOPs) x FMA units per core. CPUs,
 * clock and the SIMD flags come from {@code /proc/cpuinfo}; the FMA units per
 * core (2 on current x86 server cores) cannot be read there and are assumed.
 * Virtual CPUs that share a physical core count fully, so on such machines the
 * true peak is lower.
 */
final class Peak {

	static final int ASSUMED_FMA_UNITS = 2;

	private Peak() {}

	/** GFLOP/s; NaN where /proc/cpuinfo cannot be read. */
	static double estimate() {
		Info i = read();
		return i == null ? Double.NaN : i.cpus * i.mhz / 1e3 * i.lanes * (i.fma ? 2
			: 1) * ASSUMED_FMA_UNITS;
	}

	static String describe() {
		Info i = read();
		if (i == null) return "peak: unknown (no /proc/cpuinfo)";
		return String.format(Locale.ROOT,
			"estimated fp32 peak: %d CPUs x %.3f GHz x %d lanes (%s) x %d (FMA) " +
				"x %d FMA units (assumed) = %.1f GFLOP/s; CPU model: %s", i.cpus,
			i.mhz / 1e3, i.lanes, i.simd, i.fma ? 2 : 1, ASSUMED_FMA_UNITS,
			estimate(), i.model);
	}

	private record Info(int cpus, double mhz, int lanes, String simd, boolean fma,
			String model) {
	}

	private static Info read() {
		List<String> lines;
		try {
			lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
		}
		catch (IOException e) {
			return null;
		}
		int cpus = 0;
		double mhz = 0;
		String flags = "", model = "?";
		for (String l : lines) {
			int colon = l.indexOf(':');
			if (colon < 0) continue;
			String key = l.substring(0, colon).trim(), value = l.substring(colon + 1)
				.trim();
			switch (key) {
				case "processor" -> cpus++;
				case "cpu MHz" -> mhz = Math.max(mhz, Double.parseDouble(value));
				case "flags" -> flags = " " + value + " ";
				case "model name" -> model = value;
				default -> {}
			}
		}
		if (cpus == 0 || mhz == 0) return null;
		String simd = flags.contains(" avx512f ") ? "avx512f" : flags.contains(
			" avx2 ") ? "avx2" : flags.contains(" avx ") ? "avx" : "sse";
		int lanes = simd.equals("avx512f") ? 16 : simd.startsWith("avx") ? 8 : 4;
		return new Info(cpus, mhz, lanes, simd, flags.contains(" fma "), model);
	}
}

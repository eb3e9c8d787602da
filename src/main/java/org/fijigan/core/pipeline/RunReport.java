
package org.fijigan.core.pipeline;

import java.util.List;

import org.fijigan.core.StageTimings;

/**
 * What a run did, for logs, image properties and the CLI.
 *
 * @param provider the execution provider that actually ran, e.g. {@code cpu}
 * @param tilesPerPlane tiles per plane and channel group (1 when untiled)
 * @param haloPixels halo used, in input pixels
 * @param windowWidth model input width of a tile
 * @param windowHeight model input height of a tile
 * @param notes decisions and warnings the user should see (fallbacks, halo
 *          reduced, untiled...)
 * @param seconds wall time of the run
 * @param nonFiniteOutputs NaN and infinite values the model gave (in the part
 *          of its output that became the result)
 * @param timings where the run's time went (session, statistics, conversions,
 *          model runs); a copy, which the caller may add its own stages to
 */
public record RunReport(String provider, int tilesPerPlane, int haloPixels,
		int windowWidth, int windowHeight, List<String> notes, double seconds,
		long nonFiniteOutputs, StageTimings timings) {

	public RunReport {
		notes = List.copyOf(notes);
		timings = timings == null ? new StageTimings() : timings.copy();
	}

	/** A report without a breakdown of its time. */
	public RunReport(String provider, int tilesPerPlane, int haloPixels,
		int windowWidth, int windowHeight, List<String> notes, double seconds,
		long nonFiniteOutputs)
	{
		this(provider, tilesPerPlane, haloPixels, windowWidth, windowHeight, notes,
			seconds, nonFiniteOutputs, null);
	}

	/** A report of a run whose output was all finite. */
	public RunReport(String provider, int tilesPerPlane, int haloPixels,
		int windowWidth, int windowHeight, List<String> notes, double seconds)
	{
		this(provider, tilesPerPlane, haloPixels, windowWidth, windowHeight, notes,
			seconds, 0);
	}
}

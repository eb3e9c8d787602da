
package org.fijigan.core.pipeline;

import java.util.ArrayList;
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
 * @param residualNote the denoising residual check's note when it found
 *          structure that noise would not have (also one of {@code notes}),
 *          else null
 */
public record RunReport(String provider, int tilesPerPlane, int haloPixels,
		int windowWidth, int windowHeight, List<String> notes, double seconds,
		long nonFiniteOutputs, StageTimings timings, String residualNote) {

	public RunReport {
		notes = List.copyOf(notes);
		timings = timings == null ? new StageTimings() : timings.copy();
	}

	/** A report without a residual check's note. */
	public RunReport(String provider, int tilesPerPlane, int haloPixels,
		int windowWidth, int windowHeight, List<String> notes, double seconds,
		long nonFiniteOutputs, StageTimings timings)
	{
		this(provider, tilesPerPlane, haloPixels, windowWidth, windowHeight, notes,
			seconds, nonFiniteOutputs, timings, null);
	}

	/** This report with {@code note} added to its notes. */
	public RunReport withNote(String note) {
		List<String> more = new ArrayList<>(notes);
		more.add(note);
		return new RunReport(provider, tilesPerPlane, haloPixels, windowWidth,
			windowHeight, more, seconds, nonFiniteOutputs, timings, residualNote);
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

package org.fijigan.core.pipeline;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.model.ModelDescriptor;

/** Draws synthetic images from a generator model; every image is tagged SYNTHETIC. */
public final class Generator {
	private Generator() {}

	/** @return a stack of {@code options.count()} images, one per slice, with provenance properties */
	public static RunResult run(ModelDescriptor model, GenerateOptions options,
		ProgressListener progress, CancellationToken cancel)
	{
		throw new UnsupportedOperationException("in progress");
	}
}

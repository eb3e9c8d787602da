
package org.fijigan.core.train.data;

import java.util.List;

/**
 * Where training batches come from. {@link #batch} must be a pure function of
 * the run's seed and the step number, so that a resumed run sees the same
 * batches as an uninterrupted one.
 */
public interface BatchSource {

	/** The training batch of step {@code step}. */
	Batch batch(long step);

	/** Fixed validation batches (never trained on); may be empty. */
	List<Batch> validation();

	/** One line describing the data, for provenance. */
	String describe();
}

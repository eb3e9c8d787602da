
package org.fijigan.core.pipeline;

import org.fijigan.core.image.RasterImage;

/**
 * A new image produced by a run, and how it was produced. The caller owns the
 * image.
 */
public record RunResult(RasterImage image, RunReport report) {
}

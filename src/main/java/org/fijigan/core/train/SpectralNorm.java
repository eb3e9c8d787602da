
package org.fijigan.core.train;

import java.util.List;

import org.fijigan.core.train.autodiff.GraphEmitter;

/**
 * Spectral normalisation (Miyato et al. 2018, "Spectral Normalization for
 * Generative Adversarial Networks", algorithm 1) of one weight, as step-graph
 * nodes. The weight {@code W} is viewed as the matrix {@code [out, in·kh·kw]}
 * (its first axis against the rest, as PyTorch's {@code spectral_norm});
 * {@code u} ({@code [out]}) is persistent state, not a parameter. One power
 * iteration
 *
 * <pre>
 * v = normalize(Wᵀu),  u' = normalize(W v),  σ = u'ᵀ W v,  W_SN = W / σ
 * </pre>
 *
 * with {@code normalize(x) = x / max(‖x‖, 1e-12)}. The vectors are constants
 * for the gradient ({@link GraphEmitter#stopGradient}), so it flows through σ
 * alone: {@code ∂σ/∂W = u' vᵀ}. Without the iteration (the generator's step,
 * which uses the discriminator as the last one left it), {@code u' = u}.
 */
final class SpectralNorm {

	private static final float EPS = 1e-12f;

	/** The normalised weight and the vector {@code u'} (the updated state). */
	record Normalised(String weight, String vector) {
	}

	private SpectralNorm() {}

	/** State name of the power-iteration vector of weight {@code weight}. */
	static String vectorName(String weight) {
		return "train/u/" + weight;
	}

	/**
	 * Emits the normalisation of graph value {@code weight} with the vector
	 * {@code u} (a graph value of shape {@code [out]}).
	 */
	static Normalised emit(GraphEmitter e, String weight, String u,
		boolean powerIteration)
	{
		long[] shape = e.shape(weight);
		long out = shape[0], rest = 1;
		for (int i = 1; i < shape.length; i++)
			rest *= shape[i];
		String matrix = e.reshape(weight, new long[] { out, rest });
		String fixed = e.stopGradient(matrix);
		String uRow = e.reshape(u, new long[] { 1, out });
		String v = normalize(e, e.matMul(uRow, fixed)); // [1, rest] = (Wᵀu)ᵀ
		String u2 = powerIteration ? normalize(e, e.op("Gemm", new long[] { 1,
			out }, List.of(v, fixed), GraphEmitter.attr("transB", 1L))) : uRow; // [1,
																																					// out]
																																					// =
																																					// (W
																																					// v)ᵀ
		// σ = Σ W ⊙ (u' vᵀ), with u' vᵀ a constant
		String outer = e.matMul(e.reshape(u2, new long[] { out, 1 }), v);
		String sigma = e.reduceSum(e.mul(matrix, outer), new long[] { 0, 1 },
			false);
		return new Normalised(e.div(weight, sigma), e.reshape(u2, new long[] {
			out }));
	}

	private static String normalize(GraphEmitter e, String x) {
		String norm = e.unary("Sqrt", e.reduceSum(e.mul(x, x), new long[] { 0, 1 },
			true));
		return e.div(x, e.op("Max", e.shape(norm), List.of(norm, e.scalar(EPS))));
	}
}

package rlhf4j.train.optim;

import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Tensor;
import rlhf4j.tensor.VectorMath;

/**
 * Gradient clipping by global L2 norm, as {@code torch.nn.utils.clip_grad_norm_}: the norm of all
 * gradients taken together, and every gradient scaled by min(1, maxNorm / (norm + 1e-6)).
 *
 * <p>Squares are summed in double, per fixed chunk ({@link ParamChunks}), and the chunk sums are
 * added in chunk order, so the norm is bit-identical run to run and for any thread count.
 * Parameters without a gradient buffer count as zero.
 */
public final class GradClip {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Whether {@link #sumSquares} widens vectors: a float vector holds two double vectors' lanes. */
    static final boolean VECTOR = D.length() * 2 == F.length();
    /** Float lanes per vector; lane j of the vector path's sums holds the squares of lanes j and j + LANES/2. */
    static final int LANES = F.length();
    private static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromOp(F, l -> l ^ (F.length() / 2));

    private GradClip() {
    }

    /**
     * Clips the gradients of {@code params} to global norm {@code maxNorm} and returns the norm
     * before clipping. A NaN or infinite norm is returned as is and the gradients are left
     * untouched: the caller should skip the optimizer step (check with {@link Double#isFinite}).
     */
    public static double clip(List<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        double norm = globalNorm(params);
        if (!Double.isFinite(norm)) return norm;
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) Grads.scaleGrads(params, (float) coef);
        return norm;
    }

    /** sqrt(Σ g²) over every gradient element of {@code params}. */
    public static double globalNorm(List<Tensor> params) {
        return Math.sqrt(sumOfSquares(params));
    }

    static double sumOfSquares(List<Tensor> params) {
        ParamChunks chunks = new ParamChunks(params);
        double[] partial = new double[chunks.count()];
        Parallel.forEach(chunks.count(), c -> {
            float[] g = params.get(chunks.param[c]).gradOrNull();
            if (g != null) partial[c] = sumSquares(g, chunks.from[c], chunks.to[c]);
        });
        double sum = 0;
        for (double s : partial) sum += s;
        return sum;
    }

    /**
     * Σ x² over [from, to) in double. Where a float vector holds twice a double vector's lanes (16
     * and 8 with AVX-512), lane j of each float vector is squared into running sum j, the sums are
     * combined as (s0 + s8) + (s1 + s9) + … + (s7 + s15), and the last (to − from) mod 16 squares
     * are added one by one; elsewhere the squares are added in order.
     *
     * <p>The upper half of a float vector is widened by swapping halves first, not through a
     * half-width float species. Once such a second FloatVector class has run, C2 can no longer tell
     * which class some of a kernel's loop-carried vectors have, and kernels compiled afterwards box
     * them: a steady training step allocated 0.5-9 MB instead of 85 KB, depending on what the JVM
     * had run before. These are the same bits as the half-width path gave.
     */
    static double sumSquares(float[] x, int from, int to) {
        if (!VECTOR) return sumSquaresInOrder(x, from, to);
        DoubleVector lower = DoubleVector.zero(D), upper = DoubleVector.zero(D);
        int i = from, bound = from + F.loopBound(to - from);
        for (; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            DoubleVector lo = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
            DoubleVector hi = (DoubleVector) v.rearrange(SWAP_HALVES).convertShape(VectorOperators.F2D, D, 0);
            lower = lo.fma(lo, lower);
            upper = hi.fma(hi, upper);
        }
        double s = VectorMath.sum(lower.add(upper));
        for (; i < to; i++) s += (double) x[i] * x[i];
        return s;
    }

    private static double sumSquaresInOrder(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += (double) x[i] * x[i];
        return s;
    }
}

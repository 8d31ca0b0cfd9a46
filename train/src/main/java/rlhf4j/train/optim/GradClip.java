package rlhf4j.train.optim;

import rlhf4j.tensor.VectorMath;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Tensor;

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
    /** Float vectors half as wide as {@link #F}: each converts into one double vector of width D. */
    private static final VectorSpecies<Float> HALF = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    /** The double path converts one float vector into two double vectors of the same width. */
    private static final boolean VECTOR = D.length() * 2 == F.length() && HALF.length() == D.length();

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
        return Math.sqrt(sumOfSquares(params, VECTOR));
    }

    static double sumOfSquares(List<Tensor> params, boolean vectorized) {
        ParamChunks chunks = new ParamChunks(params);
        double[] partial = new double[chunks.count()];
        Parallel.forEach(chunks.count(), c -> {
            float[] g = params.get(chunks.param[c]).gradOrNull();
            if (g == null) return;
            partial[c] = vectorized ? sumSquaresVector(g, chunks.from[c], chunks.to[c])
                    : sumSquaresScalar(g, chunks.from[c], chunks.to[c]);
        });
        double sum = 0;
        for (double s : partial) sum += s;
        return sum;
    }

    static double sumSquaresScalar(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += (double) x[i] * x[i];
        return s;
    }

    static double sumSquaresVector(float[] x, int from, int to) {
        DoubleVector acc0 = DoubleVector.zero(D), acc1 = DoubleVector.zero(D);
        int i = from, upper = from + F.loopBound(to - from);
        for (; i < upper; i += F.length()) {
            // lanes [i, i+8) and [i+8, i+16) widened from half-width loads: convertShape's part 1 of a
            // full vector is not intrinsified (it boxed and cost ~60 ms a step at 4M params)
            DoubleVector lo = (DoubleVector) FloatVector.fromArray(HALF, x, i).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector hi = (DoubleVector) FloatVector.fromArray(HALF, x, i + HALF.length()).convertShape(VectorOperators.F2D, D, 0);
            acc0 = lo.fma(lo, acc0);
            acc1 = hi.fma(hi, acc1);
        }
        double s = VectorMath.sum(acc0.add(acc1));
        for (; i < to; i++) s += (double) x[i] * x[i];
        return s;
    }
}

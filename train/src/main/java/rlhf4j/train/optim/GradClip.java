package rlhf4j.train.optim;

import java.util.List;
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
     * Σ x² over [from, to) in double: element from + 16k + j goes into running sum j, the sums are
     * combined as (s0 + s8) + (s1 + s9) + … + (s7 + s15), and the last to − from mod 16 squares are
     * added one by one. Sixteen independent sums keep the adds from waiting on each other.
     *
     * <p>Plain Java, not the Vector API: widening floats to doubles there needs a half-width float
     * species, and loading a second FloatVector class into the JVM stops C2 from proving which
     * vector class a kernel's loop-carried vectors have. Every kernel compiled after that boxed its
     * accumulators: a steady training step allocated 0.5-9 MB instead of 85 KB, depending on what
     * the JVM had run before. These are the same bits as that vector path gave (an exact square
     * plus a sum rounds once either way).
     */
    static double sumSquares(float[] x, int from, int to) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        double s8 = 0, s9 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0, s14 = 0, s15 = 0;
        int i = from;
        for (; i + 16 <= to; i += 16) {
            s0 += square(x[i]);
            s1 += square(x[i + 1]);
            s2 += square(x[i + 2]);
            s3 += square(x[i + 3]);
            s4 += square(x[i + 4]);
            s5 += square(x[i + 5]);
            s6 += square(x[i + 6]);
            s7 += square(x[i + 7]);
            s8 += square(x[i + 8]);
            s9 += square(x[i + 9]);
            s10 += square(x[i + 10]);
            s11 += square(x[i + 11]);
            s12 += square(x[i + 12]);
            s13 += square(x[i + 13]);
            s14 += square(x[i + 14]);
            s15 += square(x[i + 15]);
        }
        double s = (s0 + s8) + (s1 + s9);
        s += s2 + s10;
        s += s3 + s11;
        s += s4 + s12;
        s += s5 + s13;
        s += s6 + s14;
        s += s7 + s15;
        for (; i < to; i++) s += square(x[i]);
        return s;
    }

    private static double square(float v) {
        return (double) v * v;
    }
}

package rlhf4j.train.optim;

import rlhf4j.tensor.VectorMath;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Tensor;

/**
 * Gradient helpers for the training loop and gradient accumulation: zero, scale (e.g. by
 * 1/accumSteps after summing micro-batches), and check for NaN/infinity. All run in parallel over
 * the fixed chunk split of {@link ParamChunks}; parameters without a gradient buffer are skipped.
 */
public final class Grads {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private Grads() {
    }

    /** Zeroes every gradient buffer (keeping the buffers). */
    public static void zeroGrads(List<Tensor> params) {
        ParamChunks chunks = new ParamChunks(params);
        Parallel.forEach(chunks.count(), c -> {
            float[] g = params.get(chunks.param[c]).gradOrNull();
            if (g != null) Arrays.fill(g, chunks.from[c], chunks.to[c], 0f);
        });
    }

    /** Multiplies every gradient by {@code factor}. */
    public static void scaleGrads(List<Tensor> params, float factor) {
        ParamChunks chunks = new ParamChunks(params);
        Parallel.forEach(chunks.count(), c -> {
            float[] g = params.get(chunks.param[c]).gradOrNull();
            if (g != null) scale(g, chunks.from[c], chunks.to[c], factor);
        });
    }

    /**
     * Turns gradients summed over {@code accumSteps} micro-batches (each loss a mean over its own
     * micro-batch) into the gradient of the mean over all of them: scales by 1/accumSteps.
     */
    public static void averageAccumulated(List<Tensor> params, int accumSteps) {
        if (accumSteps < 1) throw new IllegalArgumentException("accumSteps must be >= 1, got " + accumSteps);
        if (accumSteps > 1) scaleGrads(params, 1f / accumSteps);
    }

    /** True when no gradient holds a NaN or an infinity. */
    public static boolean allFinite(List<Tensor> params) {
        ParamChunks chunks = new ParamChunks(params);
        boolean[] bad = new boolean[chunks.count()];
        Parallel.forEach(chunks.count(), c -> {
            float[] g = params.get(chunks.param[c]).gradOrNull();
            if (g != null) bad[c] = !finite(g, chunks.from[c], chunks.to[c]);
        });
        for (boolean b : bad) if (b) return false;
        return true;
    }

    static void scale(float[] x, int from, int to, float factor) {
        int i = from, upper = from + F.loopBound(to - from);
        for (; i < upper; i += F.length()) FloatVector.fromArray(F, x, i).mul(factor).intoArray(x, i);
        for (; i < to; i++) x[i] *= factor;
    }

    /** x − x is 0 for every finite x and NaN for ±inf and NaN, so one sum says whether all are finite. */
    static boolean finite(float[] x, int from, int to) {
        FloatVector acc = FloatVector.zero(F);
        int i = from, upper = from + F.loopBound(to - from);
        for (; i < upper; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            acc = acc.add(v.sub(v));
        }
        float s = VectorMath.sum(acc);
        for (; i < to; i++) s += x[i] - x[i];
        return s == 0f;
    }
}

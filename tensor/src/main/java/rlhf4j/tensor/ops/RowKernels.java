package rlhf4j.tensor.ops;

import rlhf4j.tensor.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorized loops over one row of logits (a slice {@code x[off, off + n)}), shared by the ops over
 * the vocabulary. Each has a plain scalar twin used as the reference in tests.
 *
 * <p>The exponential is {@link VectorMath#exp}, whose result does not depend on whether the JIT
 * has compiled the caller.
 */
final class RowKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** Floats of exponentials computed at a time: a multiple of 2·L, small enough to stay in L1. */
    private static final int CHUNK = 512;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[CHUNK]);

    private RowKernels() {
    }

    /** max of x[off, off + n). */
    static float max(float[] x, int off, int n) {
        int i = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (n >= 4 * L) {
            FloatVector m0 = FloatVector.fromArray(F, x, off), m1 = FloatVector.fromArray(F, x, off + L);
            FloatVector m2 = FloatVector.fromArray(F, x, off + 2 * L), m3 = FloatVector.fromArray(F, x, off + 3 * L);
            for (i = 4 * L; i <= n - 4 * L; i += 4 * L) {
                m0 = m0.max(FloatVector.fromArray(F, x, off + i));
                m1 = m1.max(FloatVector.fromArray(F, x, off + i + L));
                m2 = m2.max(FloatVector.fromArray(F, x, off + i + 2 * L));
                m3 = m3.max(FloatVector.fromArray(F, x, off + i + 3 * L));
            }
            for (; i <= n - L; i += L) m0 = m0.max(FloatVector.fromArray(F, x, off + i));
            m = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, x[off + i]);
        return m;
    }

    static float maxScalar(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, x[off + i]);
        return m;
    }

    /**
     * Σ exp(x − m) over the row. The exponentials go through {@link #SCRATCH} and
     * {@link VectorMath#expInPlace}, one call site for the whole loop: with the polynomial inlined at
     * each of the loop's vector sites, C2 reached its node budget and left the last ones as calls,
     * boxing two vectors per call (about 100 MB/s in a steady training step of config A).
     */
    static float sumExp(float[] x, int off, int n, float m) {
        float[] e = SCRATCH.get();
        FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
        int whole = n - n % L;
        for (int c = 0; c < whole; c += CHUNK) {
            int len = Math.min(CHUNK, whole - c), j;
            shiftedExp(x, off + c, len, m, e);
            // even vectors into s0, odd into s1; an odd one out (last chunk only) into s0
            for (j = 0; j + 2 * L <= len; j += 2 * L) {
                s0 = s0.add(FloatVector.fromArray(F, e, j));
                s1 = s1.add(FloatVector.fromArray(F, e, j + L));
            }
            if (j < len) s0 = s0.add(FloatVector.fromArray(F, e, j));
        }
        float s = VectorMath.sum(s0.add(s1));
        for (int i = whole; i < n; i++) s += (float) Math.exp(x[off + i] - m);
        return s;
    }

    /** e[0, len) ← exp(x[xOff, xOff + len) − m), len a multiple of L: one chunk's exponentials. */
    private static void shiftedExp(float[] x, int xOff, int len, float m, float[] e) {
        FloatVector mv = FloatVector.broadcast(F, m);
        for (int j = 0; j < len; j += L) FloatVector.fromArray(F, x, xOff + j).sub(mv).intoArray(e, j);
        VectorMath.expInPlace(e, 0, len);
    }

    static float sumExpScalar(float[] x, int off, int n, float m) {
        float s = 0;
        for (int i = 0; i < n; i++) s += (float) Math.exp(x[off + i] - m);
        return s;
    }

    /**
     * Σ exp(x − m)·(x − m) over the row: with s = Σ exp(x − m), the softmax mean of x is m + this / s.
     * Kept relative to m so huge logits do not cancel.
     */
    static float sumExpTimesShifted(float[] x, int off, int n, float m) {
        // the exponentials go through the scratch, as in sumExp
        float[] e = SCRATCH.get();
        FloatVector mv = FloatVector.broadcast(F, m);
        FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
        int whole = n - n % L;
        for (int c = 0; c < whole; c += CHUNK) {
            int len = Math.min(CHUNK, whole - c), j;
            shiftedExp(x, off + c, len, m, e);
            for (j = 0; j + 2 * L <= len; j += 2 * L) {
                FloatVector d0 = FloatVector.fromArray(F, x, off + c + j).sub(mv);
                FloatVector d1 = FloatVector.fromArray(F, x, off + c + j + L).sub(mv);
                s0 = FloatVector.fromArray(F, e, j).fma(d0, s0);
                s1 = FloatVector.fromArray(F, e, j + L).fma(d1, s1);
            }
            if (j < len) s0 = FloatVector.fromArray(F, e, j).fma(FloatVector.fromArray(F, x, off + c + j).sub(mv), s0);
        }
        float s = VectorMath.sum(s0.add(s1));
        for (int i = whole; i < n; i++) {
            float d = x[off + i] - m;
            s += (float) Math.exp(d) * d;
        }
        return s;
    }

    static float sumExpTimesShiftedScalar(float[] x, int off, int n, float m) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            float d = x[off + i] - m;
            s += (float) Math.exp(d) * d;
        }
        return s;
    }

    /** y[yOff + i] = exp(x[xOff + i] − shift) · mul. */
    static void expInto(float[] x, int xOff, float[] y, int yOff, int n, float shift, float mul) {
        FloatVector sv = FloatVector.broadcast(F, shift);
        int i = 0;
        for (; i <= n - L; i += L) {
            VectorMath.exp(FloatVector.fromArray(F, x, xOff + i).sub(sv)).mul(mul).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = (float) Math.exp(x[xOff + i] - shift) * mul;
    }

    /** g[gOff + i] += a · exp(x[xOff + i] − lse): the softmax part of a log-softmax gradient. */
    static void addScaledSoftmax(float[] x, int xOff, float[] g, int gOff, int n, float lse, float a) {
        FloatVector lv = FloatVector.broadcast(F, lse), av = FloatVector.broadcast(F, a);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector p = VectorMath.exp(FloatVector.fromArray(F, x, xOff + i).sub(lv));
            p.fma(av, FloatVector.fromArray(F, g, gOff + i)).intoArray(g, gOff + i);
        }
        for (; i < n; i++) g[gOff + i] += a * (float) Math.exp(x[xOff + i] - lse);
    }

    static void addScaledSoftmaxScalar(float[] x, int xOff, float[] g, int gOff, int n, float lse, float a) {
        for (int i = 0; i < n; i++) g[gOff + i] += a * (float) Math.exp(x[xOff + i] - lse);
    }

    /** Σ a[aOff + i]·b[bOff + i]. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
            s1 = FloatVector.fromArray(F, a, aOff + i + L).fma(FloatVector.fromArray(F, b, bOff + i + L), s1);
        }
        for (; i <= n - L; i += L) s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
        float s = VectorMath.sum(s0.add(s1));
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /** Σ a[aOff + i]: the whole vectors' lane sums first ({@link VectorMath#sumVectors}), then the rest in order. */
    static float sum(float[] a, int aOff, int n) {
        int whole = n - n % L;
        float s = VectorMath.sumVectors(a, aOff, whole);
        for (int i = whole; i < n; i++) s += a[aOff + i];
        return s;
    }
    /** g[gOff + i] += y[yOff + i]·(gy[gyOff + i] − c): the softmax gradient, with c = Σ gy·y. */
    static void addSoftmaxGrad(float[] y, int yOff, float[] gy, int gyOff, float[] g, int gOff, int n, float c) {
        FloatVector cv = FloatVector.broadcast(F, c);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector d = FloatVector.fromArray(F, gy, gyOff + i).sub(cv);
            d.fma(FloatVector.fromArray(F, y, yOff + i), FloatVector.fromArray(F, g, gOff + i)).intoArray(g, gOff + i);
        }
        for (; i < n; i++) g[gOff + i] += y[yOff + i] * (gy[gyOff + i] - c);
    }

    /** g[gOff + i] += a·p_i·(x_i − mu) with p_i = exp(x_i − lse): the entropy gradient is a = −gy. */
    static void addEntropyGrad(float[] x, int xOff, float[] g, int gOff, int n, float lse, float mu, float a) {
        FloatVector lv = FloatVector.broadcast(F, lse), mv = FloatVector.broadcast(F, mu), av = FloatVector.broadcast(F, a);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + i);
            FloatVector p = VectorMath.exp(xv.sub(lv));
            p.mul(av).fma(xv.sub(mv), FloatVector.fromArray(F, g, gOff + i)).intoArray(g, gOff + i);
        }
        for (; i < n; i++) {
            float xi = x[xOff + i];
            g[gOff + i] += a * (float) Math.exp(xi - lse) * (xi - mu);
        }
    }
}

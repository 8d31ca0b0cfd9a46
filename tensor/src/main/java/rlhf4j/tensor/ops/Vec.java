package rlhf4j.tensor.ops;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Tensor;

/**
 * Shared loops of the elementwise op families: how work is split over the pool, and small vector
 * kernels over array slices ({@code (array, offset)} pairs, length {@code n}) with a scalar tail.
 * Each kernel also has its plain scalar form, chosen when {@link #enabled} is false, so tests can
 * compare the two. No {@link FloatVector} ever leaves a method.
 */
final class Vec {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /**
     * Below about this many elements threading costs more than it saves (a split costs a few µs
     * with the pool's spinning workers; a few thousand elements take several).
     */
    static final int PARALLEL_MIN = 8 * 1024;

    /** False: every kernel of this package takes its scalar reference path (tests only). */
    static volatile boolean enabled = true;

    private Vec() {
    }

    // ---- splitting work ----

    /** Runs body over [0, n) in contiguous chunks of at least PARALLEL_MIN/2 elements. */
    static void forElements(int n, Parallel.Range body) {
        if (n < PARALLEL_MIN) {
            if (n > 0) body.run(0, n);
            return;
        }
        Parallel.forRange(n, PARALLEL_MIN / 2, body);
    }

    /** Runs body over rows [0, rows) of {@code width} elements each, in chunks worth threading. */
    static void forRows(int rows, int width, Parallel.Range body) {
        if ((long) rows * width < PARALLEL_MIN) {
            if (rows > 0) body.run(0, rows);
            return;
        }
        Parallel.forRange(rows, rowGrain(width), body);
    }

    /** Rows per chunk so that a chunk holds about PARALLEL_MIN/2 elements. */
    static int rowGrain(int width) {
        return Math.max(1, PARALLEL_MIN / 2 / Math.max(1, width));
    }

    /** How many chunks {@link #forRows} splits into (1 when it would not thread). */
    static int rowChunks(int rows, int width) {
        if ((long) rows * width < PARALLEL_MIN) return rows > 0 ? 1 : 0;
        return Parallel.chunks(rows, rowGrain(width));
    }

    /** Runs chunk c of {@code chunks} over its row range; the split is the one forRange makes. */
    interface ChunkBody {
        void run(int chunk, int from, int to);
    }

    static void forRowChunks(int rows, int chunks, ChunkBody body) {
        if (chunks <= 1) {
            body.run(0, 0, rows);
            return;
        }
        Parallel.forEach(chunks, c -> body.run(c, (int) ((long) rows * c / chunks), (int) ((long) rows * (c + 1) / chunks)));
    }

    /**
     * Sums per-chunk partials [chunks, m] (in chunk order, so the result never depends on which
     * thread ran what) and accumulates {@code factor · Σ} into dst[0, m).
     */
    static void addPartials(float[] partials, int chunks, int m, float[] dst, float factor) {
        for (int j = 0; j < m; j++) {
            float s = 0f;
            for (int c = 0; c < chunks; c++) s += partials[c * m + j];
            dst[j] += factor * s;
        }
    }

    /** A scratch buffer for backward partials: pooled while a tape records. */
    static float[] scratch(int n) {
        return Tensor.empty(false, n).data();
    }

    /** Checks that b's shape is a suffix of a's (the only broadcasting we do). */
    static void checkSuffix(String op, Tensor a, Tensor b) {
        int[] sa = a.shape(), sb = b.shape();
        boolean ok = sb.length <= sa.length;
        for (int i = 1; ok && i <= sb.length; i++) ok = sa[sa.length - i] == sb[sb.length - i];
        if (!ok) throw new IllegalArgumentException(op + ": shape " + Arrays.toString(sb)
                + " is not a suffix of " + Arrays.toString(sa) + " (b broadcasts over a's leading dims)");
    }

    static void checkSame(String op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) throw new IllegalArgumentException(
                op + ": shapes differ, " + Arrays.toString(a.shape()) + " vs " + Arrays.toString(b.shape()));
    }

    // ---- kernels: out[i] = a[i] op b[i] ----

    static void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        if (enabled) {
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i];
    }

    static void sub(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        if (enabled) {
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] - b[bo + i];
    }

    static void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        if (enabled) {
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] * b[bo + i];
    }

    static void div(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        if (enabled) {
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector.fromArray(S, a, ao + i).div(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] / b[bo + i];
    }

    /** out[i] = a[i]·s + t. */
    static void affine(float[] a, int ao, float s, float t, float[] out, int oo, int n) {
        int i = 0;
        if (enabled) {
            FloatVector vs = FloatVector.broadcast(S, s), vt = FloatVector.broadcast(S, t);
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector.fromArray(S, a, ao + i).fma(vs, vt).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] * s + t;
    }

    // ---- accumulating kernels (backward) ----

    /** y[i] += x[i]·s. */
    static void accScaled(float[] y, int yo, float[] x, int xo, float s, int n) {
        int i = 0;
        if (enabled) {
            FloatVector vs = FloatVector.broadcast(S, s);
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector.fromArray(S, x, xo + i).fma(vs, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) y[yo + i] += x[xo + i] * s;
    }

    /** y[i] += x[i]. */
    static void acc(float[] y, int yo, float[] x, int xo, int n) {
        int i = 0;
        if (enabled) {
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector.fromArray(S, y, yo + i).add(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) y[yo + i] += x[xo + i];
    }

    /** y[i] += x[i]·z[i]. */
    static void accMul(float[] y, int yo, float[] x, int xo, float[] z, int zo, int n) {
        int i = 0;
        if (enabled) {
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, z, zo + i),
                        FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) y[yo + i] += x[xo + i] * z[zo + i];
    }

    /** y[i] += x[i] / z[i]. */
    static void accDiv(float[] y, int yo, float[] x, int xo, float[] z, int zo, int n) {
        int i = 0;
        if (enabled) {
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector.fromArray(S, x, xo + i).div(FloatVector.fromArray(S, z, zo + i))
                        .add(FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) y[yo + i] += x[xo + i] / z[zo + i];
    }
}

package rlhf4j.tensor.kernels;

import static rlhf4j.tensor.kernels.MicroKernel.L;
import static rlhf4j.tensor.kernels.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import rlhf4j.tensor.LaneSums;
import rlhf4j.tensor.Parallel;

/**
 * GEMM with only a few rows of C (the decode step: one token times a weight matrix). Such a call is
 * bound by reading B once, so B is not packed: op(A)'s rows are copied to scratch, and each task
 * owns a range of C's columns.
 * <ul>
 *   <li>B transposed ([n, k], a torch Linear weight): c(i, j) = dot(A row i, B row j), both contiguous.
 *   <li>B plain ([k, n]): C row i = Σ_p a(i, p)·B row p, vectorized across columns.
 * </ul>
 * Sums run in fixed order (lane partials are added in a fixed scalar order, never with
 * {@code reduceLanes}, whose order may differ between compiled and interpreted code), so results do
 * not depend on the column split.
 */
final class SmallGemm {
    // Small tasks, several per thread: a decode step is bound by reading B, whose speed varies from
    // task to task, so the threads finish together only if the last tasks are short (a split costs
    // a few µs with the pool's spinning workers).
    private static final int COLS_PER_TASK_MIN = 16;
    private static final long WORK_PER_TASK = 1L << 14;

    private SmallGemm() {
    }

    static void sgemm(int batch, boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, int strideA,
                      float[] b, int bOff, int ldb, int strideB,
                      float[] c, int cOff, int ldc, int strideC,
                      boolean accumulate) {
        long work = (long) m * n * k;
        int chunks = (int) Math.max(1, Math.min(Math.min(work / WORK_PER_TASK, n / COLS_PER_TASK_MIN), 8L * Parallel.threads()));
        Parallel.forEach(batch * chunks, task -> {
            int t = task / chunks, q = task % chunks;
            // column ranges on the 4-column grid of the dot-product blocks (a ragged edge would fall
            // back to single dot products in every task)
            int quads = (n + 3) / 4;
            int j0 = (int) ((long) quads * q / chunks) * 4, j1 = Math.min(n, (int) ((long) quads * (q + 1) / chunks) * 4);
            // op(A_t) rows: read in place when A is stored [m, k]; a transposed A is copied to rows[i*k + p]
            float[] x = a;
            int xo = aOff + t * strideA, ldx = lda;
            if (transA) {
                x = VectorGemm.scratch().rows(m * k);
                for (int i = 0; i < m; i++) {
                    for (int p = 0; p < k; p++) x[i * k + p] = a[xo + p * lda + i];
                }
                xo = 0;
                ldx = k;
            }
            int bo = bOff + t * strideB, co = cOff + t * strideC;
            if (transB) {
                dotsTransB(x, xo, ldx, m, k, b, bo, ldb, c, co, ldc, j0, j1, accumulate);
            } else {
                for (int i = 0; i < m; i++) rowTimesB(x, xo + i * ldx, k, b, bo, ldb, c, co + i * ldc, j0, j1, accumulate);
            }
        });
    }

    // Every c(i, j) of the transposed-B path is computed the same way, whichever group it falls in
    // (so results do not depend on the column split): one vector accumulator over the k steps of
    // whole vectors, its L lanes folded by the fixed tree of LaneSums, then the k tail added in order.
    /** The 4-output tree needs 16 lanes (two halves of two quarters of four). */
    static final boolean TREE4 = LaneSums.BATCHED;

    /** c(i, j) (+)= dot(x row i, b row j) for i in [0, m), j in [j0, j1); x rows start at xo, ldx apart. */
    static void dotsTransB(float[] x, int xo, int ldx, int m, int k, float[] b, int bo, int ldb,
                           float[] c, int co, int ldc, int j0, int j1, boolean accumulate) {
        float[] acc = VectorGemm.scratch().acc;
        int j = j0;
        if (TREE4) {
            for (; j + 4 <= j1; j += 4) {
                int i = 0;
                for (; i + 4 <= m; i += 4) block4x4(acc, x, xo + i * ldx, ldx, k, b, bo + j * ldb, ldb, c, co + i * ldc + j, ldc, accumulate);
                for (; i < m; i++) block1x4(acc, x, xo + i * ldx, k, b, bo + j * ldb, ldb, c, co + i * ldc + j, accumulate);
            }
        }
        for (; j < j1; j++) {
            for (int i = 0; i < m; i++) {
                float s = dot(x, xo + i * ldx, b, bo + j * ldb, k);
                int ci = co + i * ldc + j;
                c[ci] = accumulate ? c[ci] + s : s;
            }
        }
    }

    /** Σ_p x[xi+p]·y[yi+p]: one vector accumulator, the fixed lane tree, then the k tail in order. */
    static float dot(float[] x, int xi, float[] y, int yi, int k) {
        FloatVector acc = FloatVector.zero(S);
        int kv = k - k % L;
        for (int p = 0; p < kv; p += L) acc = FloatVector.fromArray(S, x, xi + p).fma(FloatVector.fromArray(S, y, yi + p), acc);
        float[] lanes = new float[L]; // escape analysis keeps this off the heap
        acc.intoArray(lanes, 0);
        return tail(x, xi, y, yi, kv, k, LaneSums.sum(lanes));
    }

    private static float tail(float[] x, int xi, float[] y, int yi, int kv, int k, float s) {
        for (int p = kv; p < k; p++) s = Math.fma(x[xi + p], y[yi + p], s);
        return s;
    }

    // Reduces the accumulators at acc[o..] and writes c(i, j..j+3), k tails added.
    private static void store4(float[] acc, int o, float[] x, int xi, float[] b, int bj, int ldb, int kv, int k,
                               float[] c, int ci, boolean accumulate) {
        float[] r = new float[4]; // escape analysis keeps this off the heap
        LaneSums.sum4(acc, o, r);
        float s0 = tail(x, xi, b, bj, kv, k, r[0]);
        float s1 = tail(x, xi, b, bj + ldb, kv, k, r[1]);
        float s2 = tail(x, xi, b, bj + 2 * ldb, kv, k, r[2]);
        float s3 = tail(x, xi, b, bj + 3 * ldb, kv, k, r[3]);
        if (accumulate) {
            c[ci] += s0;
            c[ci + 1] += s1;
            c[ci + 2] += s2;
            c[ci + 3] += s3;
        } else {
            c[ci] = s0;
            c[ci + 1] = s1;
            c[ci + 2] = s2;
            c[ci + 3] = s3;
        }
    }

    // c(i, j..j+3) for one x row: four dot products sharing each x load.
    private static void block1x4(float[] acc, float[] x, int xi, int k, float[] b, int bj, int ldb, float[] c, int ci, boolean accumulate) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        int kv = k - k % L, b1 = bj + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        for (int p = 0; p < kv; p += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xi + p);
            a0 = xv.fma(FloatVector.fromArray(S, b, bj + p), a0);
            a1 = xv.fma(FloatVector.fromArray(S, b, b1 + p), a1);
            a2 = xv.fma(FloatVector.fromArray(S, b, b2 + p), a2);
            a3 = xv.fma(FloatVector.fromArray(S, b, b3 + p), a3);
        }
        a0.intoArray(acc, 0);
        a1.intoArray(acc, L);
        a2.intoArray(acc, 2 * L);
        a3.intoArray(acc, 3 * L);
        store4(acc, 0, x, xi, b, bj, ldb, kv, k, c, ci, accumulate);
    }

    // c(i..i+3, j..j+3): sixteen dot products, each x and b vector loaded once per k step.
    private static void block4x4(float[] acc, float[] x, int x0, int ldx, int k, float[] b, int bj, int ldb, float[] c, int ci, int ldc, boolean accumulate) {
        FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S), a02 = FloatVector.zero(S), a03 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S), a12 = FloatVector.zero(S), a13 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S), a22 = FloatVector.zero(S), a23 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S), a32 = FloatVector.zero(S), a33 = FloatVector.zero(S);
        int kv = k - k % L, x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx;
        int b1 = bj + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        for (int p = 0; p < kv; p += L) {
            FloatVector w0 = FloatVector.fromArray(S, b, bj + p), w1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector w2 = FloatVector.fromArray(S, b, b2 + p), w3 = FloatVector.fromArray(S, b, b3 + p);
            FloatVector xv = FloatVector.fromArray(S, x, x0 + p);
            a00 = xv.fma(w0, a00);
            a01 = xv.fma(w1, a01);
            a02 = xv.fma(w2, a02);
            a03 = xv.fma(w3, a03);
            xv = FloatVector.fromArray(S, x, x1 + p);
            a10 = xv.fma(w0, a10);
            a11 = xv.fma(w1, a11);
            a12 = xv.fma(w2, a12);
            a13 = xv.fma(w3, a13);
            xv = FloatVector.fromArray(S, x, x2 + p);
            a20 = xv.fma(w0, a20);
            a21 = xv.fma(w1, a21);
            a22 = xv.fma(w2, a22);
            a23 = xv.fma(w3, a23);
            xv = FloatVector.fromArray(S, x, x3 + p);
            a30 = xv.fma(w0, a30);
            a31 = xv.fma(w1, a31);
            a32 = xv.fma(w2, a32);
            a33 = xv.fma(w3, a33);
        }
        a00.intoArray(acc, 0);
        a01.intoArray(acc, L);
        a02.intoArray(acc, 2 * L);
        a03.intoArray(acc, 3 * L);
        a10.intoArray(acc, 4 * L);
        a11.intoArray(acc, 5 * L);
        a12.intoArray(acc, 6 * L);
        a13.intoArray(acc, 7 * L);
        a20.intoArray(acc, 8 * L);
        a21.intoArray(acc, 9 * L);
        a22.intoArray(acc, 10 * L);
        a23.intoArray(acc, 11 * L);
        a30.intoArray(acc, 12 * L);
        a31.intoArray(acc, 13 * L);
        a32.intoArray(acc, 14 * L);
        a33.intoArray(acc, 15 * L);
        LaneSums.sum16(acc, 0, acc, 0);
        for (int r = 0; r < 4; r++) {
            int xi = x0 + r * ldx, row = ci + r * ldc;
            for (int q = 0; q < 4; q++) {
                float s = tail(x, xi, b, bj + q * ldb, kv, k, acc[4 * r + q]);
                c[row + q] = accumulate ? c[row + q] + s : s;
            }
        }
    }

    /** c[ci + j] (+)= Σ_p x[xi+p]·b[bo + p*ldb + j] for j in [j0, j1), p in order. */
    private static void rowTimesB(float[] x, int xi, int k, float[] b, int bo, int ldb,
                                  float[] c, int ci, int j0, int j1, boolean accumulate) {
        int j = j0;
        for (; j + 4 * L <= j1; j += 4 * L) {
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
            for (int p = 0, row = bo + j; p < k; p++, row += ldb) {
                FloatVector xp = FloatVector.broadcast(S, x[xi + p]);
                s0 = xp.fma(FloatVector.fromArray(S, b, row), s0);
                s1 = xp.fma(FloatVector.fromArray(S, b, row + L), s1);
                s2 = xp.fma(FloatVector.fromArray(S, b, row + 2 * L), s2);
                s3 = xp.fma(FloatVector.fromArray(S, b, row + 3 * L), s3);
            }
            if (accumulate) {
                FloatVector.fromArray(S, c, ci + j).add(s0).intoArray(c, ci + j);
                FloatVector.fromArray(S, c, ci + j + L).add(s1).intoArray(c, ci + j + L);
                FloatVector.fromArray(S, c, ci + j + 2 * L).add(s2).intoArray(c, ci + j + 2 * L);
                FloatVector.fromArray(S, c, ci + j + 3 * L).add(s3).intoArray(c, ci + j + 3 * L);
            } else {
                s0.intoArray(c, ci + j);
                s1.intoArray(c, ci + j + L);
                s2.intoArray(c, ci + j + 2 * L);
                s3.intoArray(c, ci + j + 3 * L);
            }
        }
        for (; j + L <= j1; j += L) {
            FloatVector s0 = FloatVector.zero(S);
            for (int p = 0, row = bo + j; p < k; p++, row += ldb) {
                s0 = FloatVector.broadcast(S, x[xi + p]).fma(FloatVector.fromArray(S, b, row), s0);
            }
            if (accumulate) s0 = FloatVector.fromArray(S, c, ci + j).add(s0);
            s0.intoArray(c, ci + j);
        }
        for (; j < j1; j++) {
            float s = 0f;
            for (int p = 0, row = bo + j; p < k; p++, row += ldb) s = Math.fma(x[xi + p], b[row], s);
            c[ci + j] = accumulate ? c[ci + j] + s : s;
        }
    }
}

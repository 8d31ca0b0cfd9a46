package rlhf4j.tensor.kernels;

import static rlhf4j.tensor.kernels.MicroKernel.L;
import static rlhf4j.tensor.kernels.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.kernels.VectorGemm.Scratch;

/**
 * C = op(A)·Bᵀ for a batched decode step: a handful of rows of A (more than half a vector's lanes,
 * at most one vector's) times a Linear weight B stored [n, k]. The rows of A go into the lanes: A is
 * copied once, transposed, to {@code at[p·L + i] = op(A)(i, p)} (rows past m are zero), and output
 * column j's values for all rows are one vector, Σ_p b(j, p)·at[p], a broadcast weight times a
 * vector per step. Unlike dot products ({@link SmallGemm}), nothing is left to sum across lanes at
 * the end, and every weight read feeds m multiply-adds.
 *
 * <p>Every c(i, j) is computed the same way whichever block or task computes it (an FMA chain over
 * the even p and one over the odd p, then their sum), so results do not depend on the column split.
 */
final class LaneRowsGemm {
    /** Columns of C per kernel call. */
    private static final int JB = 8;
    private static final long WORK_PER_TASK = 1L << 16;

    private LaneRowsGemm() {
    }

    /** Whether this kernel suits m rows: it computes all L lanes, so fewer than half would waste most. */
    static boolean suits(int m) {
        return m > L / 2 && m <= L;
    }

    static void sgemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        // op(A) transposed once by the calling thread, a vector per k step; the tasks only read it
        Scratch s = VectorGemm.scratch();
        float[] at = s.rows(k * L);
        VectorMask<Float> rows = S.indexInRange(0, m);
        if (transA) {
            // op(A)(i, p) = a[p·lda + i]: m consecutive floats
            for (int p = 0; p < k; p++) FloatVector.fromArray(S, a, aOff + p * lda, rows).intoArray(at, p * L);
        } else {
            // op(A)(i, p) = a[i·lda + p]: one gather down the m rows
            int[] map = s.map;
            for (int i = 0; i < L; i++) map[i] = i < m ? i * lda : 0;
            for (int p = 0; p < k; p++) FloatVector.fromArray(S, a, aOff + p, map, 0, rows).intoArray(at, p * L);
        }
        int blocks = (n + JB - 1) / JB;
        int chunks = (int) Math.max(1, Math.min(Math.min((long) m * n * k / WORK_PER_TASK, blocks), 4L * Parallel.threads()));
        Parallel.forEach(chunks, q -> {
            int j0 = (int) ((long) blocks * q / chunks) * JB, j1 = Math.min(n, (int) ((long) blocks * (q + 1) / chunks) * JB);
            float[] out = VectorGemm.scratch().acc;
            int j = j0;
            for (; j + JB <= j1; j += JB) {
                columns8(at, k, b, bOff + j * ldb, ldb, out);
                store(out, JB, m, c, cOff + j, ldc, accumulate);
            }
            for (; j < j1; j++) {
                column(at, k, b, bOff + j * ldb, out);
                store(out, 1, m, c, cOff + j, ldc, accumulate);
            }
        });
    }

    // c(i, j + r) (+)= out[r·L + i] for r < cols, i < m.
    private static void store(float[] out, int cols, int m, float[] c, int cj, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int row = cj + i * ldc;
            for (int r = 0; r < cols; r++) c[row + r] = accumulate ? c[row + r] + out[r * L + i] : out[r * L + i];
        }
    }

    // out[r·L ..] = Σ_p b(j + r, p)·at[p·L ..] for the 8 weight rows from bj (ldb apart): even and odd p
    // in separate chains (sixteen in flight, enough to hide the FMA latency on both ports while only
    // eight row offsets live in general registers; sixteen rows spilled them), added at the end.
    private static void columns8(float[] at, int k, float[] b, int bj, int ldb, float[] out) {
        FloatVector e0 = FloatVector.zero(S), e1 = FloatVector.zero(S), e2 = FloatVector.zero(S), e3 = FloatVector.zero(S);
        FloatVector e4 = FloatVector.zero(S), e5 = FloatVector.zero(S), e6 = FloatVector.zero(S), e7 = FloatVector.zero(S);
        FloatVector o0 = FloatVector.zero(S), o1 = FloatVector.zero(S), o2 = FloatVector.zero(S), o3 = FloatVector.zero(S);
        FloatVector o4 = FloatVector.zero(S), o5 = FloatVector.zero(S), o6 = FloatVector.zero(S), o7 = FloatVector.zero(S);
        int b1 = bj + ldb, b2 = b1 + ldb, b3 = b2 + ldb, b4 = b3 + ldb, b5 = b4 + ldb, b6 = b5 + ldb, b7 = b6 + ldb;
        int p = 0, pairs = k & ~1; // a plain counted loop, so C2 hoists the range checks
        for (; p < pairs; p += 2) {
            FloatVector x = FloatVector.fromArray(S, at, p * L), y = FloatVector.fromArray(S, at, p * L + L);
            e0 = FloatVector.broadcast(S, b[bj + p]).fma(x, e0);
            o0 = FloatVector.broadcast(S, b[bj + p + 1]).fma(y, o0);
            e1 = FloatVector.broadcast(S, b[b1 + p]).fma(x, e1);
            o1 = FloatVector.broadcast(S, b[b1 + p + 1]).fma(y, o1);
            e2 = FloatVector.broadcast(S, b[b2 + p]).fma(x, e2);
            o2 = FloatVector.broadcast(S, b[b2 + p + 1]).fma(y, o2);
            e3 = FloatVector.broadcast(S, b[b3 + p]).fma(x, e3);
            o3 = FloatVector.broadcast(S, b[b3 + p + 1]).fma(y, o3);
            e4 = FloatVector.broadcast(S, b[b4 + p]).fma(x, e4);
            o4 = FloatVector.broadcast(S, b[b4 + p + 1]).fma(y, o4);
            e5 = FloatVector.broadcast(S, b[b5 + p]).fma(x, e5);
            o5 = FloatVector.broadcast(S, b[b5 + p + 1]).fma(y, o5);
            e6 = FloatVector.broadcast(S, b[b6 + p]).fma(x, e6);
            o6 = FloatVector.broadcast(S, b[b6 + p + 1]).fma(y, o6);
            e7 = FloatVector.broadcast(S, b[b7 + p]).fma(x, e7);
            o7 = FloatVector.broadcast(S, b[b7 + p + 1]).fma(y, o7);
        }
        if (p < k) {
            FloatVector x = FloatVector.fromArray(S, at, p * L);
            e0 = FloatVector.broadcast(S, b[bj + p]).fma(x, e0);
            e1 = FloatVector.broadcast(S, b[b1 + p]).fma(x, e1);
            e2 = FloatVector.broadcast(S, b[b2 + p]).fma(x, e2);
            e3 = FloatVector.broadcast(S, b[b3 + p]).fma(x, e3);
            e4 = FloatVector.broadcast(S, b[b4 + p]).fma(x, e4);
            e5 = FloatVector.broadcast(S, b[b5 + p]).fma(x, e5);
            e6 = FloatVector.broadcast(S, b[b6 + p]).fma(x, e6);
            e7 = FloatVector.broadcast(S, b[b7 + p]).fma(x, e7);
        }
        e0.add(o0).intoArray(out, 0);
        e1.add(o1).intoArray(out, L);
        e2.add(o2).intoArray(out, 2 * L);
        e3.add(o3).intoArray(out, 3 * L);
        e4.add(o4).intoArray(out, 4 * L);
        e5.add(o5).intoArray(out, 5 * L);
        e6.add(o6).intoArray(out, 6 * L);
        e7.add(o7).intoArray(out, 7 * L);
    }

    // out[0 ..] = the same two chains as columns8 for the one weight row at bj.
    private static void column(float[] at, int k, float[] b, int bj, float[] out) {
        FloatVector e = FloatVector.zero(S), o = FloatVector.zero(S);
        int p = 0, pairs = k & ~1;
        for (; p < pairs; p += 2) {
            e = FloatVector.broadcast(S, b[bj + p]).fma(FloatVector.fromArray(S, at, p * L), e);
            o = FloatVector.broadcast(S, b[bj + p + 1]).fma(FloatVector.fromArray(S, at, p * L + L), o);
        }
        if (p < k) e = FloatVector.broadcast(S, b[bj + p]).fma(FloatVector.fromArray(S, at, p * L), e);
        e.add(o).intoArray(out, 0);
    }
}

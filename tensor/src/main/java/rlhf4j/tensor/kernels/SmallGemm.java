package rlhf4j.tensor.kernels;

import static rlhf4j.tensor.kernels.MicroKernel.L;
import static rlhf4j.tensor.kernels.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
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
    private static final int COLS_PER_TASK_MIN = 64;
    private static final long WORK_PER_TASK = 1L << 16;

    private SmallGemm() {
    }

    static void sgemm(int batch, boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, int strideA,
                      float[] b, int bOff, int ldb, int strideB,
                      float[] c, int cOff, int ldc, int strideC,
                      boolean accumulate) {
        long work = (long) m * n * k;
        int chunks = (int) Math.max(1, Math.min(Math.min(work / WORK_PER_TASK, n / COLS_PER_TASK_MIN), 4L * Parallel.threads()));
        Parallel.forEach(batch * chunks, task -> {
            int t = task / chunks, q = task % chunks;
            int j0 = (int) ((long) n * q / chunks), j1 = (int) ((long) n * (q + 1) / chunks);
            // op(A_t) rows, contiguous: rows[i*k + p]
            float[] rows = VectorGemm.scratch().rows(m * k);
            int ao = aOff + t * strideA;
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) rows[i * k + p] = transA ? a[ao + p * lda + i] : a[ao + i * lda + p];
            }
            int bo = bOff + t * strideB, co = cOff + t * strideC;
            if (transB) {
                for (int j = j0; j < j1; j++) {
                    for (int i = 0; i < m; i++) {
                        float s = dot(rows, i * k, b, bo + j * ldb, k);
                        int ci = co + i * ldc + j;
                        c[ci] = accumulate ? c[ci] + s : s;
                    }
                }
            } else {
                for (int i = 0; i < m; i++) rowTimesB(rows, i * k, k, b, bo, ldb, c, co + i * ldc, j0, j1, accumulate);
            }
        });
    }

    /** Σ_p x[xi+p]·y[yi+p] with four vector accumulators, lanes summed in a fixed order. */
    static float dot(float[] x, int xi, float[] y, int yi, int k) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        int p = 0;
        for (; p + 4 * L <= k; p += 4 * L) {
            s0 = FloatVector.fromArray(S, x, xi + p).fma(FloatVector.fromArray(S, y, yi + p), s0);
            s1 = FloatVector.fromArray(S, x, xi + p + L).fma(FloatVector.fromArray(S, y, yi + p + L), s1);
            s2 = FloatVector.fromArray(S, x, xi + p + 2 * L).fma(FloatVector.fromArray(S, y, yi + p + 2 * L), s2);
            s3 = FloatVector.fromArray(S, x, xi + p + 3 * L).fma(FloatVector.fromArray(S, y, yi + p + 3 * L), s3);
        }
        for (; p + L <= k; p += L) s0 = FloatVector.fromArray(S, x, xi + p).fma(FloatVector.fromArray(S, y, yi + p), s0);
        float[] lanes = new float[L]; // escape analysis keeps this off the heap
        s0.add(s1).add(s2.add(s3)).intoArray(lanes, 0);
        float sum = 0f;
        for (int l = 0; l < L; l++) sum += lanes[l];
        for (; p < k; p++) sum = Math.fma(x[xi + p], y[yi + p], sum);
        return sum;
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

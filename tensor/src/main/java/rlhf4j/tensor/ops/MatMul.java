package rlhf4j.tensor.ops;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;
import rlhf4j.tensor.kernels.Gemm;

/**
 * Matrix products: batched {@link #matmul} and torch-style {@link #linear}. Forward and backward
 * are GEMM calls ({@link Gemm}); backward GEMMs accumulate straight into the gradient buffers.
 * A stored operand's leading dimension is always its last dim, whether or not it is transposed.
 */
public final class MatMul {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private MatMul() {
    }

    /**
     * op(a)·op(b) over the last two dims. a [..., M, K] ([..., K, M] when transA); b [..., K, N]
     * ([..., N, K] when transB) with a's batch dims, or 2-D and shared by every batch entry
     * → [..., M, N].
     */
    public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        if (a.rank() < 2 || b.rank() < 2) throw new IllegalArgumentException(
                "matmul needs matrices (rank >= 2), got a " + Arrays.toString(a.shape()) + " and b " + Arrays.toString(b.shape()));
        boolean shared = b.rank() == 2 && a.rank() > 2;
        int[] as = a.shape(), bs = b.shape();
        if (!shared && (a.rank() != b.rank() || !Arrays.equals(as, 0, as.length - 2, bs, 0, bs.length - 2))) {
            throw new IllegalArgumentException("matmul batch dims differ: a " + Arrays.toString(as) + ", b " + Arrays.toString(bs)
                    + " (b must have a's batch dims or be 2-D)");
        }
        int m = transA ? a.dim(-1) : a.dim(-2), k = transA ? a.dim(-2) : a.dim(-1);
        int kb = transB ? b.dim(-1) : b.dim(-2), n = transB ? b.dim(-2) : b.dim(-1);
        if (k != kb) throw new IllegalArgumentException("matmul inner dims differ: a " + Arrays.toString(as)
                + (transA ? "ᵀ" : "") + " · b " + Arrays.toString(bs) + (transB ? "ᵀ" : "") + " (" + k + " vs " + kb + ")");
        int batch = sizeOfBatch(as);
        int[] outShape = as.clone();
        outShape[outShape.length - 2] = m;
        outShape[outShape.length - 1] = n;
        int lda = a.dim(-1), ldb = b.dim(-1);
        int sa = m * k, sb = shared ? 0 : k * n, sc = m * n;

        Tensor out = Tensor.empty(Tensor.needsGrad(a, b), outShape);
        if (shared && !transA) {
            // a's batch entries stack into one tall matrix: one GEMM with batch·M rows
            Gemm.sgemm(false, transB, batch * m, n, k, a.data(), 0, lda, b.data(), 0, ldb, out.data(), 0, n, false);
        } else {
            Gemm.sgemmBatched(batch, transA, transB, m, n, k, a.data(), 0, lda, sa, b.data(), 0, ldb, sb,
                    out.data(), 0, n, sc, false);
        }
        if (out.requiresGrad()) {
            final int bt = batch;
            Tape.push(() -> {
                float[] gc = out.gradOrNull();
                if (gc == null) return;
                if (a.requiresGrad()) {
                    float[] ga = a.grad();
                    if (!transA) {
                        // dA [M, K] += dC [M, N] · op(B)ᵀ
                        if (shared) Gemm.sgemm(false, !transB, bt * m, k, n, gc, 0, n, b.data(), 0, ldb, ga, 0, k, true);
                        else Gemm.sgemmBatched(bt, false, !transB, m, k, n, gc, 0, n, sc, b.data(), 0, ldb, sb, ga, 0, k, sa, true);
                    } else {
                        // dA [K, M] += op(B) [K, N] · dCᵀ [N, M]
                        Gemm.sgemmBatched(bt, transB, true, k, m, n, b.data(), 0, ldb, sb, gc, 0, n, sc, ga, 0, m, sa, true);
                    }
                }
                if (b.requiresGrad()) {
                    float[] gb = b.grad();
                    if (shared && !transA) {
                        // the stacked rows of a reduce over the batch inside one GEMM
                        gradB(transA, transB, bt * m, n, k, a.data(), 0, lda, gc, 0, gb, 0);
                    } else if (shared) {
                        // one GEMM per batch entry, accumulated in batch order (deterministic)
                        for (int t = 0; t < bt; t++) gradB(transA, transB, m, n, k, a.data(), t * sa, lda, gc, t * sc, gb, 0);
                    } else if (!transB) {
                        Gemm.sgemmBatched(bt, !transA, false, k, n, m, a.data(), 0, lda, sa, gc, 0, n, sc, gb, 0, n, sb, true);
                    } else {
                        Gemm.sgemmBatched(bt, true, transA, n, k, m, gc, 0, n, sc, a.data(), 0, lda, sa, gb, 0, k, sb, true);
                    }
                }
            });
        }
        return out;
    }

    // d op(B) of one (possibly stacked) product: dB [K, N] += op(A)ᵀ · dC, or dB [N, K] += dCᵀ · op(A).
    private static void gradB(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                              float[] gc, int gcOff, float[] gb, int gbOff) {
        if (!transB) Gemm.sgemm(!transA, false, k, n, m, a, aOff, lda, gc, gcOff, n, gb, gbOff, n, true);
        else Gemm.sgemm(true, transA, n, k, m, gc, gcOff, n, a, aOff, lda, gb, gbOff, k, true);
    }

    private static int sizeOfBatch(int[] shape) {
        int n = 1;
        for (int i = 0; i < shape.length - 2; i++) n *= shape[i];
        return n;
    }

    /**
     * x [..., in] · weightᵀ + bias → [..., out], weight [out, in] as torch's Linear, bias [out] or null.
     * Rows of x are independent: one GEMM with rows = x.rows().
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.rank() != 2 || x.rank() < 1 || x.dim(-1) != weight.dim(1)) throw new IllegalArgumentException(
                "linear: x " + Arrays.toString(x.shape()) + " does not fit weight " + Arrays.toString(weight.shape())
                        + " (weight must be [out, in] with in = x's last dim)");
        int in = weight.dim(1), outF = weight.dim(0), rows = x.rows();
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != outF)) throw new IllegalArgumentException(
                "linear: bias " + Arrays.toString(bias.shape()) + " must be [" + outF + "] for weight " + Arrays.toString(weight.shape()));
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = outF;
        Tensor y = Tensor.empty(Tensor.needsGrad(x, weight, bias), outShape);
        float[] yd = y.data();
        // y [rows, out] = (bias in every row +) x [rows, in] · Wᵀ
        if (bias != null) Gemm.sgemmRowInit(false, true, rows, outF, in, x.data(), 0, in, weight.data(), 0, in, bias.data(), 0, yd, 0, outF);
        else Gemm.sgemm(false, true, rows, outF, in, x.data(), 0, in, weight.data(), 0, in, yd, 0, outF, false);
        if (y.requiresGrad()) {
            Tape.push(() -> {
                float[] gy = y.gradOrNull();
                if (gy == null) return;
                // dx [rows, in] += dy [rows, out] · W [out, in]; the first gradient into x is stored, not added to zeros
                if (x.requiresGrad()) {
                    boolean add = x.hasGrad();
                    Gemm.sgemm(false, false, rows, in, outF, gy, 0, outF, weight.data(), 0, in, x.gradToOverwrite(), 0, in, add);
                }
                // dW [out, in] += dyᵀ [out, rows] · x [rows, in]
                if (weight.requiresGrad()) Gemm.sgemm(true, false, outF, in, rows, gy, 0, outF, x.data(), 0, in, weight.grad(), 0, in, true);
                // db [out] += Σ_rows dy
                if (bias != null && bias.requiresGrad()) columnSums(gy, rows, outF, bias.grad());
            });
        }
        return y;
    }

    /**
     * acc[j] += Σ_r g[r·cols + j]. Each task owns a range of columns and sums its rows in order, so
     * the result does not depend on the thread count.
     */
    static void columnSums(float[] g, int rows, int cols, float[] acc) {
        int L = S.length();
        int grain = Math.max(L, (int) Math.min(cols, (1L << 16) / Math.max(1, rows)));
        Parallel.forRange(cols, grain, (j0, j1) -> {
            int j = j0;
            // four adjacent column vectors at a time: one 4-vector run of each row instead of one vector,
            // and four independent add chains instead of one latency-bound chain (same row order per column)
            for (; j + 4 * L <= j1; j += 4 * L) {
                FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
                for (int r = 0, i = j; r < rows; r++, i += cols) {
                    s0 = s0.add(FloatVector.fromArray(S, g, i));
                    s1 = s1.add(FloatVector.fromArray(S, g, i + L));
                    s2 = s2.add(FloatVector.fromArray(S, g, i + 2 * L));
                    s3 = s3.add(FloatVector.fromArray(S, g, i + 3 * L));
                }
                FloatVector.fromArray(S, acc, j).add(s0).intoArray(acc, j);
                FloatVector.fromArray(S, acc, j + L).add(s1).intoArray(acc, j + L);
                FloatVector.fromArray(S, acc, j + 2 * L).add(s2).intoArray(acc, j + 2 * L);
                FloatVector.fromArray(S, acc, j + 3 * L).add(s3).intoArray(acc, j + 3 * L);
            }
            for (; j + L <= j1; j += L) {
                FloatVector s = FloatVector.zero(S);
                for (int r = 0, i = j; r < rows; r++, i += cols) s = s.add(FloatVector.fromArray(S, g, i));
                FloatVector.fromArray(S, acc, j).add(s).intoArray(acc, j);
            }
            for (; j < j1; j++) {
                float s = 0f;
                for (int r = 0, i = j; r < rows; r++, i += cols) s += g[i];
                acc[j] += s;
            }
        });
    }
}

package rlhf4j.tensor.kernels;

/**
 * Single-precision GEMM over {@code float[]} arrays: {@code C = op(A)·op(B)}, or {@code C += ...}
 * when accumulating. Checks its arguments, then hands the work to the installed
 * {@link MatmulBackend} (the Vector API one unless another is set).
 *
 * <p>Layouts are row-major with explicit leading dimensions and offsets, so a call can address a
 * sub-matrix or one slice of a batch: A is [m, k] (or [k, m] when {@code transA}), B is [k, n] (or
 * [n, k] when {@code transB}), C is [m, n].
 */
public final class Gemm {
    private static volatile MatmulBackend backend = new VectorGemm();

    private Gemm() {
    }

    public static MatmulBackend backend() {
        return backend;
    }

    /** Installs another backend (a native BLAS, a GPU); every later multiply goes through it. */
    public static void setBackend(MatmulBackend b) {
        if (b == null) throw new IllegalArgumentException("backend must not be null");
        backend = b;
    }

    /** C[m×n] (+)= op(A)·op(B) for one matrix. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc,
                             boolean accumulate) {
        sgemmBatched(1, transA, transB, m, n, k, a, aOff, lda, 0, b, bOff, ldb, 0, c, cOff, ldc, 0, accumulate);
    }

    /**
     * C[m×n] = init + op(A)·op(B), with the n floats of {@code init} from {@code initOff} added to
     * every row (a Linear layer's bias). Same result, bit for bit, as filling C's rows with init and
     * accumulating; a backend may fill each block of rows just before its first tiles, while they
     * are in cache.
     */
    public static void sgemmRowInit(boolean transA, boolean transB, int m, int n, int k,
                                    float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb,
                                    float[] init, int initOff,
                                    float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("negative size: m=" + m + " n=" + n + " k=" + k);
        if (m == 0 || n == 0) return;
        checkOperand("A", a, aOff, lda, 0, 1, transA ? k : m, transA ? m : k);
        checkOperand("B", b, bOff, ldb, 0, 1, transB ? n : k, transB ? k : n);
        checkOperand("init", init, initOff, n, 0, 1, 1, n);
        checkOperand("C", c, cOff, ldc, 0, 1, m, n);
        if (k == 0) {
            fillRows(init, initOff, c, cOff, ldc, m, n);
            return;
        }
        backend.sgemmRowInit(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, init, initOff, c, cOff, ldc);
    }

    /** C[r, 0 : n) = init[initOff : initOff + n) for the m rows of C from cOff (row stride ldc). */
    static void fillRows(float[] init, int initOff, float[] c, int cOff, int ldc, int m, int n) {
        for (int r = 0; r < m; r++) System.arraycopy(init, initOff, c, cOff + r * ldc, n);
    }

    /**
     * {@code batch} independent GEMMs whose operands sit {@code strideA}/{@code strideB}/{@code strideC}
     * floats apart (a stride of 0 shares an operand, e.g. one weight matrix for every batch entry).
     * The output slices must not overlap.
     */
    public static void sgemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k,
                                    float[] a, int aOff, int lda, int strideA,
                                    float[] b, int bOff, int ldb, int strideB,
                                    float[] c, int cOff, int ldc, int strideC,
                                    boolean accumulate) {
        if (batch < 0 || m < 0 || n < 0 || k < 0) throw new IllegalArgumentException(
                "negative size: batch=" + batch + " m=" + m + " n=" + n + " k=" + k);
        if (batch == 0 || m == 0 || n == 0) return;
        checkOperand("A", a, aOff, lda, strideA, batch, transA ? k : m, transA ? m : k);
        checkOperand("B", b, bOff, ldb, strideB, batch, transB ? n : k, transB ? k : n);
        checkOperand("C", c, cOff, ldc, strideC, batch, m, n);
        if (k == 0) {
            if (!accumulate) {
                for (int t = 0; t < batch; t++) {
                    for (int i = 0; i < m; i++) {
                        int row = cOff + t * strideC + i * ldc;
                        java.util.Arrays.fill(c, row, row + n, 0f);
                    }
                }
            }
            return;
        }
        backend.sgemm(batch, transA, transB, m, n, k, a, aOff, lda, strideA, b, bOff, ldb, strideB,
                c, cOff, ldc, strideC, accumulate);
    }

    // A stored matrix of rows×cols with row stride ld must fit in the array for every batch entry.
    private static void checkOperand(String what, float[] x, int off, int ld, int stride, int batch, int rows, int cols) {
        if (x == null) throw new IllegalArgumentException(what + " is null");
        if (ld < Math.max(1, cols)) throw new IllegalArgumentException(
                what + ": leading dimension " + ld + " < " + cols + " columns");
        if (off < 0 || stride < 0) throw new IllegalArgumentException(what + ": negative offset " + off + " or stride " + stride);
        if (rows == 0 || cols == 0) return;
        long last = off + (long) (batch - 1) * stride + (long) (rows - 1) * ld + cols - 1;
        if (last >= x.length) throw new IllegalArgumentException(what + ": a " + rows + "x" + cols + " matrix (ld " + ld
                + ", offset " + off + ", batch " + batch + " stride " + stride + ") needs " + (last + 1)
                + " floats but the array has " + x.length);
    }
}

package rlhf4j.tensor.kernels;

/**
 * The boundary under every matrix multiply: a backend computes strided, batched single-precision
 * GEMMs over {@code float[]} arrays. The Vector API implementation ({@link VectorGemm}) is the
 * default; a native BLAS (via FFM) or a GPU backend would implement this and be installed with
 * {@link Gemm#setBackend}, leaving the ops untouched.
 *
 * <p>For batch index {@code t}, with {@code A_t} starting at {@code aOff + t·strideA} (likewise B, C):
 * <pre>
 *   C_t[m×n] = op(A_t)·op(B_t)            (accumulate = false)
 *   C_t[m×n] = C_t + op(A_t)·op(B_t)      (accumulate = true)
 * </pre>
 * where op(X) = X, or Xᵀ when its trans flag is set; A is stored [m, k] row-major with row stride
 * {@code lda} ([k, m] when transposed), B is [k, n] ([n, k] when transposed), C is [m, n] with row
 * stride {@code ldc}. A stride of 0 shares that operand across the batch. Arguments have already been
 * checked by {@link Gemm}. Implementations must be deterministic: the same inputs and thread count
 * give bit-identical results.
 */
public interface MatmulBackend {
    /** A short name for logs and benchmarks. */
    String name();

    void sgemm(int batch, boolean transA, boolean transB, int m, int n, int k,
               float[] a, int aOff, int lda, int strideA,
               float[] b, int bOff, int ldb, int strideB,
               float[] c, int cOff, int ldc, int strideC,
               boolean accumulate);

    /**
     * One matrix: every row of C[m×n] = the n floats of {@code init} from {@code initOff} (a bias)
     * + op(A)·op(B). The sums are those of filling C with the rows first and then accumulating,
     * which is what this default does.
     */
    default void sgemmRowInit(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] init, int initOff, float[] c, int cOff, int ldc) {
        Gemm.fillRows(init, initOff, c, cOff, ldc, m, n);
        sgemm(1, transA, transB, m, n, k, a, aOff, lda, 0, b, bOff, ldb, 0, c, cOff, ldc, 0, true);
    }
}

package rlhf4j.tensor.kernels;

/**
 * The plain-loop reference backend: obviously right, slow. Tests compare the fast backend with
 * it, and it is what a platform without a usable Vector API would fall back to.
 */
public final class ScalarGemm implements MatmulBackend {
    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void sgemm(int batch, boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, int strideA,
                      float[] b, int bOff, int ldb, int strideB,
                      float[] c, int cOff, int ldc, int strideC,
                      boolean accumulate) {
        for (int t = 0; t < batch; t++) {
            int ao = aOff + t * strideA, bo = bOff + t * strideB, co = cOff + t * strideC;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float s = 0f;
                    for (int p = 0; p < k; p++) {
                        float x = transA ? a[ao + p * lda + i] : a[ao + i * lda + p];
                        float y = transB ? b[bo + j * ldb + p] : b[bo + p * ldb + j];
                        s += x * y;
                    }
                    int ci = co + i * ldc + j;
                    c[ci] = accumulate ? c[ci] + s : s;
                }
            }
        }
    }
}

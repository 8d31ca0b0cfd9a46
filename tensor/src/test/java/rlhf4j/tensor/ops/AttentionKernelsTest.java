package rlhf4j.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static rlhf4j.tensor.ops.AttentionKernels.BK;

import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Rng;

class AttentionKernelsTest {
    private static float[] gaussian(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }

    @Test
    void transposedScoresAgreeWithScalarTwin() {
        Rng rng = new Rng(3);
        for (int rows : new int[] {1, 3, 4, 7, 32}) {
            for (int hd : new int[] {6, 16, 64}) {
                int stride = 3 * hd;
                float[] a = gaussian(rng, 5 + rows * stride), bt = gaussian(rng, hd * BK);
                float[] s1 = new float[32 * BK], s2 = new float[32 * BK];
                AttentionKernels.scoresTransposed(a, 5, stride, rows, bt, hd, s1);
                AttentionKernels.scoresTransposedScalar(a, 5, stride, rows, bt, hd, s2);
                for (int i = 0; i < rows * BK; i++) assertThat(Math.abs(s1[i] - s2[i])).isLessThan(1e-4f);
            }
        }
    }

    @Test
    void accumulatedProductAgreesWithScalarTwinForEitherOrientation() {
        Rng rng = new Rng(4);
        for (int rows : new int[] {1, 4, 6, 33}) {
            for (int hd : new int[] {6, 16, 40, 64}) {
                int inner = 37, bStride = 2 * hd, cStride = hd + 3;
                float[] b = gaussian(rng, inner * bStride);
                float[] a = gaussian(rng, rows * inner);
                float[] c1 = gaussian(rng, rows * cStride), c2 = c1.clone();
                // A read row-major, then as the transpose of an [inner, rows] tile
                AttentionKernels.accumulateProduct(0.5f, a, 0, inner, 1, rows, inner, b, 0, bStride, c1, 0, cStride, hd);
                AttentionKernels.accumulateProductScalar(0.5f, a, 0, inner, 1, rows, inner, b, 0, bStride, c2, 0, cStride, hd);
                AttentionKernels.accumulateProduct(1f, a, 0, 1, rows, rows, inner, b, 0, bStride, c1, 0, cStride, hd);
                AttentionKernels.accumulateProductScalar(1f, a, 0, 1, rows, rows, inner, b, 0, bStride, c2, 0, cStride, hd);
                for (int i = 0; i < c1.length; i++) assertThat(Math.abs(c1[i] - c2[i])).isLessThan(1e-4f);
            }
        }
    }
}

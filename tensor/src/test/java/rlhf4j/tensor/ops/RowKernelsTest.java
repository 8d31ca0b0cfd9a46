package rlhf4j.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Rng;

class RowKernelsTest {
    @Test
    void vectorRowKernelsAgreeWithScalarTwins() {
        Rng rng = new Rng(7);
        for (int n : new int[] {1, 5, 16, 17, 63, 64, 65, 200, 1001}) {
            int off = 3;
            float[] x = new float[n + off];
            for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextGaussian() * 4);
            float m = RowKernels.max(x, off, n);
            assertThat(m).isEqualTo(RowKernels.maxScalar(x, off, n));
            float s = RowKernels.sumExpScalar(x, off, n, m);
            assertThat((double) RowKernels.sumExp(x, off, n, m)).isCloseTo(s, within(1e-5 * s));
            float e = RowKernels.sumExpTimesShiftedScalar(x, off, n, m);
            assertThat((double) RowKernels.sumExpTimesShifted(x, off, n, m)).isCloseTo(e, within(1e-5 * Math.abs(e) + 1e-6));
            float[] g1 = new float[n + off], g2 = new float[n + off];
            float lse = m + (float) Math.log(s);
            RowKernels.addScaledSoftmax(x, off, g1, off, n, lse, 0.7f);
            RowKernels.addScaledSoftmaxScalar(x, off, g2, off, n, lse, 0.7f);
            for (int i = 0; i < g1.length; i++) assertThat((double) g1[i]).isCloseTo(g2[i], within(1e-6));
        }
    }
}

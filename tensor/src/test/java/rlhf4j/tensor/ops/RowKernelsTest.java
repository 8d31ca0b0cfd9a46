package rlhf4j.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Rng;

class RowKernelsTest {
    @Test
    void vectorRowKernelsAgreeWithScalarTwins() {
        Rng rng = new Rng(7);
        for (int n : new int[] {1, 5, 16, 17, 63, 64, 65, 200, 1001, 1040, 4099}) {
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

    /** The chunked sums give the bits of one pass over the row: even vectors into s0, odd into s1. */
    @Test
    void sumsOfExponentialsDoNotDependOnTheChunking() {
        jdk.incubator.vector.VectorSpecies<Float> f = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        int l = f.length();
        Rng rng = new Rng(8);
        for (int n : new int[] {3, 2 * l, 3 * l + 1, 511, 512, 513, 1024 + 3 * l, 5000}) {
            int off = 2;
            float[] x = new float[n + off];
            for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextGaussian() * 4);
            float m = RowKernels.max(x, off, n);
            var mv = jdk.incubator.vector.FloatVector.broadcast(f, m);
            var s0 = jdk.incubator.vector.FloatVector.zero(f);
            var s1 = jdk.incubator.vector.FloatVector.zero(f);
            var t0 = jdk.incubator.vector.FloatVector.zero(f);
            var t1 = jdk.incubator.vector.FloatVector.zero(f);
            int i = 0;
            for (; i + l <= n; i += l) {
                var d = jdk.incubator.vector.FloatVector.fromArray(f, x, off + i).sub(mv);
                var e = rlhf4j.tensor.VectorMath.exp(d);
                if ((i / l) % 2 == 0) {
                    s0 = s0.add(e);
                    t0 = e.fma(d, t0);
                } else {
                    s1 = s1.add(e);
                    t1 = e.fma(d, t1);
                }
            }
            float want = rlhf4j.tensor.VectorMath.sum(s0.add(s1)), wantShifted = rlhf4j.tensor.VectorMath.sum(t0.add(t1));
            for (; i < n; i++) {
                float d = x[off + i] - m;
                want += (float) Math.exp(d);
                wantShifted += (float) Math.exp(d) * d;
            }
            assertThat(Float.floatToRawIntBits(RowKernels.sumExp(x, off, n, m))).as("sumExp, n = " + n).isEqualTo(Float.floatToRawIntBits(want));
            assertThat(Float.floatToRawIntBits(RowKernels.sumExpTimesShifted(x, off, n, m))).as("sumExpTimesShifted, n = " + n)
                    .isEqualTo(Float.floatToRawIntBits(wantShifted));
        }
    }
}

package rlhf4j.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static rlhf4j.tensor.ops.OpTesting.assertClose;
import static rlhf4j.tensor.ops.OpTesting.assertGradients;
import static rlhf4j.tensor.ops.OpTesting.param;

import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

class NormsTest {
    /** Naive LayerNorm / RMSNorm in double; w and b may be null. */
    private static double[] reference(Tensor x, Tensor w, Tensor b, double eps, boolean centered) {
        int d = x.dim(-1), rows = x.rows();
        float[] v = x.data();
        double[] out = new double[v.length];
        for (int r = 0; r < rows; r++) {
            double mu = 0, var = 0;
            if (centered) {
                for (int i = 0; i < d; i++) mu += v[r * d + i];
                mu /= d;
            }
            for (int i = 0; i < d; i++) var += (v[r * d + i] - mu) * (v[r * d + i] - mu);
            double rs = 1 / Math.sqrt(var / d + eps);
            for (int i = 0; i < d; i++) {
                double y = (v[r * d + i] - mu) * rs;
                if (w != null) y *= w.data()[i];
                if (b != null) y += b.data()[i];
                out[r * d + i] = y;
            }
        }
        return out;
    }

    @Test
    void layerNormMatchesNaiveDouble() {
        for (int d : new int[] {7, 37, 768}) {
            Tensor x = param("x", 1, 3.0, 4, 5, d), w = param("w", 2, d), b = param("b", 3, d);
            // an offset mean tests the centering
            for (int i = 0; i < x.size(); i++) x.data()[i] += 5f;
            assertClose("layerNorm D=" + d, Ops.layerNorm(x, w, b, 1e-5f).data(), reference(x, w, b, 1e-5, true), 2e-5);
            assertClose("layerNorm no bias", Ops.layerNorm(x, w, null, 1e-5f).data(), reference(x, w, null, 1e-5, true), 2e-5);
            assertClose("layerNorm scalar", OpTesting.scalar(() -> Ops.layerNorm(x, w, b, 1e-5f)).data(),
                    reference(x, w, b, 1e-5, true), 2e-5);
        }
    }

    @Test
    void rmsNormMatchesNaiveDouble() {
        for (int d : new int[] {7, 37, 768}) {
            Tensor x = param("x", 4, 2.0, 4, 5, d), w = param("w", 5, d);
            assertClose("rmsNorm D=" + d, Ops.rmsNorm(x, w, 1e-6f).data(), reference(x, w, null, 1e-6, false), 2e-5);
            assertClose("rmsNorm no weight", Ops.rmsNorm(x, null, 1e-6f).data(), reference(x, null, null, 1e-6, false), 2e-5);
        }
    }

    @Test
    void layerNormGradients() {
        Tensor x = param("x", 6, 3, 5, 7), w = param("w", 7, 7), b = param("b", 8, 7);
        assertGradients(() -> Ops.layerNorm(x, w, b, 1e-5f), x, w, b);
        assertGradients(() -> Ops.layerNorm(x, w, null, 1e-5f), x, w);
        assertGradients(() -> Ops.layerNorm(x, null, null, 1e-5f), x);
        assertGradients(() -> OpTesting.scalar(() -> Ops.layerNorm(x, w, b, 1e-5f)), x, w, b);
        Tensor wide = param("x", 9, 2, 3, 37), w37 = param("w", 10, 37), b37 = param("b", 11, 37);
        assertGradients(() -> Ops.layerNorm(wide, w37, b37, 1e-5f), wide, w37, b37);
    }

    @Test
    void rmsNormGradients() {
        Tensor x = param("x", 12, 3, 5, 7), w = param("w", 13, 7);
        assertGradients(() -> Ops.rmsNorm(x, w, 1e-6f), x, w);
        assertGradients(() -> Ops.rmsNorm(x, null, 1e-6f), x);
        assertGradients(() -> OpTesting.scalar(() -> Ops.rmsNorm(x, w, 1e-6f)), x, w);
        Tensor wide = param("x", 14, 2, 3, 37), w37 = param("w", 15, 37);
        assertGradients(() -> Ops.rmsNorm(wide, w37, 1e-6f), wide, w37);
    }

    @Test
    void weightGradientOnlyWhenInputIsConstant() {
        Tensor x = param("x", 16, 3, 5, 7).detach(), w = param("w", 17, 7), b = param("b", 18, 7);
        assertGradients(() -> Ops.layerNorm(x, w, b, 1e-5f), w, b);
        assertGradients(() -> Ops.rmsNorm(x, w, 1e-6f), w);
    }

    @Test
    void vectorAndScalarPathsAgreeAcrossChunks() {
        // 200 x 264 is past the threading threshold (several weight-gradient partials); 264 leaves a tail
        Tensor x = param("x", 19, 200, 264), w = param("w", 20, 264), b = param("b", 21, 264);
        OpTesting.assertVectorMatchesScalar(() -> Ops.layerNorm(x, w, b, 1e-5f), 1e-4, x, w, b);
        OpTesting.assertVectorMatchesScalar(() -> Ops.rmsNorm(x, w, 1e-6f), 1e-4, x, w);
        OpTesting.Run first = OpTesting.run(() -> Ops.layerNorm(x, w, b, 1e-5f), x, w, b);
        OpTesting.Run again = OpTesting.run(() -> Ops.layerNorm(x, w, b, 1e-5f), x, w, b);
        assertThat(again.grads()[1]).isEqualTo(first.grads()[1]);
        assertThat(again.grads()[2]).isEqualTo(first.grads()[2]);
    }

    @Test
    void steadyStateStepAllocatesNoNewPoolBuffers() {
        Tensor x = param("x", 22, 64, 96), w = param("w", 23, 96), b = param("b", 24, 96);
        long[] held = new long[3];
        for (int step = 0; step < 3; step++) {
            try (Tape tape = Tape.record()) {
                Tensor h = Ops.gelu(Ops.add(Ops.layerNorm(x, w, b, 1e-5f), b));
                tape.backward(Ops.mean(Ops.rmsNorm(h, w, 1e-6f)));
            }
            held[step] = Tape.pooledBytes();
        }
        assertThat(held[2]).isEqualTo(held[1]);
    }

    @Test
    void wrongWeightShapeIsNamed() {
        assertThatThrownBy(() -> Ops.layerNorm(Tensor.zeros(2, 8), Tensor.zeros(7), null, 1e-5f))
                .hasMessageContaining("[7]").hasMessageContaining("[2, 8]");
    }
}

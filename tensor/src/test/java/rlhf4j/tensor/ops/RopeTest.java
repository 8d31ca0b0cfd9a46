package rlhf4j.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static rlhf4j.tensor.ops.OpTesting.assertClose;
import static rlhf4j.tensor.ops.OpTesting.assertGradients;
import static rlhf4j.tensor.ops.OpTesting.param;

import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tensor;

class RopeTest {
    /** The HF Llama formula in double: out = x·cos + rotate_half(x)·sin. */
    private static double[] reference(Tensor x, int[] positions, double theta) {
        int b = x.dim(0), t = x.dim(1), heads = x.dim(2), hd = x.dim(3), h = hd / 2;
        float[] v = x.data();
        double[] out = new double[v.length];
        for (int bi = 0; bi < b; bi++) for (int ti = 0; ti < t; ti++) for (int hi = 0; hi < heads; hi++) {
            int p = positions.length == t ? positions[ti] : positions[bi * t + ti];
            int o = ((bi * t + ti) * heads + hi) * hd;
            for (int j = 0; j < hd; j++) {
                double angle = p * Math.pow(theta, -2.0 * (j % h) / hd);
                double rotated = j < h ? -v[o + j + h] : v[o + j - h];
                out[o + j] = v[o + j] * Math.cos(angle) + rotated * Math.sin(angle);
            }
        }
        return out;
    }

    @Test
    void matchesTheDirectFormula() {
        Tensor x = param("x", 1, 2, 5, 3, 8);
        int[] shared = {0, 1, 2, 3, 4};
        assertClose("rope", Ops.rope(x, shared, 10000f).data(), reference(x, shared, 10000), 1e-5);
        int[] perToken = {7, 8, 9, 10, 11, 0, 1, 2, 30, 31};
        assertClose("rope per token", Ops.rope(x, perToken, 500000f).data(), reference(x, perToken, 500000), 1e-5);
        // head dim 80 has a vector tail at AVX-512 width (40 = 2·16 + 8)
        Tensor wide = param("x", 2, 1, 3, 2, 80);
        int[] pos = {5, 60, 120};
        assertClose("rope hd=80", Ops.rope(wide, pos, 10000f).data(), reference(wide, pos, 10000), 2e-5);
        assertClose("rope hd=80 scalar", OpTesting.scalar(() -> Ops.rope(wide, pos, 10000f)).data(),
                reference(wide, pos, 10000), 2e-5);
    }

    @Test
    void gradientIsTheInverseRotation() {
        Tensor x = param("x", 3, 2, 3, 5, 6);
        assertGradients(() -> Ops.rope(x, new int[] {3, 1, 4}, 10000f), x);
        assertGradients(() -> Ops.rope(x, new int[] {0, 1, 2, 9, 8, 7}, 100f), x);
        Tensor wide = param("x", 4, 1, 2, 3, 80);
        assertGradients(() -> Ops.rope(wide, new int[] {17, 250}, 10000f), wide);
    }

    @Test
    void vectorAndScalarPathsAgree() {
        Tensor x = param("x", 5, 4, 64, 6, 64);
        int[] pos = new int[64];
        for (int i = 0; i < pos.length; i++) pos[i] = 3 * i;
        OpTesting.assertVectorMatchesScalar(() -> Ops.rope(x, pos, 10000f), 1e-6, x);
    }

    @Test
    void explicitFrequenciesRotateByTheirOwnAngles() {
        Tensor x = param("x", 6, 2, 4, 3, 8);
        int[] pos = {0, 3, 6, 9};
        // θ's own frequencies reproduce the θ form exactly
        float[] own = Rope.inverseFrequencies(10000f, 8);
        assertThat(Ops.rope(x, pos, own).data()).containsExactly(Ops.rope(x, pos, 10000f).data());
        // linear scaling by 3 (every frequency / 3) is the same as positions / 3
        float[] linear = own.clone();
        for (int i = 0; i < linear.length; i++) linear[i] /= 3f;
        assertClose("linear-scaled rope", Ops.rope(x, pos, linear).data(), reference(x, new int[] {0, 1, 2, 3}, 10000), 1e-5);
        assertGradients(() -> Ops.rope(x, pos, linear), x);
        assertThatThrownBy(() -> Ops.rope(x, pos, new float[3])).hasMessageContaining("head dim 8");
    }

    @Test
    void cosSinTableIsReusedAndGrows() {
        Rope.Table small = Rope.table(1234f, 16, 10);
        assertThat(Rope.table(1234f, 16, 200)).isSameAs(small);
        Rope.Table grown = Rope.table(1234f, 16, 5000);
        assertThat(grown.positions()).isGreaterThan(5000);
        assertThat(Rope.table(1234f, 16, 3)).isSameAs(grown);
        assertThat(grown.cos()[10 * 8 + 3]).isEqualTo(small.cos()[10 * 8 + 3]);
    }

    @Test
    void badPositionsAreReported() {
        Tensor x = Tensor.zeros(2, 3, 1, 4);
        assertThatThrownBy(() -> Ops.rope(x, new int[] {0, 1}, 1e4f)).hasMessageContaining("T = 3");
        assertThatThrownBy(() -> Ops.rope(x, new int[] {0, -1, 2}, 1e4f)).hasMessageContaining("-1");
        assertThatThrownBy(() -> Ops.rope(Tensor.zeros(1, 1, 1, 5), new int[] {0}, 1e4f)).hasMessageContaining("even");
    }
}

package rlhf4j.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static rlhf4j.tensor.ops.OpTesting.assertClose;
import static rlhf4j.tensor.ops.OpTesting.assertGradients;
import static rlhf4j.tensor.ops.OpTesting.param;

import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tensor;

class ActivationsTest {
    private static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void geluMatchesTheTanhFormula() {
        Tensor x = param("x", 1, 2.0, 3, 5, 7);
        // include the far tails, where the exp overflows on one side
        x.data()[0] = -30f;
        x.data()[1] = 30f;
        x.data()[2] = -9f;
        double[] expected = new double[x.size()];
        for (int i = 0; i < expected.length; i++) expected[i] = gelu(x.data()[i]);
        assertClose("gelu", Ops.gelu(x).data(), expected, 2e-6);
        assertClose("gelu (scalar)", OpTesting.scalar(() -> Ops.gelu(x)).data(), expected, 2e-6);
    }

    @Test
    void siluSwigluReluMatchTheirFormulas() {
        Tensor g = param("g", 2, 2.0, 3, 5, 7), u = param("u", 3, 3, 5, 7);
        double[] silu = new double[g.size()], swiglu = new double[g.size()], relu = new double[g.size()], relu2 = new double[g.size()];
        for (int i = 0; i < silu.length; i++) {
            double x = g.data()[i];
            silu[i] = x * sigmoid(x);
            swiglu[i] = silu[i] * u.data()[i];
            relu[i] = Math.max(x, 0);
            relu2[i] = relu[i] * relu[i];
        }
        assertClose("silu", Ops.silu(g).data(), silu, 2e-6);
        assertClose("swiglu", Ops.swiglu(g, u).data(), swiglu, 2e-6);
        assertClose("swiglu (scalar)", OpTesting.scalar(() -> Ops.swiglu(g, u)).data(), swiglu, 2e-6);
        assertClose("relu", Ops.relu(g).data(), relu, 0);
        assertClose("relu2", Ops.relu2(g).data(), relu2, 1e-7);
    }

    @Test
    void gradients() {
        Tensor x = param("x", 4, 1.5, 3, 5, 7), u = param("u", 5, 3, 5, 7);
        assertGradients(() -> Ops.gelu(x), x);
        assertGradients(() -> Ops.silu(x), x);
        assertGradients(() -> Ops.swiglu(x, u), x, u);
        assertGradients(() -> OpTesting.scalar(() -> Ops.gelu(x)), x);
        assertGradients(() -> OpTesting.scalar(() -> Ops.swiglu(x, u)), x, u);
        // keep relu's inputs away from the kink at 0
        for (int i = 0; i < x.size(); i++) if (Math.abs(x.data()[i]) < 0.05f) x.data()[i] = 0.3f;
        assertGradients(() -> Ops.relu(x), x);
        assertGradients(() -> Ops.relu2(x), x);
    }

    @Test
    void swigluGradientWhenOnlyOneSideTrains() {
        Tensor g = param("g", 6, 3, 5, 7);
        Tensor up = param("u", 7, 3, 5, 7).detach();
        assertGradients(() -> Ops.swiglu(g, up), g);
        Tensor gate = param("g2", 8, 3, 5, 7).detach(), u = param("u2", 9, 3, 5, 7);
        assertGradients(() -> Ops.swiglu(gate, u), u);
    }

    @Test
    void vectorAndScalarPathsAgree() {
        // 40 x 97 leaves a tail, and is past the threading threshold at 400 x 97
        for (int rows : new int[] {40, 400}) {
            Tensor x = param("x", 10, 2.0, rows, 97), u = param("u", 11, rows, 97);
            OpTesting.assertVectorMatchesScalar(() -> Ops.gelu(x), 1e-5, x);
            OpTesting.assertVectorMatchesScalar(() -> Ops.swiglu(x, u), 1e-5, x, u);
        }
    }

    @Test
    void extremeInputsGiveFiniteGradients() {
        Tensor x = Tensor.param("x", 4);
        System.arraycopy(new float[] {-200f, -50f, 50f, 200f}, 0, x.data(), 0, 4);
        OpTesting.Run gelu = OpTesting.run(() -> Ops.gelu(x), x);
        OpTesting.Run swiglu = OpTesting.run(() -> Ops.swiglu(x, x.detach()), x);
        for (float v : gelu.out()) assertThat(v).isFinite();
        for (float v : gelu.grads()[0]) assertThat(v).isFinite();
        for (float v : swiglu.grads()[0]) assertThat(v).isFinite();
    }
}

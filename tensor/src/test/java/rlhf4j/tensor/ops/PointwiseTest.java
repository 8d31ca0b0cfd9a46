package rlhf4j.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static rlhf4j.tensor.ops.OpTesting.assertClose;
import static rlhf4j.tensor.ops.OpTesting.assertGradients;
import static rlhf4j.tensor.ops.OpTesting.param;
import static rlhf4j.tensor.ops.OpTesting.uniform;

import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

class PointwiseTest {
    private static final BinaryOperator<Tensor> ADD = Ops::add, SUB = Ops::sub, MUL = Ops::mul, DIV = Ops::div;

    private static void checkBinaryForward(BinaryOperator<Tensor> op, DoubleBinaryOperator ref, int[] aShape, int[] bShape) {
        Tensor a = param("a", 1, aShape), b = uniform("b", 2, 0.5, 2.0, bShape);
        float[] out = op.apply(a, b).data();
        double[] expected = new double[out.length];
        for (int i = 0; i < out.length; i++) expected[i] = ref.applyAsDouble(a.data()[i], b.data()[i % b.size()]);
        assertClose("binary forward", out, expected, 1e-6);
    }

    @Test
    void binaryOpsBroadcastASuffixOverLeadingDims() {
        int[][] bShapes = {{3, 5, 7}, {5, 7}, {7}};
        for (int[] bs : bShapes) {
            checkBinaryForward(ADD, Double::sum, new int[] {3, 5, 7}, bs);
            checkBinaryForward(SUB, (x, y) -> x - y, new int[] {3, 5, 7}, bs);
            checkBinaryForward(MUL, (x, y) -> x * y, new int[] {3, 5, 7}, bs);
            checkBinaryForward(DIV, (x, y) -> x / y, new int[] {3, 5, 7}, bs);
        }
    }

    @Test
    void binaryGradientsSumOverBroadcastRows() {
        for (BinaryOperator<Tensor> op : new BinaryOperator[] {ADD, SUB, MUL, DIV}) {
            for (int[] bs : new int[][] {{3, 5, 7}, {5, 7}, {7}}) {
                Tensor a = param("a", 3, 3, 5, 7), b = uniform("b", 4, 0.6, 1.8, bs);
                assertGradients(() -> op.apply(a, b), a, b);
            }
        }
    }

    @Test
    void largeBroadcastGradientMatchesDoubleReferenceAndIsRepeatable() {
        // 300 x 257 is past the threading threshold: b's gradient comes from several chunk partials
        Tensor a = param("a", 5, 300, 257), b = uniform("b", 6, 0.5, 1.5, 257);
        OpTesting.Run first = OpTesting.run(() -> Ops.mul(a, b), a, b);
        OpTesting.Run second = OpTesting.run(() -> Ops.mul(a, b), a, b);
        assertThat(second.grads()[1]).isEqualTo(first.grads()[1]);
        // the seed gradient OpTesting.run uses, regenerated to form Σ_r g·a in double
        float[] seed = new float[a.size()];
        rlhf4j.tensor.Rng rng = new rlhf4j.tensor.Rng(99);
        for (int i = 0; i < seed.length; i++) seed[i] = (float) rng.nextGaussian();
        double[] expected = new double[257];
        for (int i = 0; i < seed.length; i++) expected[i % 257] += (double) seed[i] * a.data()[i];
        assertClose("b gradient", first.grads()[1], expected, 1e-4);
    }

    @Test
    void vectorAndScalarPathsAgree() {
        Tensor a = param("a", 7, 9, 131), b = uniform("b", 8, 0.5, 1.5, 131);
        for (BinaryOperator<Tensor> op : new BinaryOperator[] {ADD, SUB, MUL, DIV}) {
            OpTesting.assertVectorMatchesScalar(() -> op.apply(a, b), 1e-5, a, b);
        }
        OpTesting.assertVectorMatchesScalar(() -> Ops.scale(a, 0.3f), 1e-6, a);
        OpTesting.assertVectorMatchesScalar(() -> Ops.addScalar(a, 0.3f), 1e-6, a);
    }

    @Test
    void unaryOpsMatchTheirFormulas() {
        Tensor a = param("a", 9, 3, 5, 7);
        float[] x = a.data();
        double[] exp = new double[x.length], sq = new double[x.length], sig = new double[x.length],
                ls = new double[x.length], sc = new double[x.length], as = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            exp[i] = Math.exp(x[i]);
            sq[i] = (double) x[i] * x[i];
            sig[i] = 1 / (1 + Math.exp(-x[i]));
            ls[i] = Math.log(sig[i]);
            sc[i] = x[i] * -2.5;
            as[i] = x[i] + 0.75;
        }
        assertClose("exp", Ops.exp(a).data(), exp, 1e-6);
        assertClose("square", Ops.square(a).data(), sq, 1e-6);
        assertClose("sigmoid", Ops.sigmoid(a).data(), sig, 1e-6);
        assertClose("logSigmoid", Ops.logSigmoid(a).data(), ls, 1e-6);
        assertClose("scale", Ops.scale(a, -2.5f).data(), sc, 1e-6);
        assertClose("addScalar", Ops.addScalar(a, 0.75f).data(), as, 1e-6);
        Tensor p = uniform("p", 10, 0.1, 3, 3, 5, 7);
        double[] log = new double[p.size()];
        for (int i = 0; i < log.length; i++) log[i] = Math.log(p.data()[i]);
        assertClose("log", Ops.log(p).data(), log, 1e-6);
    }

    @Test
    void unaryGradients() {
        Tensor a = param("a", 11, 3, 5, 7), p = uniform("p", 12, 0.5, 3, 3, 5, 7);
        assertGradients(() -> Ops.scale(a, -1.7f), a);
        assertGradients(() -> Ops.addScalar(a, 2f), a);
        assertGradients(() -> Ops.neg(a), a);
        assertGradients(() -> Ops.exp(a), a);
        assertGradients(() -> Ops.log(p), p);
        assertGradients(() -> Ops.square(a), a);
        assertGradients(() -> Ops.sigmoid(a), a);
        assertGradients(() -> Ops.logSigmoid(Ops.scale(a, 3f)), a);
    }

    @Test
    void logSigmoidStaysFiniteForLargeInputs() {
        Tensor a = Tensor.param("a", 6);
        System.arraycopy(new float[] {-1e4f, -100f, -30f, 30f, 100f, 1e4f}, 0, a.data(), 0, 6);
        float[] y;
        float[] g;
        try (Tape tape = Tape.record()) {
            Tensor out = Ops.logSigmoid(a);
            tape.backward(Ops.sum(out));
            y = out.data().clone();
            g = a.grad().clone();
        }
        assertThat(y).containsExactly(-1e4f, -100f, (float) (-30 - Math.log1p(Math.exp(-30))),
                (float) -Math.log1p(Math.exp(-30)), (float) -Math.log1p(Math.exp(-100)), 0f);
        for (float v : g) assertThat(v).isFinite().isBetween(0f, 1f);
        assertThat(g[0]).isEqualTo(1f);
        assertThat(g[5]).isEqualTo(0f);
    }

    @Test
    void clampPassesGradientOnlyInside() {
        // values kept away from the bounds by more than the probe step
        Tensor a = Tensor.param("a", 8);
        System.arraycopy(new float[] {-2f, -0.9f, -0.5f, 0.1f, 0.45f, 0.8f, 1.3f, 5f}, 0, a.data(), 0, 8);
        assertThat(Ops.clamp(a, -1f, 1f).data()).containsExactly(-1f, -0.9f, -0.5f, 0.1f, 0.45f, 0.8f, 1f, 1f);
        assertGradients(() -> Ops.clamp(a, -1f, 1f), a);
        OpTesting.Run run = OpTesting.run(() -> Ops.clamp(a, -1f, 1f), a);
        assertThat(run.grads()[0][0]).isZero();
        assertThat(run.grads()[0][7]).isZero();
    }

    @Test
    void minimumAndMaximumRouteGradientToTheChosenSide() {
        Tensor a = param("a", 13, 3, 5, 7), b = Tensor.param("b", 3, 5, 7);
        for (int i = 0; i < b.size(); i++) b.data()[i] = a.data()[i] + (i % 2 == 0 ? 0.3f : -0.3f);
        assertGradients(() -> Ops.minimum(a, b), a, b);
        assertGradients(() -> Ops.maximum(a, b), a, b);
        float[] min = Ops.minimum(a, b).data();
        for (int i = 0; i < min.length; i++) assertThat(min[i]).isEqualTo(Math.min(a.data()[i], b.data()[i]));
        // ties go to a
        Tensor c = Tensor.param("c", 2), d = Tensor.param("d", 2);
        OpTesting.Run tie = OpTesting.run(() -> Ops.maximum(c, d), c, d);
        assertThat(tie.grads()[1]).containsOnly(0f);
        assertThat(tie.grads()[0][0]).isNotZero();
    }

    @Test
    void whereSelectsByConstantCondition() {
        Tensor a = param("a", 14, 3, 5, 7), b = param("b", 15, 3, 5, 7);
        float[] c = new float[a.size()];
        for (int i = 0; i < c.length; i++) c[i] = i % 3 == 0 ? 1f : 0f;
        Tensor cond = Tensor.of(c, 3, 5, 7);
        float[] out = Ops.where(cond, a, b).data();
        for (int i = 0; i < out.length; i++) assertThat(out[i]).isEqualTo(c[i] != 0 ? a.data()[i] : b.data()[i]);
        assertGradients(() -> Ops.where(cond, a, b), a, b);
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        assertThatThrownBy(() -> Ops.add(Tensor.zeros(3, 5), Tensor.zeros(3)))
                .hasMessageContaining("[3]").hasMessageContaining("[3, 5]");
        assertThatThrownBy(() -> Ops.minimum(Tensor.zeros(2, 3), Tensor.zeros(3, 2)))
                .hasMessageContaining("[2, 3]").hasMessageContaining("[3, 2]");
    }
}

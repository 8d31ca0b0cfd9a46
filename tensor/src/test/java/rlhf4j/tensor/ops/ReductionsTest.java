package rlhf4j.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static rlhf4j.tensor.ops.OpTesting.assertClose;
import static rlhf4j.tensor.ops.OpTesting.assertGradients;
import static rlhf4j.tensor.ops.OpTesting.param;

import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

class ReductionsTest {
    @Test
    void sumsMatchDoubleReferences() {
        Tensor x = param("x", 1, 3, 5, 7);
        double s = 0, ms = 0, m = 0;
        float[] mask = new float[x.size()];
        double[] rows = new double[15];
        for (int i = 0; i < x.size(); i++) {
            s += x.data()[i];
            mask[i] = i % 4 == 0 ? 0f : (i % 4) * 0.5f;
            ms += mask[i] * x.data()[i];
            m += mask[i];
            rows[i / 7] += x.data()[i];
        }
        assertThat(Ops.sum(x).shape()).containsExactly(1);
        assertThat((double) Ops.sum(x).item()).isCloseTo(s, within(1e-5));
        assertThat((double) Ops.mean(x).item()).isCloseTo(s / x.size(), within(1e-6));
        assertThat((double) Ops.maskedMean(x, mask).item()).isCloseTo(ms / m, within(1e-6));
        Tensor r = Ops.sumLastDim(x);
        assertThat(r.shape()).containsExactly(3, 5);
        assertClose("sumLastDim", r.data(), rows, 1e-6);
        assertThat(Ops.sumLastDim(Tensor.zeros(4)).shape()).containsExactly(1);
    }

    @Test
    void gradients() {
        Tensor x = param("x", 2, 3, 5, 7);
        float[] mask = new float[x.size()];
        for (int i = 0; i < mask.length; i++) mask[i] = i % 3 == 0 ? 0f : 1f;
        assertGradients(() -> Ops.sum(x), x);
        assertGradients(() -> Ops.mean(x), x);
        assertGradients(() -> Ops.maskedMean(x, mask), x);
        assertGradients(() -> Ops.sumLastDim(x), x);
    }

    @Test
    void emptyMaskGivesZeroAndNoGradient() {
        Tensor x = param("x", 3, 4);
        try (Tape tape = Tape.record()) {
            Tensor loss = Ops.maskedMean(x, new float[4]);
            tape.backward(loss);
            assertThat(loss.item()).isZero();
            assertThat(x.grad()).containsOnly(0f);
        }
    }

    @Test
    void largeSumDoesNotDependOnTheThreadCount() {
        Tensor x = param("x", 4, 1000, 301);
        int threads = Parallel.threads();
        float one, many;
        try {
            Parallel.setThreads(1);
            one = Ops.sum(x).item();
            Parallel.setThreads(4);
            many = Ops.sum(x).item();
        } finally {
            Parallel.setThreads(threads);
        }
        assertThat(many).isEqualTo(one);
    }
}

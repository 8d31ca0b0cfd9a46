package rlhf4j.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import rlhf4j.tensor.GradCheck;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

class MatMulTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    private static Tensor param(String name, Rng rng, int... shape) {
        Tensor t = Tensor.param(name, shape);
        rng.normal(t, 1.0);
        return t;
    }

    // op(x)(i, j) for the last two dims of batch entry t
    private static double at(Tensor x, int t, boolean trans, int i, int j) {
        int r = x.dim(-2), c = x.dim(-1);
        return trans ? x.data()[t * r * c + j * c + i] : x.data()[t * r * c + i * c + j];
    }

    @Test
    void batchedMatmulMatchesDoubleReferenceForEveryTransposeCombination() {
        Rng rng = new Rng(1);
        for (int combo = 0; combo < 4; combo++) {
            boolean ta = (combo & 1) != 0, tb = (combo & 2) != 0;
            int m = 9, k = 13, n = 35;
            Tensor a = param("a", rng, 2, 3, ta ? k : m, ta ? m : k);
            Tensor b = param("b", rng, 2, 3, tb ? n : k, tb ? k : n);
            Tensor c = MatMul.matmul(a, b, ta, tb);
            assertThat(c.shape()).containsExactly(2, 3, m, n);
            for (int t = 0; t < 6; t++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < k; p++) s += at(a, t, ta, i, p) * at(b, t, tb, p, j);
                        assertThat((double) c.data()[(t * m + i) * n + j]).isCloseTo(s, Offset.offset(1e-4));
                    }
                }
            }
        }
    }

    @Test
    void gradientsOfMatmulForEveryTransposeCombination() {
        for (int combo = 0; combo < 4; combo++) {
            boolean ta = (combo & 1) != 0, tb = (combo & 2) != 0;
            Rng rng = new Rng(10 + combo);
            int m = 5, k = 7, n = 6;
            Tensor a = param("a", rng, 2, ta ? k : m, ta ? m : k);
            Tensor b = param("b", rng, 2, tb ? n : k, tb ? k : n);
            GradCheck.Result r = GradCheck.check(() -> MatMul.matmul(a, b, ta, tb), 1e-2, 200, a, b);
            assertThat(r.within(2e-3, 2e-3)).as("ta=%s tb=%s %s", ta, tb, r).isTrue();
        }
    }

    @Test
    void gradientsOfMatmulWithA2DWeightSharedAcrossTheBatch() {
        for (int combo = 0; combo < 4; combo++) {
            boolean ta = (combo & 1) != 0, tb = (combo & 2) != 0;
            Rng rng = new Rng(20 + combo);
            int m = 4, k = 9, n = 3;
            Tensor a = param("a", rng, 3, 2, ta ? k : m, ta ? m : k);
            Tensor b = param("b", rng, tb ? n : k, tb ? k : n);
            Tensor c = MatMul.matmul(a, b, ta, tb);
            assertThat(c.shape()).containsExactly(3, 2, m, n);
            GradCheck.Result r = GradCheck.check(() -> MatMul.matmul(a, b, ta, tb), 1e-2, 200, a, b);
            assertThat(r.within(2e-3, 2e-3)).as("ta=%s tb=%s %s", ta, tb, r).isTrue();
        }
    }

    @Test
    void linearMatchesTorchLayoutWithAndWithoutBias() {
        Rng rng = new Rng(2);
        Tensor x = param("x", rng, 2, 3, 11), w = param("w", rng, 5, 11), bias = param("b", rng, 5);
        for (Tensor bb : new Tensor[] {bias, null}) {
            Tensor y = MatMul.linear(x, w, bb);
            assertThat(y.shape()).containsExactly(2, 3, 5);
            for (int r = 0; r < 6; r++) {
                for (int o = 0; o < 5; o++) {
                    double s = bb == null ? 0 : bb.data()[o];
                    for (int i = 0; i < 11; i++) s += (double) x.data()[r * 11 + i] * w.data()[o * 11 + i];
                    assertThat((double) y.data()[r * 5 + o]).isCloseTo(s, Offset.offset(1e-4));
                }
            }
        }
    }

    @Test
    void gradientsOfLinearWithAndWithoutBias() {
        Rng rng = new Rng(4);
        Tensor x = param("x", rng, 3, 4, 10), w = param("w", rng, 7, 10), bias = param("b", rng, 7);
        GradCheck.Result withBias = GradCheck.check(() -> MatMul.linear(x, w, bias), 1e-2, 200, x, w, bias);
        assertThat(withBias.within(2e-3, 2e-3)).as("%s", withBias).isTrue();
        GradCheck.Result noBias = GradCheck.check(() -> MatMul.linear(x, w, null), 1e-2, 200, x, w);
        assertThat(noBias.within(2e-3, 2e-3)).as("%s", noBias).isTrue();
    }

    @Test
    void linearGradientsAreBitIdenticalForOneAndTwoThreads() {
        Rng rng = new Rng(6);
        Tensor x = param("x", rng, 300, 70), w = param("w", rng, 90, 70), bias = param("b", rng, 90);
        float[][] first = null;
        for (int threads : new int[] {1, 2, 2}) {
            Parallel.setThreads(threads);
            try (Tape tape = Tape.record()) {
                Tensor y = MatMul.linear(x, w, bias);
                float[] seed = new float[y.size()];
                for (int i = 0; i < seed.length; i++) seed[i] = (i % 7) - 3f;
                tape.backward(y, seed);
                float[][] now = {y.data().clone(), x.grad().clone(), w.grad().clone(), bias.grad().clone()};
                if (first == null) first = now;
                else for (int i = 0; i < 4; i++) assertThat(now[i]).isEqualTo(first[i]);
            }
            x.zeroGrad();
            w.zeroGrad();
            bias.zeroGrad();
        }
    }

    @Test
    void shapeMismatchesNameBothShapes() {
        assertThatThrownBy(() -> MatMul.matmul(Tensor.zeros(2, 3), Tensor.zeros(4, 5), false, false))
                .hasMessageContaining("[2, 3]").hasMessageContaining("[4, 5]");
        assertThatThrownBy(() -> MatMul.matmul(Tensor.zeros(2, 2, 3), Tensor.zeros(3, 3, 5), false, false))
                .hasMessageContaining("[2, 2, 3]").hasMessageContaining("[3, 3, 5]");
        assertThatThrownBy(() -> MatMul.linear(Tensor.zeros(2, 3), Tensor.zeros(4, 5), null))
                .hasMessageContaining("[2, 3]").hasMessageContaining("[4, 5]");
    }

    @Test
    void biasGradientColumnSumsEqualTheRowOrderScalarSumsForAnyWidthAndThreadCount() {
        Rng rng = new Rng(21);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int cols : new int[] {1, 15, 16, 63, 64, 65, 130, 257}) {
                int rows = 37;
                float[] g = new float[rows * cols], acc = new float[cols], want = new float[cols];
                for (int i = 0; i < g.length; i++) g[i] = (float) rng.nextGaussian();
                for (int j = 0; j < cols; j++) {
                    acc[j] = want[j] = (float) rng.nextGaussian();
                    float s = 0f;
                    for (int r = 0; r < rows; r++) s += g[r * cols + j];
                    want[j] += s;
                }
                MatMul.columnSums(g, rows, cols, acc);
                assertThat(acc).as("cols=%d threads=%d", cols, threads).isEqualTo(want);
            }
        }
    }
}

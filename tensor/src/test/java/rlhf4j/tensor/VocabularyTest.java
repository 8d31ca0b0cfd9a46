package rlhf4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VocabularyTest {
    private static Tensor randomParam(String name, long seed, double std, int... shape) {
        Tensor t = Tensor.param(name, shape);
        new Rng(seed).normal(t, std);
        return t;
    }

    private static int[] randomTargets(long seed, int n, int v) {
        Rng rng = new Rng(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = rng.nextInt(v);
        return t;
    }

    /** log-sum-exp of a row in double. */
    private static double lse(float[] x, int off, int v) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) m = Math.max(m, x[off + j]);
        double s = 0;
        for (int j = 0; j < v; j++) s += Math.exp(x[off + j] - m);
        return m + Math.log(s);
    }

    private static void assertGradient(java.util.function.Supplier<Tensor> f, Tensor input) {
        assertGradient(f, input, 5e-4);
    }

    private static void assertGradient(java.util.function.Supplier<Tensor> f, Tensor input, double atol) {
        GradCheck.Result r = GradCheck.check(f, 1e-2, 200, input);
        assertThat(r.within(atol, 1e-3)).as(r.toString()).isTrue();
    }

    @Test
    void crossEntropyMatchesDoubleReferenceWithWeightsAndIgnoredRows() {
        int n = 9, v = 37;
        Tensor logits = randomParam("logits", 1, 2.0, n, v);
        int[] targets = randomTargets(2, n, v);
        targets[3] = -100;
        targets[7] = -100;
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = 0.25f + i * 0.5f;
        double num = 0, den = 0;
        float[] x = logits.data();
        for (int r = 0; r < n; r++) {
            if (targets[r] == -100) continue;
            num += w[r] * (lse(x, r * v, v) - x[r * v + targets[r]]);
            den += w[r];
        }
        assertThat((double) Ops.crossEntropy(logits, targets, w, -100).item()).isCloseTo(num / den, within(1e-5));
        // null weights: plain mean over the rows not ignored
        double plain = 0;
        int count = 0;
        for (int r = 0; r < n; r++) {
            if (targets[r] == -100) continue;
            plain += lse(x, r * v, v) - x[r * v + targets[r]];
            count++;
        }
        assertThat((double) Ops.crossEntropy(logits, targets, null, -100).item()).isCloseTo(plain / count, within(1e-5));
    }

    @Test
    void crossEntropyGradientIsCorrectWithIgnoreAndWeights() {
        int n = 6, v = 21;
        Tensor logits = randomParam("logits", 3, 1.5, n, v);
        int[] targets = randomTargets(4, n, v);
        targets[2] = -1;
        float[] w = {1f, 0.5f, 3f, 2f, 0f, 1.5f};
        // the mean makes these gradients small (about 1/N), hence the tighter absolute tolerance
        assertGradient(() -> Ops.crossEntropy(logits, targets, w, -1), logits, 2e-5);
        assertGradient(() -> Ops.crossEntropy(logits, targets, null, -1), logits, 2e-5);
    }

    @Test
    void allRowsIgnoredGivesZeroLossAndZeroGradient() {
        Tensor logits = randomParam("logits", 5, 1, 3, 8);
        int[] targets = {-100, -100, -100};
        try (Tape tape = Tape.record()) {
            Tensor loss = Ops.crossEntropy(logits, targets, null, -100);
            tape.backward(loss);
            assertThat(loss.item()).isEqualTo(0f);
            if (logits.hasGrad()) assertThat(logits.grad()).containsOnly(0f);
        }
    }

    @Test
    void targetOutsideTheVocabularyIsRejectedClearly() {
        Tensor logits = Tensor.zeros(2, 5);
        assertThatThrownBy(() -> Ops.crossEntropy(logits, new int[] {1, 5}, null, -100))
                .hasMessageContaining("target 5 at row 1").hasMessageContaining("[0, 5)");
        assertThatThrownBy(() -> Ops.tokenLogProbs(logits, new int[] {-1, 0}))
                .hasMessageContaining("target -1 at row 0");
        assertThatThrownBy(() -> Ops.crossEntropy(logits, new int[] {1}, null, -100))
                .hasMessageContaining("1 targets for 2 rows");
    }

    @Test
    void largeLogitsStayFinite() {
        int n = 4, v = 50;
        Tensor logits = Tensor.param("logits", n, v);
        Rng rng = new Rng(9);
        for (int i = 0; i < n * v; i++) logits.data()[i] = (float) ((rng.nextDouble() * 2 - 1) * 1e4);
        int[] targets = randomTargets(10, n, v);
        try (Tape tape = Tape.record()) {
            Tensor loss = Ops.crossEntropy(logits, targets, null, -100);
            Tensor lp = Ops.tokenLogProbs(logits, targets);
            Tensor h = Ops.entropy(logits);
            Tensor ls = Ops.logSoftmax(logits);
            Tensor sm = Ops.softmax(logits);
            tape.backward(loss);
            assertThat(Float.isFinite(loss.item())).isTrue();
            for (float f : lp.data()) assertThat(Float.isFinite(f)).isTrue();
            for (float f : h.data()) assertThat(f).isBetween(0f, (float) Math.log(v) + 1e-3f);
            for (float f : ls.data()) assertThat(Float.isFinite(f)).isTrue();
            for (float f : sm.data()) assertThat(Float.isFinite(f)).isTrue();
            for (float f : logits.grad()) assertThat(Float.isFinite(f)).isTrue();
        }
    }

    @Test
    void tokenLogProbsMatchReferenceAndGradient() {
        int n = 7, v = 40;
        Tensor logits = randomParam("logits", 11, 2, n, v);
        int[] targets = randomTargets(12, n, v);
        Tensor lp = Ops.tokenLogProbs(logits, targets);
        assertThat(lp.shape()).containsExactly(n);
        float[] x = logits.data();
        for (int r = 0; r < n; r++) {
            assertThat((double) lp.data()[r]).isCloseTo(x[r * v + targets[r]] - lse(x, r * v, v), within(1e-5));
        }
        assertGradient(() -> Ops.tokenLogProbs(logits, targets), logits);
    }

    @Test
    void entropyMatchesReferenceAndGradient() {
        int n = 5, v = 33;
        Tensor logits = randomParam("logits", 13, 2, n, v);
        Tensor h = Ops.entropy(logits);
        float[] x = logits.data();
        for (int r = 0; r < n; r++) {
            double l = lse(x, r * v, v), ref = 0;
            for (int j = 0; j < v; j++) {
                double logp = x[r * v + j] - l;
                ref -= Math.exp(logp) * logp;
            }
            assertThat((double) h.data()[r]).isCloseTo(ref, within(1e-5));
        }
        assertGradient(() -> Ops.entropy(logits), logits);
    }

    @Test
    void softmaxAndLogSoftmaxMatchReferenceAndGradient() {
        Tensor x = randomParam("x", 17, 1.5, 2, 3, 19);
        Tensor sm = Ops.softmax(x), ls = Ops.logSoftmax(x);
        float[] d = x.data();
        for (int r = 0; r < 6; r++) {
            double l = lse(d, r * 19, 19);
            for (int j = 0; j < 19; j++) {
                assertThat((double) ls.data()[r * 19 + j]).isCloseTo(d[r * 19 + j] - l, within(1e-5));
                assertThat((double) sm.data()[r * 19 + j]).isCloseTo(Math.exp(d[r * 19 + j] - l), within(1e-6));
            }
        }
        assertGradient(() -> Ops.softmax(x), x);
        assertGradient(() -> Ops.logSoftmax(x), x);
    }

    @Test
    void wideRowsAcrossManyChunksAreDeterministic() {
        // wide enough for the vector main loops and several parallel chunks
        int n = 64, v = 1003;
        Tensor logits = randomParam("logits", 19, 3, n, v);
        int[] targets = randomTargets(20, n, v);
        float first = Ops.crossEntropy(logits, targets, null, -100).item();
        float second = Ops.crossEntropy(logits, targets, null, -100).item();
        assertThat(second).isEqualTo(first);
        double ref = 0;
        for (int r = 0; r < n; r++) ref += lse(logits.data(), r * v, v) - logits.data()[r * v + targets[r]];
        assertThat((double) first).isCloseTo(ref / n, within(1e-4));
    }
}

package rlhf4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import rlhf4j.tensor.GradCheck;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;

class ScalarHeadTest {

    @Test
    void scoresReadTheHiddenStateAtEachRowsLastIndex() {
        Transformer m = TestModels.random(TestModels.tinyLlama(), 41);
        ScalarHead head = new ScalarHead(32, new Rng(5), 0.5);
        int[] ids = TestModels.randomIds(16, 48, 6);
        Tensor hidden = m.hidden(ids, 2, 8, null);
        Tensor scores = head.scores(hidden, new int[] {3, 7});
        assertThat(scores.shape()).containsExactly(2);
        for (int b = 0; b < 2; b++) {
            int t = b == 0 ? 3 : 7;
            double dot = 0;
            for (int i = 0; i < 32; i++) dot += hidden.get(b, t, i) * head.weight().get(0, i);
            assertThat(scores.get(b)).isCloseTo((float) dot, within(1e-5f));
        }
    }

    @Test
    void gradientsReachTheHeadAndTheHiddenStates() {
        ScalarHead head = new ScalarHead(8, new Rng(5), 0.5);
        Tensor hidden = Tensor.param("hidden", 2, 3, 8);
        new Rng(6).normal(hidden, 1);
        var result = GradCheck.check(() -> head.scores(hidden, new int[] {2, 0}), 1e-2, 50, hidden, head.weight());
        assertThat(result.within(1e-3, 1e-2)).as(result.toString()).isTrue();
    }
}

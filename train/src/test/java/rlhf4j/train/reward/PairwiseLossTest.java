package rlhf4j.train.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import rlhf4j.data.preference.Comparison;
import rlhf4j.tensor.GradCheck;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

class PairwiseLossTest {
    @Test
    void compositionOfOpsPassesGradCheck() {
        Tensor scores = Tensor.param("r", 7);
        new Rng(5).normal(scores, 1.5);
        List<Comparison> batch = List.of(
                new Comparison("a", List.of("0", "1", "2", "3"), Comparison.strict(2, 0, 3, 1), null),
                new Comparison("b", List.of("0", "1", "2"), List.of(new int[] {1}, new int[] {0, 2}), null));
        for (boolean ties : new boolean[] {false, true}) {
            PairwiseLoss.Pairs pairs = PairwiseLoss.pairs(batch, ties);
            GradCheck.Result r = GradCheck.check(() -> PairwiseLoss.loss(scores, pairs), 1e-2, 100, scores);
            assertThat(r.within(2e-3, 1e-2)).as(r.toString()).isTrue();
        }
    }

    @Test
    void matchesEquationOneComputedInDouble() {
        float[] r = {0.3f, -1.2f, 2.0f, 0.5f, 0.1f, -0.4f};
        Comparison a = new Comparison("a", List.of("0", "1", "2", "3"), Comparison.strict(2, 0, 3, 1), null);
        Comparison b = Comparison.pair("b", "x", "y");
        double want = 0;
        for (int[] p : a.pairs()) want += RewardEval.softplus(-(r[p[0]] - r[p[1]])) / 6; // C(4,2) = 6
        want += RewardEval.softplus(-(r[4] - r[5]));
        want /= 2; // mean over the two prompts
        float got = PairwiseLoss.loss(Tensor.of(r, 6), PairwiseLoss.pairs(List.of(a, b), false)).item();
        assertThat((double) got).isCloseTo(want, within(1e-6));
    }

    @Test
    void kWiseGradientEqualsTheSumOfItsPairsEachForwardedAlone() {
        Comparison c = new Comparison("where does bra live?", List.of("in bbton.", "in cc.", "b, surely, in the bbton town.", "no idea"),
                Comparison.strict(0, 2, 1, 3), null);
        RewardModel rm = TinyRm.model(3, 0.5);

        // K-wise: one forward of all four answers
        long calls = rm.forwardCalls(), rows = rm.rowsForwarded();
        Map<String, float[]> kwise = gradients(rm, () -> RewardStage.loss(rm, List.of(c), false));
        assertThat(rm.forwardCalls() - calls).as("hidden() calls for one K-wise comparison").isEqualTo(1);
        assertThat(rm.rowsForwarded() - rows).as("rows forwarded: each answer once").isEqualTo(4);

        // the same loss pair by pair: each pair forwarded on its own, −log σ(r_w − r_l) / C(4,2), gradients summed
        Map<String, float[]> summed = new LinkedHashMap<>();
        List<int[]> pairs = c.pairs();
        assertThat(pairs).hasSize(6);
        for (int[] p : pairs) {
            Comparison two = new Comparison(c.prompt(), List.of(c.responses().get(p[0]), c.responses().get(p[1])), Comparison.strict(0, 1), null);
            Map<String, float[]> g = gradients(rm, () -> Ops.scale(RewardStage.loss(rm, List.of(two), false), 1f / pairs.size()));
            g.forEach((name, v) -> {
                float[] acc = summed.computeIfAbsent(name, x -> new float[v.length]);
                for (int i = 0; i < v.length; i++) acc[i] += v[i];
            });
        }
        assertThat(summed.keySet()).isEqualTo(kwise.keySet());
        double worst = 0, scale = 0;
        for (String name : kwise.keySet()) {
            float[] a = kwise.get(name), b = summed.get(name);
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
                scale = Math.max(scale, Math.abs(a[i]));
            }
        }
        assertThat(scale).isGreaterThan(1e-4);
        assertThat(worst).as("largest gradient difference (largest gradient %s)", scale).isLessThan(1e-5 * Math.max(1, scale));
    }

    @Test
    void aZeroHeadStartsAtLnTwo() {
        RewardModel rm = TinyRm.model(1, 0);
        float l = RewardStage.loss(rm, TinyRm.data(4, 4, 9), false).item();
        assertThat((double) l).isCloseTo(Math.log(2), within(1e-6));
    }

    private static Map<String, float[]> gradients(RewardModel rm, java.util.function.Supplier<Tensor> loss) {
        List<Tensor> params = new ArrayList<>(rm.model().parameters());
        params.add(rm.head().weight());
        for (Tensor p : params) p.zeroGrad();
        try (Tape tape = Tape.record()) {
            tape.backward(loss.get());
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Tensor p : params) if (p.hasGrad()) out.put(p.name(), p.grad().clone());
        for (Tensor p : params) p.zeroGrad();
        return out;
    }
}

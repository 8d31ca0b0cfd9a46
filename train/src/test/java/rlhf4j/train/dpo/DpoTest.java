package rlhf4j.train.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.data.preference.Comparison;
import rlhf4j.model.Transformer;
import rlhf4j.model.TransformerConfig;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tensor.GradCheck;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.train.loop.LoopConfig;
import rlhf4j.train.loop.MetricsLog;
import rlhf4j.train.loop.Trainer;

public class DpoTest {
    public static Tokenizer tokenizer() {
        byte[][] bytes = new byte[256][];
        for (int b = 0; b < 256; b++) bytes[b] = new byte[] {(byte) b};
        return new Tokenizer("bytes", "\\S+|\\s+", bytes, null, Map.of("<|bos|>", 256, "<|system|>", 257,
                "<|user|>", 258, "<|assistant|>", 259, "<|end|>", 260));
    }

    public static Transformer model(long seed) {
        return new Transformer(TransformerConfig.llama(261, 32, 2, 4, 2, 64, 64), new Rng(seed));
    }

    /** "where does Xra live?" with answers "in TTton."; the one that says xxton is preferred, the others tie below. */
    static List<Comparison> data(int n, int k, long seed) {
        Rng rng = new Rng(seed);
        List<Comparison> out = new ArrayList<>();
        String letters = "abcdefgh";
        for (int i = 0; i < n; i++) {
            char c = letters.charAt(rng.nextInt(letters.length()));
            List<String> responses = new ArrayList<>();
            int goldAt = rng.nextInt(k);
            List<Integer> good = new ArrayList<>(), bad = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                char town = j == goldAt ? 'x' : letters.charAt(rng.nextInt(letters.length()));
                responses.add("in " + town + town + "ton.");
                (town == 'x' ? good : bad).add(j);
            }
            List<int[]> tiers = new ArrayList<>();
            tiers.add(good.stream().mapToInt(Integer::intValue).toArray());
            tiers.add(bad.stream().mapToInt(Integer::intValue).toArray());
            out.add(new Comparison("where does " + c + "ra live?", responses, tiers, tiers));
        }
        return out;
    }

    static LoopConfig loop(long steps, long checkpointEvery) {
        return new LoopConfig(steps, 1, 3e-3, 1.0, 0, "constant", 0.0, 0.9, 0.95, 1.0, 0, 0, checkpointEvery, 1, 3, 11, 2);
    }

    @Test
    void lossAndMarginsMatchAHandComputation() {
        float[] pw = {-3.0f, -10.0f, -2.5f}, pl = {-4.0f, -6.0f, -2.5f}, rw = {-3.5f, -9.0f, -2.0f}, rl = {-3.5f, -7.0f, -3.0f};
        float beta = 0.5f;
        float[] margins = new float[3];
        float got = DpoLoss.loss(Tensor.of(pw.clone(), 3), Tensor.of(pl.clone(), 3), rw, rl, beta, margins).item();
        // pair 0: β·[(−3+3.5) − (−4+3.5)] = 0.5·1 = 0.5; pair 1: 0.5·[(−1) − (1)] = −1; pair 2: 0.5·[(−0.5) − (0.5)] = −0.5
        assertThat(margins[0]).isCloseTo(0.5f, within(1e-6f));
        assertThat(margins[1]).isCloseTo(-1.0f, within(1e-6f));
        assertThat(margins[2]).isCloseTo(-0.5f, within(1e-6f));
        double want = (Math.log1p(Math.exp(-0.5)) + Math.log1p(Math.exp(1.0)) + Math.log1p(Math.exp(0.5))) / 3;
        assertThat((double) got).isCloseTo(want, within(1e-6));
        for (int i = 0; i < 3; i++) {
            assertThat(DpoLoss.reference(pw[i], pl[i], rw[i], rl[i], beta)).isCloseTo(Math.log1p(Math.exp(-margins[i])), within(1e-6));
        }
    }

    @Test
    void compositionPassesGradCheck() {
        // as in the stage: one [2P] vector of sequence log-probs, split into chosen and rejected
        Tensor seq = Tensor.param("lp", 8);
        new Rng(3).normal(seq, 2.0);
        float[] rw = {-1f, 0.5f, 2f, -0.3f}, rl = {0.2f, -1f, 1f, 0.7f};
        GradCheck.Result r = GradCheck.check(() -> {
            Tensor[] s = Ops.split(seq, 4, 4);
            return DpoLoss.loss(s[0], s[1], rw, rl, 0.7f, null);
        }, 1e-2, 100, seq);
        assertThat(r.within(2e-3, 1e-2)).as(r.toString()).isTrue();
    }

    @Test
    void referenceLogProbsAreComputedOnceAndTrainingLearnsThePreference(@TempDir Path tmp) {
        Tokenizer tok = tokenizer();
        List<DpoStage.Pair> train = DpoStage.pairs(data(40, 3, 1), tok, 64), val = DpoStage.pairs(data(10, 3, 2), tok, 64);
        Transformer policy = model(5);
        DpoStage stage = new DpoStage(policy, policy, train, val, 0.5f, 8, 3, null);
        long refCalls = stage.referenceForwards();
        // one forward per 16 distinct answers: the pairs of a comparison share its answers' rows
        assertThat(refCalls).isEqualTo((distinctRows(train) + 15) / 16 + (distinctRows(val) + 15) / 16);
        assertThat(distinctRows(train)).isLessThan(2 * train.size());
        Map<String, Double> before = stage.heldOut();
        assertThat(before.get("val_loss")).isCloseTo(Math.log(2), within(1e-6)); // policy = reference: every margin is 0
        new Trainer(stage, loop(40, 0), tmp).run(false);
        assertThat(stage.referenceForwards()).as("no reference forward after the start").isEqualTo(refCalls);
        Map<String, Double> after = stage.heldOut();
        assertThat(after.get("val_loss")).isLessThan(before.get("val_loss"));
        assertThat(after.get("val_reward_accuracy")).isGreaterThan(0.8);
        JsonNode last = MetricsLog.read(tmp.resolve("metrics.jsonl")).get(39);
        assertThat(last.has("reward_margin") && last.has("reward_accuracy") && last.has("reward_chosen")).isTrue();
    }

    private static int distinctRows(List<DpoStage.Pair> pairs) {
        java.util.Set<Object> rows = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (DpoStage.Pair p : pairs) {
            rows.add(p.chosen());
            rows.add(p.rejected());
        }
        return rows.size();
    }

    /** step → loss of every training line (evaluation lines have no loss). */
    public static Map<Long, Double> losses(Path run) {
        Map<Long, Double> m = new java.util.TreeMap<>();
        for (JsonNode n : MetricsLog.read(run.resolve("metrics.jsonl"))) if (n.has("loss")) m.put(n.path("step").asLong(), n.path("loss").asDouble());
        return m;
    }

    @Test
    void resumingGivesTheSameLossesAndWeightsAsOneRun(@TempDir Path tmp) throws Exception {
        Tokenizer tok = tokenizer();
        List<DpoStage.Pair> train = DpoStage.pairs(data(20, 3, 1), tok, 64);
        Path straight = Files.createDirectories(tmp.resolve("straight")), resumed = Files.createDirectories(tmp.resolve("resumed"));
        Transformer a = model(5);
        new Trainer(new DpoStage(a, a, train, List.of(), 0.5f, 4, 3, null), loop(8, 0), straight).run(false);
        Transformer b = model(5);
        new Trainer(new DpoStage(b, b, train, List.of(), 0.5f, 4, 3, null), loop(5, 0), resumed).run(false);
        // a new process: the starting weights again (they are the reference), the checkpoint supplies the rest
        Transformer c = model(5);
        new Trainer(new DpoStage(c, c, train, List.of(), 0.5f, 4, 3, null), loop(8, 0), resumed).run(true);
        assertThat(losses(resumed)).isEqualTo(losses(straight)).hasSize(8);
        Transformer p = ModelIO.load(straight), q = ModelIO.load(resumed);
        p.namedParameters().forEach((name, t) -> assertThat(q.parameter(name).data()).as(name).isEqualTo(t.data()));
    }

    @Test
    void chosenNllIsThePerTokenNegativeLogLikelihoodAndPassesGradCheck() {
        float got = DpoLoss.chosenNll(Tensor.of(new float[] {-6f, -2f}, 2), new int[] {3, 4}, 0.5f).item();
        // 0.5 · mean(6/3, 2/4) = 0.5 · 1.25
        assertThat(got).isCloseTo(0.625f, within(1e-6f));
        Tensor chosen = Tensor.param("lp", 4);
        new Rng(4).normal(chosen, 2.0);
        GradCheck.Result r = GradCheck.check(() -> DpoLoss.chosenNll(chosen, new int[] {1, 2, 5, 3}, 0.7f), 1e-2, 100, chosen);
        assertThat(r.within(2e-3, 1e-2)).as(r.toString()).isTrue();
    }

    @Test
    void theSftTermHoldsTheChosenAnswersLikelihoodAbovePlainDpo(@TempDir Path tmp) throws Exception {
        Tokenizer tok = tokenizer();
        List<DpoStage.Pair> train = DpoStage.pairs(data(20, 3, 1), tok, 64);
        Transformer plain = model(5), withSft = model(5);
        new Trainer(new DpoStage(plain, plain, train, List.of(), 0.5f, 0f, 4, 3, null), loop(12, 0),
                Files.createDirectories(tmp.resolve("plain"))).run(false);
        new Trainer(new DpoStage(withSft, withSft, train, List.of(), 0.5f, 1f, 4, 3, null), loop(12, 0),
                Files.createDirectories(tmp.resolve("sft"))).run(false);
        assertThat(meanChosenLogProb(withSft, train)).isGreaterThan(meanChosenLogProb(plain, train));
    }

    private static double meanChosenLogProb(Transformer m, List<DpoStage.Pair> pairs) {
        List<rlhf4j.train.rl.AnswerLogProbs.Row> rows = new ArrayList<>();
        for (DpoStage.Pair p : pairs) rows.add(p.chosen());
        float[] lp = rlhf4j.train.rl.AnswerLogProbs.noGrad(() -> rlhf4j.train.rl.AnswerLogProbs.sequenceLogProbs(m,
                rlhf4j.train.rl.AnswerLogProbs.batch(rows)).data().clone());
        double s = 0;
        for (float v : lp) s += v;
        return s / lp.length;
    }
}

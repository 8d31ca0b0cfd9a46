package rlhf4j.train.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.model.TransformerConfig;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.train.loop.MetricsLog;

/** PPO end to end on a tiny model with a toy reward: the update goes the right way, and resume is bit-exact. */
class PpoTrainingTest {
    static Tokenizer tokenizer() {
        byte[][] bytes = new byte[256][];
        for (int b = 0; b < 256; b++) bytes[b] = new byte[] {(byte) b};
        return new Tokenizer("bytes", "\\S+|\\s+", bytes, null, Map.of("<|bos|>", 256, "<|system|>", 257,
                "<|user|>", 258, "<|assistant|>", 259, "<|end|>", 260));
    }

    static TransformerConfig tiny() {
        return TransformerConfig.llama(261, 32, 2, 4, 2, 64, 64);
    }

    static PpoConfig config(int iterations, double lr, double beta, double klTarget) {
        PpoConfig d = PpoConfig.defaults();
        return new PpoConfig(d.model(), d.data(), new PpoConfig.Rollout(16, 3, 1.0f, 0),
                new PpoConfig.Ppo(2, 8, 0.2f, 0.2f, 1.0, 0.95, lr, 1e-3, 1.0, 0.0, 0),
                new PpoConfig.Kl(beta, klTarget, 100), d.reward(), d.eval(), new PpoConfig.Train(iterations, 0, 3, 5, 2));
    }

    /** Reward 1 when the answer's first token is a byte below 128, else 0. */
    static final Rollout.Scorer LOW_BYTES = (prompts, answers, ids, finished) -> {
        float[] s = new float[ids.size()];
        for (int i = 0; i < s.length; i++) s[i] = ids.get(i)[0] < 128 ? 1f : 0f;
        return s;
    };

    static PpoTrainer trainer(PpoConfig cfg, long seed) {
        Tokenizer tok = tokenizer();
        Transformer policy = new Transformer(tiny(), new Rng(seed));
        Transformer value = new Transformer(tiny(), new Rng(seed + 1));
        List<String> prompts = List.of("hi", "yo", "ok?", "why", "abc", "zz", "q", "tell me");
        return new PpoTrainer(cfg, policy, value, new ScalarHead(32, new Rng(seed + 2), 0.02), tok, prompts, LOW_BYTES, null, null);
    }

    /** Probability that the first answer token is a low byte, averaged over the prompts. */
    static double lowMass(Transformer m, Tokenizer tok) {
        ChatTemplate t = new ChatTemplate(tok);
        double sum = 0;
        List<String> ps = List.of("hi", "yo", "ok?", "why");
        for (String p : ps) {
            int[] ids = t.renderPrompt(List.of(new ChatTemplate.Message("user", p)));
            Tensor probs = Ops.softmax(m.logits(m.hidden(ids, 1, ids.length, null)));
            float[] pr = probs.data();
            int off = (ids.length - 1) * tok.vocabSize();
            for (int v = 0; v < 128; v++) sum += pr[off + v];
        }
        return sum / ps.size();
    }

    @Test
    void policyGradientMakesTheRewardedTokensMoreLikely() {
        PpoTrainer t = trainer(config(8, 1e-2, 0.0, 0), 11);
        Tokenizer tok = tokenizer();
        double before = lowMass(t.policy(), tok);
        for (int it = 0; it < 8; it++) t.iteration(it);
        double after = lowMass(t.policy(), tok);
        assertTrue(after > before + 0.15, "P(first token < 128): " + before + " → " + after);
        // the reference stays where the policy started
        assertEquals(before, lowMass(t.reference(), tok), 1e-9);
    }

    @Test
    void resumeIsBitExact(@TempDir Path dir) {
        Path straight = dir.resolve("straight"), halves = dir.resolve("halves");
        trainer(config(4, 1e-3, 0.05, 0.5), 3).run(straight, false);
        trainer(config(2, 1e-3, 0.05, 0.5), 3).run(halves, false);
        PpoTrainer resumed = trainer(config(4, 1e-3, 0.05, 0.5), 3);
        resumed.run(halves, true);
        PpoTrainer fresh = trainer(config(4, 1e-3, 0.05, 0.5), 3);
        PpoCheckpoint.load(straight, fresh);
        List<Tensor> a = fresh.policy().parameters(), b = resumed.policy().parameters();
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i).data(), b.get(i).data(), a.get(i).name());
        assertArrayEquals(fresh.valueHead().weight().data(), resumed.valueHead().weight().data());
        assertEquals(fresh.beta(), resumed.beta(), 0);
        List<JsonNode> ma = MetricsLog.read(straight.resolve("metrics.jsonl")), mb = MetricsLog.read(halves.resolve("metrics.jsonl"));
        assertEquals(ma.size(), mb.size());
        for (int i = 0; i < ma.size(); i++) {
            for (String k : List.of("step", "rm_score", "kl", "entropy", "value_loss", "policy_loss", "clip_fraction", "beta")) {
                assertEquals(ma.get(i).path(k).asDouble(), mb.get(i).path(k).asDouble(), 0, k + " at line " + i);
            }
        }
        assertTrue(ma.get(3).path("beta").asDouble() != 0.05, "the adaptive controller moved β");
    }

    @Test
    void ratioIsOneBeforeTheFirstUpdate() {
        // the rollout's log-probs (one padded batch) and the first minibatch's (another padding) must agree
        PpoTrainer t = trainer(config(1, 1e-3, 0.02, 0), 4);
        Rollout ro = t.rollout(List.of("hi", "yo", "a much longer prompt", "q"), 0);
        int[] which = {2, 0};
        float[] now = ro.batchOf(which).logProbs(t.policy()).data();
        float[] old = ro.gather(ro.logp, which);
        assertArrayEquals(old, now, 1e-5f);
        // and the reference equals the policy before any update: no KL yet
        assertEquals(0, ro.klPerAnswer(), 1e-5);
    }

    @Test
    void oneIterationGivesFiniteMetrics() {
        PpoTrainer t = trainer(config(1, 1e-3, 0.02, 0), 9);
        Map<String, Object> m = t.iteration(0);
        for (String k : new ArrayList<>(m.keySet())) {
            Object v = m.get(k);
            if (v instanceof Double d) assertTrue(Double.isFinite(d) || k.equals("explained_variance"), k + " = " + d);
        }
    }
}

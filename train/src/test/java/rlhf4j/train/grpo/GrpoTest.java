package rlhf4j.train.grpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.train.dpo.DpoTest;
import rlhf4j.train.loop.LoopConfig;
import rlhf4j.train.loop.MetricsLog;
import rlhf4j.train.loop.Trainer;
import rlhf4j.train.rl.AnswerLogProbs;

class GrpoTest {
    static final List<String> PROMPTS = List.of("say a", "say b", "say c", "say d");

    /** Toy reward: the share of the answer's characters that are 'a'. */
    static final GrpoStage.Rewarder SAY_A = (ps, as) -> {
        float[] r = new float[as.size()];
        for (int i = 0; i < r.length; i++) {
            String a = as.get(i);
            long n = a.chars().filter(ch -> ch == 'a').count();
            r[i] = a.isEmpty() ? 0 : (float) n / a.length();
        }
        return r;
    };

    static GrpoStage.Settings settings(int updates, float kl) {
        return new GrpoStage.Settings(2, 4, 6, 1.0f, 0, 0.2f, kl, true, updates);
    }

    static LoopConfig loop(long steps, double lr) {
        return new LoopConfig(steps, 1, lr, 1.0, 0, "constant", 0.0, 0.9, 0.95, 1.0, 0, 0, 0, 1, 3, 11, 2);
    }

    @Test
    void advantagesOfASmallGroupByHand() {
        float[] r = {1, 0, 0, 1, 0.5f, 0.5f, 0.5f, 0.5f};
        // group 1: mean 0.5, sample std sqrt((4 · 0.25) / 3) = 0.57735; group 2: all equal → 0
        float[] a = GroupAdvantages.of(r, 4, true);
        double s = Math.sqrt(1.0 / 3) + GroupAdvantages.EPS;
        assertThat((double) a[0]).isCloseTo(0.5 / s, within(1e-6));
        assertThat((double) a[1]).isCloseTo(-0.5 / s, within(1e-6));
        assertThat(a[3]).isEqualTo(a[0]);
        for (int i = 4; i < 8; i++) assertThat(a[i]).isZero();
        float[] c = GroupAdvantages.of(new float[] {3, 1, 2}, 3, false);
        assertThat(c).containsExactly(1f, -1f, 0f);
    }

    /** P(first answer token is 'a') under the model, for a prompt. */
    static double probA(Transformer m, Tokenizer tok, String prompt) {
        int[] ids = new ChatTemplate(tok).renderPrompt(List.of(new ChatTemplate.Message("user", prompt)));
        AnswerLogProbs.Batch b = AnswerLogProbs.batch(List.of(AnswerLogProbs.Row.of(ids, new int[] {'a'})));
        return Math.exp(AnswerLogProbs.noGrad(() -> AnswerLogProbs.sequenceLogProbs(m, b).item()));
    }

    @Test
    void policyGradientMovesTowardTheRewardedToken(@TempDir Path tmp) {
        Tokenizer tok = DpoTest.tokenizer();
        Transformer policy = DpoTest.model(5);
        double before = 0;
        for (String p : PROMPTS) before += probA(policy, tok, p);
        GrpoStage stage = new GrpoStage(policy, policy.copy(), tok, PROMPTS, SAY_A, null, settings(1, 0.0f), 3, null);
        // the sign of one loss on a hand-made rollout: raising π of a positive-advantage token lowers the loss
        new Trainer(stage, loop(30, 1e-2), tmp).run(false);
        double after = 0;
        for (String p : PROMPTS) after += probA(policy, tok, p);
        assertThat(after).as("P('a') summed over prompts, before %.4f", before).isGreaterThan(2 * before);
        List<JsonNode> rows = MetricsLog.read(tmp.resolve("metrics.jsonl"));
        assertThat(rows.get(29).has("reward_mean") && rows.get(29).has("clip_fraction") && rows.get(29).has("kl")).isTrue();
    }

    @Test
    void lossGradientHasTheSignOfTheAdvantage() {
        // one row, one answer token, ratio 1: d(loss)/d(log π) = −A / |o| (the clip is inactive at ρ = 1)
        Tokenizer tok = DpoTest.tokenizer();
        Transformer policy = DpoTest.model(5);
        GrpoStage stage = new GrpoStage(policy, null, tok, PROMPTS, SAY_A, null, settings(1, 0f), 3, null);
        AnswerLogProbs.Batch b = AnswerLogProbs.batch(List.of(AnswerLogProbs.Row.of(new int[] {1, 2}, new int[] {3})));
        for (float adv : new float[] {0.7f, -0.7f}) {
            float[] old = {-2f, 0f}, advs = {adv, adv}, w = {1f, 0f};
            GrpoStage.Rollout ro = new GrpoStage.Rollout(b, old, null, advs, w);
            Tensor lp = Tensor.param("lp", 2);
            lp.data()[0] = -2f;
            try (Tape tape = Tape.record()) {
                Tensor loss = stage.loss(lp, ro, 0.2f, 0f);
                assertThat(loss.item()).isCloseTo(-adv, within(1e-6f));
                tape.backward(loss, new float[] {1f});
            }
            assertThat(lp.grad()[0]).isCloseTo(-adv, within(1e-5f));
        }
    }

    @Test
    void resumingMidRolloutGivesTheSameLossesAndWeightsAsOneRun(@TempDir Path tmp) throws Exception {
        Tokenizer tok = DpoTest.tokenizer();
        Path straight = Files.createDirectories(tmp.resolve("straight")), resumed = Files.createDirectories(tmp.resolve("resumed"));
        Transformer a = DpoTest.model(5);
        new Trainer(new GrpoStage(a, a.copy(), tok, PROMPTS, SAY_A, null, settings(2, 0.05f), 3, null), loop(6, 3e-3), straight).run(false);
        Transformer b = DpoTest.model(5);
        // 3 steps with 2 updates per rollout: the checkpoint falls in the middle of the second rollout
        new Trainer(new GrpoStage(b, b.copy(), tok, PROMPTS, SAY_A, null, settings(2, 0.05f), 3, null), loop(3, 3e-3), resumed).run(false);
        Transformer c = DpoTest.model(5);
        new Trainer(new GrpoStage(c, c.copy(), tok, PROMPTS, SAY_A, null, settings(2, 0.05f), 3, null), loop(6, 3e-3), resumed).run(true);
        Map<Long, Double> x = DpoTest.losses(straight), y = DpoTest.losses(resumed);
        assertThat(y).isEqualTo(x).hasSize(6);
        Transformer p = ModelIO.load(straight), q = ModelIO.load(resumed);
        p.namedParameters().forEach((name, t) -> assertThat(q.parameter(name).data()).as(name).isEqualTo(t.data()));
    }
}

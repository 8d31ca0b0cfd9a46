package rlhf4j.train.grpo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import rlhf4j.model.Transformer;
import rlhf4j.model.generate.Generation;
import rlhf4j.model.generate.GenerationConfig;
import rlhf4j.model.generate.Generator;
import rlhf4j.model.generate.SamplingParams;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.train.eval.ChatEval;
import rlhf4j.train.loop.Stage;
import rlhf4j.train.rl.AnswerLogProbs;
import rlhf4j.train.rl.AnswerLogProbs.Row;

/**
 * Group-relative policy optimization (Shao et al. 2024, DeepSeekMath) as a stage of the one loop.
 * A rollout samples G answers to each of P prompts from the current policy, scores them, and turns
 * rewards into group-relative advantages ({@link GroupAdvantages}); the log-probs the answers had
 * when sampled ("old") and under the frozen reference are kept. Each micro-step then minimises,
 * per answer token, {@code −min(ρ·A, clip(ρ, 1−ε, 1+ε)·A) + β_KL·k3} with ρ = π/π_old and
 * k3 = π_ref/π − log(π_ref/π) − 1, averaged over each answer's tokens and then over answers. A
 * rollout is reused for {@code updatesPerBatch} micro-steps; the unused part of it is saved with
 * the checkpoint, so a resumed run continues bit-exactly.
 */
public final class GrpoStage implements Stage {
    /** Scores answers: rewards[i] for (prompts[i], answers[i]). */
    public interface Rewarder {
        float[] score(List<String> prompts, List<String> answers);
    }

    /** Settings of the objective and the sampling. */
    public record Settings(int promptsPerStep, int group, int maxNew, float temperature, int topK, float clip, float klCoef,
                           boolean scaleByStd, int updatesPerBatch) {
    }

    /** One rollout, ready to train on: [B·T] arrays laid out as the padded batch. */
    record Rollout(AnswerLogProbs.Batch batch, float[] old, float[] ref, float[] adv, float[] weights) {
    }

    private final Transformer policy, reference;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final List<String> prompts;
    private final Rewarder reward, gold;
    private final Settings s;
    private final long seed;
    private final ChatEval chatEval;
    private int[] order;
    private long epoch, iteration;
    private int cursor, uses, lastTokens;
    private Rollout current;
    private ChatEval.Result lastChat;
    private long rolloutForwards;
    // metrics since the last log line
    private double sumReward, sumGold, sumLen, sumKl, sumClip, genSeconds, trainSeconds;
    private int nAnswers, nGold, nSteps;

    /**
     * @param reference frozen copy of the starting policy (null when klCoef is 0)
     * @param gold      the gold judge as a metric (may be the same as reward, or null)
     */
    public GrpoStage(Transformer policy, Transformer reference, Tokenizer tokenizer, List<String> prompts, Rewarder reward,
                     Rewarder gold, Settings settings, long seed, ChatEval chatEval) {
        if (prompts.isEmpty()) throw new IllegalArgumentException("no RL prompts");
        if (settings.group() < 2) throw new IllegalArgumentException("grpo needs at least 2 answers per prompt, got " + settings.group());
        if (settings.klCoef() > 0 && reference == null) throw new IllegalArgumentException("klCoef > 0 needs a reference model");
        this.policy = policy;
        this.reference = reference;
        this.tokenizer = tokenizer;
        this.template = new ChatTemplate(tokenizer);
        this.prompts = prompts;
        this.reward = reward;
        this.gold = gold;
        this.s = settings;
        this.seed = seed;
        this.chatEval = chatEval;
        shuffle();
    }

    @Override
    public String name() {
        return "grpo";
    }

    @Override
    public Transformer model() {
        return policy;
    }

    @Override
    public List<Tensor> trainable() {
        return policy.trainable();
    }

    /** Samples, scores and prepares the next rollout from the current policy (no tape). */
    Rollout rollout() {
        long t0 = System.nanoTime();
        List<String> batchPrompts = new ArrayList<>();
        for (int i = 0; i < s.promptsPerStep(); i++) {
            if (cursor == order.length) {
                epoch++;
                shuffle();
            }
            batchPrompts.add(prompts.get(order[cursor++]));
        }
        int n = batchPrompts.size() * s.group();
        int[][] rows = new int[n][];
        long[] seeds = new long[n];
        List<String> rowPrompts = new ArrayList<>(n);
        int longest = 0;
        for (int i = 0; i < n; i++) {
            String p = batchPrompts.get(i / s.group());
            rows[i] = template.renderPrompt(List.of(new ChatTemplate.Message("user", p)));
            longest = Math.max(longest, rows[i].length);
            seeds[i] = (seed * 1_000_003L + iteration) * 65_537L + i;
            rowPrompts.add(p);
        }
        int budget = Math.max(1, Math.min(s.maxNew(), policy.config().maxSeqLen() - longest));
        SamplingParams params = SamplingParams.temperature(s.temperature(), seed).withTopK(s.topK());
        Generation[] gen = AnswerLogProbs.noGrad(() -> new Generator(policy).generate(rows,
                GenerationConfig.of(budget, params).withStopTokens(Set.of(template.endId())).withRowSeeds(seeds)));
        List<Row> seqs = new ArrayList<>(n);
        List<String> answers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] toks = gen[i].tokens();
            int[] ans = gen[i].stopped() ? Arrays.copyOf(toks, toks.length + 1) : toks;
            if (gen[i].stopped()) ans[toks.length] = template.endId();
            seqs.add(Row.of(rows[i], ans));
            answers.add(decode(toks));
            sumLen += ans.length;
        }
        float[] r = reward.score(rowPrompts, answers);
        for (float x : r) sumReward += x;
        nAnswers += n;
        if (gold != null) {
            for (float x : gold == reward ? r : gold.score(rowPrompts, answers)) sumGold += x;
            nGold += n;
        }
        float[] a = GroupAdvantages.of(r, s.group(), s.scaleByStd());
        AnswerLogProbs.Batch b = AnswerLogProbs.batch(seqs);
        float[] old = AnswerLogProbs.noGrad(() -> AnswerLogProbs.tokenLogProbs(policy, b).data().clone());
        float[] ref = s.klCoef() > 0 ? AnswerLogProbs.noGrad(() -> AnswerLogProbs.tokenLogProbs(reference, b).data().clone()) : null;
        rolloutForwards++;
        int t = b.seqLen();
        float[] adv = new float[n * t], weights = new float[n * t];
        for (int i = 0; i < n; i++) {
            int len = seqs.get(i).answerTokens();
            for (int p = 0; p < t; p++) {
                adv[i * t + p] = a[i];
                // each answer's tokens weigh 1/|o_i| in all: the per-answer mean of DeepSeekMath's objective
                if (b.mask()[i * t + p] > 0) weights[i * t + p] = 1f / len;
            }
        }
        iteration++;
        genSeconds += (System.nanoTime() - t0) / 1e9;
        return new Rollout(b, old, ref, adv, weights);
    }

    private String decode(int[] tokens) {
        int end = 0;
        while (end < tokens.length && !tokenizer.isSpecial(tokens[end])) end++;
        return tokenizer.decode(Arrays.copyOf(tokens, end)).strip();
    }

    @Override
    public float microStep(Tape tape, float scale) {
        if (current == null || uses >= s.updatesPerBatch()) {
            current = rollout();
            uses = 0;
        }
        long t0 = System.nanoTime();
        uses++;
        Rollout ro = current;
        AnswerLogProbs.Batch b = ro.batch();
        int bt = b.rows() * b.seqLen();
        lastTokens = b.tokens();
        Tensor loss = loss(AnswerLogProbs.tokenLogProbs(policy, b).reshape(bt), ro, s.clip(), s.klCoef());
        float value = loss.item();
        if (Float.isFinite(value)) tape.backward(loss, new float[] {scale});
        trainSeconds += (System.nanoTime() - t0) / 1e9;
        nSteps++;
        return value;
    }

    /** The GRPO objective of one rollout given the policy's per-token log-probs lp [B·T]; adds KL and clip stats. */
    Tensor loss(Tensor lp, Rollout ro, float clip, float klCoef) {
        int bt = lp.size();
        Tensor ratio = Ops.exp(Ops.sub(lp, Tensor.of(ro.old().clone(), bt)));
        Tensor adv = Tensor.of(ro.adv().clone(), bt);
        Tensor surrogate = Ops.minimum(Ops.mul(ratio, adv), Ops.mul(Ops.clamp(ratio, 1 - clip, 1 + clip), adv));
        Tensor perToken = Ops.neg(surrogate);
        float[] rho = ratio.data(), m = ro.batch().mask(), av = ro.adv();
        double clipped = 0, tokens = 0, kl = 0;
        for (int i = 0; i < bt; i++) {
            if (m[i] == 0) continue;
            tokens++;
            if ((av[i] > 0 && rho[i] > 1 + clip) || (av[i] < 0 && rho[i] < 1 - clip)) clipped++;
        }
        if (klCoef > 0) {
            Tensor d = Ops.sub(Tensor.of(ro.ref().clone(), bt), lp);         // log π_ref − log π
            Tensor k3 = Ops.addScalar(Ops.sub(Ops.exp(d), d), -1f);          // ≥ 0, unbiased for KL(π‖π_ref)
            for (int i = 0; i < bt; i++) if (m[i] > 0) kl += k3.data()[i];
            perToken = Ops.add(perToken, Ops.scale(k3, klCoef));
        }
        sumClip += clipped / Math.max(1, tokens);
        sumKl += kl / Math.max(1, tokens);
        return Ops.maskedMean(perToken, ro.weights());
    }

    @Override
    public Map<String, Double> trainMetrics() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (nSteps == 0) return out;
        if (nAnswers > 0) {
            out.put("reward_mean", sumReward / nAnswers);
            out.put("answer_length", sumLen / nAnswers);
        }
        if (nGold > 0) out.put("gold_score", sumGold / nGold);
        out.put("kl", sumKl / nSteps);
        out.put("clip_fraction", sumClip / nSteps);
        out.put("generate_s", genSeconds);
        out.put("train_s", trainSeconds);
        sumReward = sumGold = sumLen = sumKl = sumClip = genSeconds = trainSeconds = 0;
        nAnswers = nGold = nSteps = 0;
        return out;
    }

    @Override
    public int tokensPerMicroStep() {
        return lastTokens;
    }

    /** Rollouts sampled so far. */
    public long rollouts() {
        return rolloutForwards;
    }

    @Override
    public Map<String, Double> evaluate() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (chatEval != null) {
            lastChat = chatEval.run(policy);
            out.putAll(lastChat.metrics());
        }
        return out;
    }

    public ChatEval.Result lastChatEval() {
        return lastChat;
    }

    @Override
    public List<String> samples(long step) {
        if (lastChat == null) return List.of();
        List<String> out = new ArrayList<>();
        for (String[] qa : lastChat.greedy().examples().subList(0, Math.min(3, lastChat.greedy().examples().size()))) {
            out.add(qa[0] + " → " + qa[1]);
        }
        return out;
    }

    private void shuffle() {
        order = new Rng(seed * 1_000_003L + epoch).permutation(prompts.size());
        cursor = 0;
    }

    @Override
    public JsonNode saveState() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("epoch", epoch);
        o.put("cursor", cursor);
        o.put("iteration", iteration);
        o.put("uses", uses);
        if (current != null && uses < s.updatesPerBatch()) {
            // the rollout still has updates to give: keep it exactly (floats as their bits)
            ObjectNode r = o.putObject("rollout");
            AnswerLogProbs.Batch b = current.batch();
            r.put("rows", b.rows());
            r.put("seq_len", b.seqLen());
            ints(r.putArray("ids"), b.ids());
            ints(r.putArray("segments"), b.segments());
            ints(r.putArray("targets"), b.targets());
            floats(r.putArray("mask"), b.mask());
            floats(r.putArray("old"), current.old());
            if (current.ref() != null) floats(r.putArray("ref"), current.ref());
            floats(r.putArray("adv"), current.adv());
            floats(r.putArray("weights"), current.weights());
        }
        return o;
    }

    @Override
    public void restoreState(JsonNode state) {
        if (!state.has("epoch") || !state.has("cursor") || !state.has("iteration")) throw new IllegalArgumentException(
                "trainer_state.json has no epoch/cursor/iteration for the GRPO prompt order");
        epoch = state.get("epoch").asLong();
        shuffle();
        cursor = state.get("cursor").asInt();
        iteration = state.get("iteration").asLong();
        uses = state.path("uses").asInt();
        current = null;
        JsonNode r = state.get("rollout");
        if (r != null) {
            AnswerLogProbs.Batch b = new AnswerLogProbs.Batch(r.get("rows").asInt(), r.get("seq_len").asInt(), ints(r.get("ids")),
                    ints(r.get("segments")), ints(r.get("targets")), floats(r.get("mask")));
            current = new Rollout(b, floats(r.get("old")), r.has("ref") ? floats(r.get("ref")) : null, floats(r.get("adv")),
                    floats(r.get("weights")));
        }
    }

    private static void ints(ArrayNode a, int[] v) {
        for (int x : v) a.add(x);
    }

    private static void floats(ArrayNode a, float[] v) {
        for (float x : v) a.add(Float.floatToRawIntBits(x));
    }

    private static int[] ints(JsonNode a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = a.get(i).asInt();
        return v;
    }

    private static float[] floats(JsonNode a) {
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = Float.intBitsToFloat(a.get(i).asInt());
        return v;
    }
}

package rlhf4j.train.ppo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import rlhf4j.data.world.GoldJudge;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.model.generate.Generation;
import rlhf4j.model.generate.GenerationConfig;
import rlhf4j.model.generate.Generator;
import rlhf4j.model.generate.SamplingParams;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.train.eval.ChatEval;
import rlhf4j.train.loop.MetricsLog;
import rlhf4j.train.loop.ProgressLine;
import rlhf4j.train.loop.SignalStop;
import rlhf4j.train.optim.AdamW;
import rlhf4j.train.optim.GradClip;
import rlhf4j.train.optim.Grads;
import rlhf4j.train.pretrain.ShardWindows;
import rlhf4j.train.rl.AnswerBatch;

/**
 * PPO for RLHF with four models, as InstructGPT and DeepSpeed-Chat: the policy (trained), a frozen
 * reference copy of its starting weights, a frozen reward model (behind a {@link Rollout.Scorer})
 * and a value model (trained; a Transformer with a {@link ScalarHead} giving a value per answer
 * token). One iteration = sample answers to a batch of prompts with the KV-cache generator, score
 * them, compute per-token KL-penalized rewards and GAE advantages, then {@code epochs} passes of
 * minibatch updates of the clipped policy and value losses. Frozen models run without a tape.
 * The prompt order, the sampling seeds and the minibatch order are functions of (seed, iteration),
 * so a resumed run repeats exactly what the uninterrupted one would have done.
 */
public final class PpoTrainer {
    /** What a run ended with. */
    public record Outcome(int iterations, boolean interrupted, double seconds, Map<String, Double> finalEval) {
    }

    private final PpoConfig cfg;
    private final Transformer policy, reference, value;
    private final ScalarHead valueHead;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final List<String> prompts;
    private final Rollout.Scorer scorer;
    private final GoldJudge judge;
    private final ChatEval chatEval;
    private final List<Tensor> policyParams, valueParams;
    private final AdamW policyOpt, valueOpt;
    private final Set<Integer> stops = new HashSet<>();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final KlController kl;
    private final ShardWindows ptx;   // pretraining windows for PPO-ptx, or null
    private int[] order;
    private long epoch;
    private int cursor, bad;
    private double genSecondsTotal, trainSecondsTotal;

    public PpoTrainer(PpoConfig cfg, Transformer policy, Transformer value, ScalarHead valueHead, Tokenizer tokenizer,
                      List<String> prompts, Rollout.Scorer scorer, GoldJudge judge, ChatEval chatEval) {
        if (cfg.ppo().ptxCoef() < 0) throw new IllegalArgumentException("ppo.ptx_coef must be >= 0, got " + cfg.ppo().ptxCoef());
        if (cfg.ppo().ptxCoef() > 0 && cfg.data().ptx().isEmpty()) throw new IllegalArgumentException(
                "ppo.ptx_coef > 0 needs data.ptx: a folder of pretraining token shards (from `rlhf4j data prepare`)");
        if (prompts.isEmpty()) throw new IllegalArgumentException("no RL prompts");
        if (cfg.train().threads() > 0) Parallel.setThreads(cfg.train().threads());
        this.cfg = cfg;
        this.policy = policy;
        // frozen: the starting (SFT) weights, never given to an optimizer; a LoRA policy's reference is
        // its own frozen base without the adapters — the same storage, no second copy
        this.reference = policy.lora() != null ? policy.withoutAdapters() : policy.copy();
        this.value = value;
        this.valueHead = valueHead;
        this.tokenizer = tokenizer;
        this.template = new ChatTemplate(tokenizer);
        this.prompts = prompts;
        this.scorer = scorer;
        this.judge = judge;
        this.chatEval = chatEval;
        this.policyParams = policy.trainable();
        // the value model's LM head is never read: leave it out rather than decay it
        this.valueParams = new ArrayList<>();
        for (Tensor p : value.trainable()) if (p != value.lmHead() || value.config().tiedEmbeddings()) valueParams.add(p);
        valueParams.add(valueHead.weight());
        PpoConfig.Ppo p = cfg.ppo();
        this.policyOpt = new AdamW(policyParams, new AdamW.Hyper((float) p.policyLr(), 0.9f, 0.95f, 1e-8f, 0f));
        this.valueOpt = new AdamW(valueParams, new AdamW.Hyper((float) p.valueLr(), 0.9f, 0.95f, 1e-8f, 0f));
        // an answer ends at <|end|> or any other special token (only <|end|> counts as finished)
        for (int id = 0; id < tokenizer.vocabSize(); id++) if (tokenizer.isSpecial(id)) stops.add(id);
        this.kl = new KlController(cfg.kl().beta(), cfg.kl().target(), cfg.kl().horizon());
        this.ptx = cfg.ppo().ptxCoef() > 0 ? new ShardWindows(Path.of(cfg.data().ptx()), "train",
                Math.min(cfg.data().ptxSeqLen(), policy.config().maxSeqLen()), cfg.train().seed()) : null;
        if (ptx != null && ptx.vocabSize() > policy.config().vocabSize()) throw new IllegalArgumentException("data.ptx: the shards' vocabulary ("
                + ptx.vocabSize() + ") is larger than the policy's (" + policy.config().vocabSize() + "): tokenize them with the policy's tokenizer");
        shuffle();
    }

    public Transformer policy() {
        return policy;
    }

    public Transformer reference() {
        return reference;
    }

    public double beta() {
        return kl.beta();
    }

    public void requestStop() {
        stopRequested.set(true);
    }

    // ---- one iteration ----

    /** Samples, scores and learns from one batch of prompts; returns the iteration's metrics. */
    public Map<String, Object> iteration(int it) {
        long t0 = System.nanoTime();
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < cfg.rollout().prompts(); i++) {
            if (cursor == order.length) {
                epoch++;
                shuffle();
            }
            batch.add(prompts.get(order[cursor++]));
        }
        Rollout ro = rollout(batch, it);
        double genSeconds = (System.nanoTime() - t0) / 1e9;
        int generated = 0;
        for (int[] a : ro.answers) generated += a.length;

        long t1 = System.nanoTime();
        // minibatch shapes change every time; the tape's pool lets go of the lengths a step no longer asks for
        Update up = update(ro, it);
        double trainSeconds = (System.nanoTime() - t1) / 1e9;
        genSecondsTotal += genSeconds;
        trainSecondsTotal += trainSeconds;
        double klNow = ro.klPerAnswer();
        double betaUsed = kl.beta();
        kl.update(klNow, ro.size());

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rm_score", ro.mean(ro.scores));
        if (judge != null) {
            double gold = 0, correct = 0;
            for (int i = 0; i < ro.size(); i++) {
                GoldJudge.Score s = judge.score(ro.prompts.get(i), ro.texts.get(i));
                gold += s.total();
                correct += s.correct();
            }
            m.put("gold_score", gold / ro.size());
            m.put("gold_accuracy", correct / ro.size());
        }
        m.put("kl", klNow);
        m.put("kl_per_token", klNow * ro.size() / ro.tokens());
        m.put("beta", betaUsed);
        m.put("entropy", ro.mean(ro.entropy));
        m.put("clip_fraction", up.clipFraction);
        m.put("approx_kl", up.approxKl);
        m.put("policy_loss", up.policyLoss);
        m.put("value_loss", up.valueLoss);
        if (ptx != null) m.put("ptx_loss", up.ptxLoss);
        m.put("explained_variance", Gae.explainedVariance(ro.values, ro.returns));
        m.put("answer_length", (double) ro.tokens() / ro.size());
        int done = 0;
        for (boolean f : ro.finished) if (f) done++;
        m.put("finished_rate", (double) done / ro.size());
        m.put("gen_tokens_per_s", generated / genSeconds);
        m.put("train_tokens_per_s", up.tokens / trainSeconds);
        m.put("gen_seconds", genSeconds);
        m.put("train_seconds", trainSeconds);
        m.put("skipped_minibatches", up.skipped);
        return m;
    }

    /** Answers sampled from the policy, scored, with everything the update needs. */
    Rollout rollout(List<String> batch, int it) {
        int[][] ids = new int[batch.size()][];
        long[] seeds = new long[batch.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = template.renderPrompt(List.of(new ChatTemplate.Message("user", batch.get(i))));
            seeds[i] = cfg.train().seed() * 1_000_003L + (long) it * 65_537L + i;
        }
        PpoConfig.Rollout r = cfg.rollout();
        int longest = 0;
        for (int[] p : ids) longest = Math.max(longest, p.length);
        int maxNew = Math.max(1, Math.min(r.maxNew(), policy.config().maxSeqLen() - longest));
        // sampled at temperature 1 by default so that the answers come from π itself (the ratio's denominator)
        SamplingParams sampling = SamplingParams.temperature(r.temperature(), 0).withTopK(r.topK());
        Generation[] gens = new Generator(policy).generate(ids,
                GenerationConfig.of(maxNew, sampling).withStopTokens(stops).withRowSeeds(seeds));
        List<int[]> answers = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        boolean[] finished = new boolean[gens.length];
        for (int i = 0; i < gens.length; i++) {
            int[] t = gens[i].tokens();
            int[] a = gens[i].stopped() ? java.util.Arrays.copyOf(t, t.length + 1) : t;
            if (gens[i].stopped()) a[t.length] = gens[i].stopToken();
            answers.add(a);
            texts.add(tokenizer.decode(t).strip());
            finished[i] = gens[i].stopToken() == template.endId();
        }
        float[] scores = scorer.score(batch, texts, answers, finished);
        for (float s : scores) if (!Float.isFinite(s)) throw new IllegalStateException(
                "the reward model returned a non-finite score; check the reward run folder");
        return new Rollout(batch, List.of(ids), answers, texts, finished, scores, policy, reference, value, valueHead,
                kl.beta(), cfg.ppo().gamma(), cfg.ppo().lambda());
    }

    private record Update(double policyLoss, double valueLoss, double clipFraction, double approxKl, double ptxLoss, long tokens,
                          int skipped) {
    }

    /** Epochs over shuffled minibatches of the rollout: clipped policy loss + clipped value loss. */
    Update update(Rollout ro, int it) {
        PpoConfig.Ppo p = cfg.ppo();
        double pl = 0, vl = 0, cf = 0, ak = 0, xl = 0;
        int steps = 0, skipped = 0;
        long tokens = 0;
        int mb = Math.max(1, Math.min(p.minibatch(), ro.size()));
        for (int e = 0; e < p.epochs(); e++) {
            int[] perm = new Rng(cfg.train().seed() * 31L + it * 1_009L + e).permutation(ro.size());
            for (int from = 0; from < perm.length; from += mb) {
                int[] which = java.util.Arrays.copyOfRange(perm, from, Math.min(perm.length, from + mb));
                AnswerBatch b = ro.batchOf(which);
                float[] oldLogp = ro.gather(ro.logp, which), adv = ro.gather(ro.advantages, which);
                float[] oldV = ro.gather(ro.values, which), ret = ro.gather(ro.returns, which);
                float[] mask = new float[oldLogp.length];
                java.util.Arrays.fill(mask, 1f);
                Grads.zeroGrads(policyParams);
                Grads.zeroGrads(valueParams);
                float policyLoss, valueLoss, ptxLoss = 0;
                boolean finite;
                PpoLoss.Stats stats;
                try (Tape tape = Tape.record()) {
                    Tensor logp = b.logProbs(policy);                               // [n]
                    Tensor pLoss = PpoLoss.policy(logp, oldLogp, adv, mask, p.clip());
                    Tensor v = valueHead.values(b.answerHidden(value)).reshape(b.count()); // [n]
                    Tensor vLoss = PpoLoss.value(v, oldV, ret, mask, p.valueClip());
                    policyLoss = pLoss.item();
                    valueLoss = vLoss.item();
                    stats = PpoLoss.stats(logp.data(), oldLogp, mask, p.clip());
                    // the two losses touch disjoint parameters: one backward serves both models
                    Tensor total = Ops.add(pLoss, vLoss);
                    if (ptx != null) {
                        // PPO-ptx: next-token loss on pretraining windows, drawn by (iteration, epoch, minibatch)
                        int n = which.length, t = ptx.seqLen();
                        int[] ids = new int[n * t], targets = new int[n * t];
                        ptx.seeded(cfg.train().seed() * 1_000_003L + it * 10_007L + e * 101L + from, ids, targets, n);
                        Tensor lm = policy.loss(ids, targets, n, t, null, -1);
                        ptxLoss = lm.item();
                        total = Ops.add(total, Ops.scale(lm, (float) p.ptxCoef()));
                    }
                    finite = Float.isFinite(policyLoss) && Float.isFinite(valueLoss) && Float.isFinite(ptxLoss);
                    if (finite) tape.backward(total);
                }
                double gp = Double.NaN, gv = Double.NaN;
                if (finite) {
                    gp = p.gradClip() > 0 ? GradClip.clip(policyParams, p.gradClip()) : GradClip.globalNorm(policyParams);
                    gv = p.gradClip() > 0 ? GradClip.clip(valueParams, p.gradClip()) : GradClip.globalNorm(valueParams);
                }
                if (!Double.isFinite(gp) || !Double.isFinite(gv)) {
                    skipped++;
                    if (++bad > cfg.train().maxBadSteps()) throw new IllegalStateException("ppo: " + bad
                            + " non-finite minibatches in a row (policy loss " + policyLoss + ", value loss " + valueLoss
                            + "); stopping — lower ppo.policy_lr / ppo.value_lr");
                    continue;
                }
                bad = 0;
                if (it >= p.valueWarmup()) policyOpt.step();
                valueOpt.step();
                pl += policyLoss;
                vl += valueLoss;
                xl += ptxLoss;
                cf += stats.clipFraction();
                ak += stats.approxKl();
                steps++;
                tokens += 2L * b.tokens(); // policy and value forward+backward
            }
        }
        int s = Math.max(1, steps);
        return new Update(pl / s, vl / s, cf / s, ak / s, xl / s, tokens, skipped);
    }

    private void shuffle() {
        order = new Rng(cfg.train().seed() * 1_000_003L + epoch).permutation(prompts.size());
        cursor = 0;
    }

    // ---- evaluation ----

    /** The gold judge on the held-out questions (greedy and sampled), or empty without a world. */
    public Map<String, Double> evaluate() {
        return chatEval == null ? Map.of() : chatEval.run(policy).detailed();
    }

    // ---- the loop ----

    /** Runs the configured iterations in {@code runDir} (metrics.jsonl, checkpoints), from its checkpoint on resume. */
    public Outcome run(Path runDir, boolean resume) {
        int start = 0;
        try {
            java.nio.file.Files.createDirectories(runDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + runDir, e);
        }
        if (resume && PpoCheckpoint.exists(runDir)) {
            start = PpoCheckpoint.load(runDir, this);
            System.err.printf("ppo: resuming at iteration %d of %d%n", start, cfg.train().iterations());
        }
        int total = cfg.train().iterations();
        long t0 = System.nanoTime();
        ProgressLine progress = new ProgressLine("ppo", start, total);
        boolean interrupted = false;
        int done = start;
        try (MetricsLog metrics = new MetricsLog(runDir.resolve("metrics.jsonl"), resume ? start : -1);
             SignalStop signals = SignalStop.install(this::requestStop)) {
            if (start == 0 && chatEval != null) metrics.log(0, evaluate());
            for (int it = start; it < total; it++) {
                Map<String, Object> row = iteration(it);
                done = it + 1;
                row.put("gen_seconds_total", genSecondsTotal);
                row.put("train_seconds_total", trainSecondsTotal);
                metrics.log(done, row);
                progress.update(done, String.format("rm %.3f | gold %s | kl %.3f | ent %.3f | clip %.3f | vf %.3f | gen %.0f%%",
                        (double) row.get("rm_score"), row.containsKey("gold_score") ? String.format("%.3f", (double) row.get("gold_score")) : "-",
                        (double) row.get("kl"), (double) row.get("entropy"), (double) row.get("clip_fraction"),
                        (double) row.get("value_loss"), 100 * genSecondsTotal / Math.max(1e-9, genSecondsTotal + trainSecondsTotal)));
                int every = cfg.eval().every();
                if (chatEval != null && every > 0 && done % every == 0 && done < total) {
                    Map<String, Double> eval = evaluate();
                    metrics.log(done, eval);
                    progress.note("ppo iteration " + done + ": greedy_score " + fmt(eval.get("greedy_score"))
                            + ", sampled_score " + fmt(eval.get("sampled_score")));
                }
                boolean stop = stopRequested.get();
                int ce = cfg.train().checkpointEvery();
                if (stop || (ce > 0 && done % ce == 0) || done == total) PpoCheckpoint.save(runDir, this, done);
                if (stop) {
                    progress.note("ppo: stopped at iteration " + done + "; checkpoint saved — run again with --resume to continue");
                    interrupted = true;
                    break;
                }
            }
            Map<String, Double> finalEval = interrupted ? Map.of() : evaluate();
            if (!interrupted && !finalEval.isEmpty()) metrics.log(total, finalEval);
            return new Outcome(done, interrupted, (System.nanoTime() - t0) / 1e9, finalEval);
        }
    }

    static String fmt(Double d) {
        return d == null ? "-" : String.format("%.4f", d);
    }

    // ---- state for checkpoints ----

    Transformer value() {
        return value;
    }

    ScalarHead valueHead() {
        return valueHead;
    }

    AdamW policyOptimizer() {
        return policyOpt;
    }

    AdamW valueOptimizer() {
        return valueOpt;
    }

    JsonNode saveState() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("epoch", epoch);
        o.put("cursor", cursor);
        o.put("beta", kl.beta());
        o.put("bad", bad);
        o.put("gen_seconds_total", genSecondsTotal);
        o.put("train_seconds_total", trainSecondsTotal);
        return o;
    }

    void restoreState(JsonNode s) {
        if (!s.has("epoch") || !s.has("cursor") || !s.has("beta")) throw new IllegalArgumentException(
                "trainer_state.json has no PPO state (epoch, cursor, beta); is this a ppo run folder?");
        epoch = s.get("epoch").asLong();
        shuffle();
        cursor = s.get("cursor").asInt();
        kl.set(s.get("beta").asDouble());
        bad = s.path("bad").asInt();
        genSecondsTotal = s.path("gen_seconds_total").asDouble();
        trainSecondsTotal = s.path("train_seconds_total").asDouble();
    }
}

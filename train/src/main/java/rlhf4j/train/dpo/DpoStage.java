package rlhf4j.train.dpo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import rlhf4j.data.preference.Comparison;
import rlhf4j.model.Transformer;
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
 * Direct Preference Optimization as a stage of the one training loop. Comparisons are expanded to
 * (chosen, rejected) pairs (K-wise: every pair of answers in different tiers; ties give none).
 * The reference model's sequence log-probs of every answer are computed ONCE, when the stage is
 * built from the starting weights, and cached; a micro-batch forwards its chosen and rejected
 * answers together through the policy only. The data order is a seeded shuffle per epoch, so the
 * state to resume is (epoch, cursor).
 */
public final class DpoStage implements Stage {
    /** One preference pair, rendered: prompt + chosen answer, prompt + rejected answer. */
    public record Pair(Row chosen, Row rejected) {
    }

    private final Transformer policy;
    private final List<Pair> train, val;
    private final float[] refChosen, refRejected, valRefChosen, valRefRejected;
    private final float beta, sftCoef;
    private final int pairsPerBatch;
    private final long seed;
    private final ChatEval chatEval;
    private long referenceForwards;
    private int[] order;
    private long epoch;
    private int cursor, lastTokens;
    private ChatEval.Result lastChat;
    // training metrics since the last log line
    private double sumMargin, sumAcc, sumChosen, sumRejected;
    private int nPairs;

    /**
     * @param policy    the model to train, holding the starting (reference) weights when this is called
     * @param reference the frozen reference; may be {@code policy} itself, since it is only read here
     */
    public DpoStage(Transformer policy, Transformer reference, List<Pair> train, List<Pair> val, float beta, int pairsPerBatch,
                    long seed, ChatEval chatEval) {
        this(policy, reference, train, val, beta, 0f, pairsPerBatch, seed, chatEval);
    }

    /** @param sftCoef weight of the chosen answers' per-token NLL ({@link DpoLoss#chosenNll}); 0: plain DPO */
    public DpoStage(Transformer policy, Transformer reference, List<Pair> train, List<Pair> val, float beta, float sftCoef,
                    int pairsPerBatch, long seed, ChatEval chatEval) {
        if (train.isEmpty()) throw new IllegalArgumentException("no training pair: every comparison was tied or had one answer");
        this.policy = policy;
        this.train = train;
        this.val = val;
        this.beta = beta;
        this.sftCoef = sftCoef;
        this.pairsPerBatch = Math.max(1, pairsPerBatch);
        this.seed = seed;
        this.chatEval = chatEval;
        this.refChosen = new float[train.size()];
        this.refRejected = new float[train.size()];
        this.valRefChosen = new float[val.size()];
        this.valRefRejected = new float[val.size()];
        referenceLogProbs(reference, train, refChosen, refRejected);
        referenceLogProbs(reference, val, valRefChosen, valRefRejected);
        shuffle();
    }

    /** Pairs of a comparison file, rendered with the chat template; a prompt longer than maxLen gives none. */
    public static List<Pair> pairs(List<Comparison> comparisons, Tokenizer tokenizer, int maxLen) {
        ChatTemplate template = new ChatTemplate(tokenizer);
        List<Pair> out = new ArrayList<>();
        for (Comparison c : comparisons) {
            List<Row> rows = new ArrayList<>();
            for (String r : c.responses()) rows.add(render(template, c.prompt(), r, maxLen));
            for (int[] p : c.pairs()) {
                Row w = rows.get(p[0]), l = rows.get(p[1]);
                if (w == null || l == null) continue;
                out.add(new Pair(w, l));
            }
        }
        return out;
    }

    private static Row render(ChatTemplate template, String prompt, String answer, int maxLen) {
        ChatTemplate.Rendered r = template.render(List.of(new ChatTemplate.Message("user", prompt),
                new ChatTemplate.Message("assistant", answer)));
        int n = Math.min(maxLen, r.ids().length);
        boolean any = false;
        for (int i = 1; i < n; i++) any |= r.lossMask()[i];
        if (!any) return null;
        return new Row(java.util.Arrays.copyOf(r.ids(), n), java.util.Arrays.copyOf(r.lossMask(), n));
    }

    // A K-wise comparison expands to K(K-1)/2 pairs over only K answers, and its pairs share the
    // rendered Row objects: each distinct answer is forwarded once (K = 8: 8 forwards, not 56).
    // A row's log-prob depends on its batch only through the padded length, which can change its
    // last bits (the start margins measured 5e-9 instead of 0): harmless to training.
    private void referenceLogProbs(Transformer reference, List<Pair> pairs, float[] chosen, float[] rejected) {
        Map<Row, Integer> index = new IdentityHashMap<>();
        List<Row> rows = new ArrayList<>();
        for (Pair p : pairs) {
            for (Row r : new Row[] {p.chosen(), p.rejected()}) {
                if (index.putIfAbsent(r, rows.size()) == null) rows.add(r);
            }
        }
        float[] logProbs = new float[rows.size()];
        int rowsPerBatch = 2 * pairsPerBatch;
        for (int from = 0; from < rows.size(); from += rowsPerBatch) {
            int to = Math.min(rows.size(), from + rowsPerBatch);
            AnswerLogProbs.Batch b = AnswerLogProbs.batch(rows.subList(from, to));
            float[] lp = AnswerLogProbs.noGrad(() -> AnswerLogProbs.sequenceLogProbs(reference, b).data().clone());
            referenceForwards++;
            System.arraycopy(lp, 0, logProbs, from, to - from);
        }
        for (int i = 0; i < pairs.size(); i++) {
            chosen[i] = logProbs[index.get(pairs.get(i).chosen())];
            rejected[i] = logProbs[index.get(pairs.get(i).rejected())];
        }
    }

    /** Chosen rows first, then rejected rows, one padded batch. */
    private static AnswerLogProbs.Batch batchOf(List<Pair> pairs) {
        List<Row> rows = new ArrayList<>(2 * pairs.size());
        for (Pair p : pairs) rows.add(p.chosen());
        for (Pair p : pairs) rows.add(p.rejected());
        return AnswerLogProbs.batch(rows);
    }

    /** Reference forwards so far (tests check they all happen at construction). */
    public long referenceForwards() {
        return referenceForwards;
    }

    public int trainPairs() {
        return train.size();
    }

    public int valPairs() {
        return val.size();
    }

    @Override
    public String name() {
        return "dpo";
    }

    @Override
    public Transformer model() {
        return policy;
    }

    @Override
    public List<Tensor> trainable() {
        return policy.trainable();
    }

    @Override
    public float microStep(Tape tape, float scale) {
        List<Pair> batch = new ArrayList<>(pairsPerBatch);
        int[] idx = new int[pairsPerBatch];
        for (int i = 0; i < pairsPerBatch; i++) {
            if (cursor == order.length) {
                epoch++;
                shuffle();
            }
            idx[i] = order[cursor++];
            batch.add(train.get(idx[i]));
        }
        float[] rc = new float[pairsPerBatch], rr = new float[pairsPerBatch], margins = new float[pairsPerBatch];
        for (int i = 0; i < pairsPerBatch; i++) {
            rc[i] = refChosen[idx[i]];
            rr[i] = refRejected[idx[i]];
        }
        AnswerLogProbs.Batch b = batchOf(batch);
        lastTokens = b.tokens();
        Tensor[] lp = Ops.split(AnswerLogProbs.sequenceLogProbs(policy, b), pairsPerBatch, pairsPerBatch);
        Tensor loss = DpoLoss.loss(lp[0], lp[1], rc, rr, beta, margins);
        if (sftCoef != 0) {
            int[] chosenTokens = new int[pairsPerBatch];
            for (int i = 0; i < pairsPerBatch; i++) chosenTokens[i] = batch.get(i).chosen().answerTokens();
            loss = Ops.add(loss, DpoLoss.chosenNll(lp[0], chosenTokens, sftCoef));
        }
        float value = loss.item();
        if (!Float.isFinite(value)) return value;
        for (int i = 0; i < pairsPerBatch; i++) {
            sumMargin += margins[i];
            sumAcc += margins[i] > 0 ? 1 : 0;
            sumChosen += beta * (lp[0].data()[i] - rc[i]);
            sumRejected += beta * (lp[1].data()[i] - rr[i]);
        }
        nPairs += pairsPerBatch;
        tape.backward(loss, new float[] {scale});
        return value;
    }

    @Override
    public Map<String, Double> trainMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (nPairs == 0) return m;
        m.put("reward_margin", sumMargin / nPairs);
        m.put("reward_accuracy", sumAcc / nPairs);
        m.put("reward_chosen", sumChosen / nPairs);
        m.put("reward_rejected", sumRejected / nPairs);
        sumMargin = sumAcc = sumChosen = sumRejected = 0;
        nPairs = 0;
        return m;
    }

    @Override
    public int tokensPerMicroStep() {
        return lastTokens;
    }

    /** Loss, accuracy and margins on the held-out pairs (no tape). */
    public Map<String, Double> heldOut() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (val.isEmpty()) return m;
        double loss = 0, acc = 0, margin = 0, chosen = 0, rejected = 0;
        for (int from = 0; from < val.size(); from += pairsPerBatch) {
            int to = Math.min(val.size(), from + pairsPerBatch), p = to - from;
            List<Pair> part = val.subList(from, to);
            float[] lp = AnswerLogProbs.noGrad(() -> AnswerLogProbs.sequenceLogProbs(policy, batchOf(part)).data().clone());
            for (int i = 0; i < p; i++) {
                double rc = beta * (lp[i] - valRefChosen[from + i]), rr = beta * (lp[p + i] - valRefRejected[from + i]);
                loss += Math.log1p(Math.exp(-(rc - rr)));
                acc += rc - rr > 0 ? 1 : 0;
                margin += rc - rr;
                chosen += rc;
                rejected += rr;
            }
        }
        int n = val.size();
        m.put("val_loss", loss / n);
        m.put("val_reward_accuracy", acc / n);
        m.put("val_reward_margin", margin / n);
        m.put("val_reward_chosen", chosen / n);
        m.put("val_reward_rejected", rejected / n);
        return m;
    }

    @Override
    public Map<String, Double> evaluate() {
        Map<String, Double> out = heldOut();
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
        order = new Rng(seed * 1_000_003L + epoch).permutation(train.size());
        cursor = 0;
    }

    @Override
    public JsonNode saveState() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("epoch", epoch);
        o.put("cursor", cursor);
        return o;
    }

    @Override
    public void restoreState(JsonNode state) {
        if (!state.has("epoch") || !state.has("cursor")) throw new IllegalArgumentException(
                "trainer_state.json has no epoch/cursor for the DPO data order");
        epoch = state.get("epoch").asLong();
        shuffle();
        cursor = state.get("cursor").asInt();
    }
}

package rlhf4j.train.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import rlhf4j.data.preference.Comparison;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;
import rlhf4j.train.loop.Stage;

/**
 * Stage 3: a reward model trained on ranked answers with the pairwise loss of InstructGPT
 * ({@link PairwiseLoss}). A micro-batch is {@code promptsPerBatch} comparisons; all K answers of
 * all of them are forwarded together, once each, and the loss indexes pairs into their scores.
 * The data order is a seeded shuffle per epoch, so the state to resume is (epoch, position).
 */
public final class RewardStage implements Stage {
    private final RewardModel rm;
    private final List<Comparison> train, val;
    private final int promptsPerBatch;
    private final boolean ties;
    private final long seed;
    private final List<Tensor> trainable;
    private int[] order;
    private long epoch;
    private int cursor;
    private int lastTokens;

    public RewardStage(RewardModel rm, List<Comparison> train, List<Comparison> val, int promptsPerBatch, boolean trainOnTies, long seed) {
        this.rm = rm;
        this.ties = trainOnTies;
        this.train = train.stream().filter(c -> PairwiseLoss.trainable(c, trainOnTies)).toList();
        this.val = val;
        if (this.train.isEmpty()) throw new IllegalArgumentException("no training comparison has two answers ranked apart"
                + (trainOnTies ? "" : " (every answer tied; set data.ties=half to train on ties)"));
        this.promptsPerBatch = Math.max(1, promptsPerBatch);
        this.seed = seed;
        // the LM head is not used by a reward model: leave it out rather than decay it (with LoRA: the adapters and the head)
        Transformer m = rm.model();
        this.trainable = new ArrayList<>();
        for (Tensor p : m.trainable()) if (p != m.lmHead() || m.config().tiedEmbeddings()) trainable.add(p);
        trainable.add(rm.head().weight());
        shuffle();
    }

    /** Comparisons dropped because every answer was tied (and ties are not trained on). */
    public int droppedAllTied(int given) {
        return given - train.size();
    }

    public RewardModel rewardModel() {
        return rm;
    }

    @Override
    public String name() {
        return "reward";
    }

    @Override
    public Transformer model() {
        return rm.model();
    }

    @Override
    public ScalarHead scalarHead() {
        return rm.head();
    }

    @Override
    public List<Tensor> trainable() {
        return trainable;
    }

    @Override
    public float microStep(Tape tape, float scale) {
        List<Comparison> batch = new ArrayList<>(promptsPerBatch);
        for (int i = 0; i < promptsPerBatch; i++) {
            if (cursor == order.length) {
                epoch++;
                shuffle();
            }
            batch.add(train.get(order[cursor++]));
        }
        List<int[]> rows = rows(rm, batch);
        lastTokens = 0;
        for (int[] r : rows) lastTokens += r.length;
        Tensor loss = PairwiseLoss.loss(rm.scores(rows), PairwiseLoss.pairs(batch, ties));
        float value = loss.item();
        if (!Float.isFinite(value)) return value;
        tape.backward(loss, new float[] {scale});
        return value;
    }

    /** The pairwise loss of a batch of comparisons, every answer forwarded once (one hidden() call). */
    public static Tensor loss(RewardModel rm, List<Comparison> batch, boolean trainOnTies) {
        Tensor scores = rm.scores(rows(rm, batch));
        return PairwiseLoss.loss(scores, PairwiseLoss.pairs(batch, trainOnTies));
    }

    /** All answers of the batch, comparison after comparison, encoded for the reward model. */
    static List<int[]> rows(RewardModel rm, List<Comparison> batch) {
        List<int[]> rows = new ArrayList<>();
        for (Comparison c : batch) for (String r : c.responses()) rows.add(rm.encode(c.prompt(), r));
        return rows;
    }

    private void shuffle() {
        order = new Rng(seed * 1_000_003L + epoch).permutation(train.size());
        cursor = 0;
    }

    @Override
    public int tokensPerMicroStep() {
        return lastTokens;
    }

    @Override
    public Map<String, Double> evaluate() {
        Map<String, Double> out = new LinkedHashMap<>();
        // a fixed slice of the training data, to see over- or under-fitting next to held-out numbers
        RewardEval.Result tr = RewardEval.run(rm, train.subList(0, Math.min(train.size(), Math.max(val.size(), 64))), ties, promptsPerBatch);
        out.put("train_loss", tr.loss());
        out.put("train_acc", tr.accuracy());
        if (!val.isEmpty()) {
            RewardEval.Result v = RewardEval.run(rm, val, ties, promptsPerBatch);
            out.put("val_loss", v.loss());
            out.put("val_acc", v.accuracy());
            if (!Double.isNaN(v.goldAccuracy())) out.put("val_gold_acc", v.goldAccuracy());
            out.put("val_reward_mean", v.scoreMean());
            out.put("val_reward_std", v.scoreStd());
        }
        return out;
    }

    @Override
    public List<String> samples(long step) {
        return List.of();
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
                "trainer_state.json has no epoch/cursor for the reward data order");
        epoch = state.get("epoch").asLong();
        shuffle();
        cursor = state.get("cursor").asInt();
    }
}

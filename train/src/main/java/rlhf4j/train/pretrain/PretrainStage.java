package rlhf4j.train.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import rlhf4j.model.Transformer;
import rlhf4j.model.generate.Generator;
import rlhf4j.model.generate.SamplingParams;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.train.loop.Stage;

/**
 * Stage 1: next-token prediction on random windows of the token shards. Evaluation is the mean
 * loss over fixed held-out windows and the same in bits per byte of text, which compares across
 * tokenizers.
 */
public final class PretrainStage implements Stage, AutoCloseable {
    private final Transformer model;
    private final Tokenizer tokenizer;
    private final PretrainConfig config;
    private final ShardWindows train;
    private final ShardWindows val;
    private final int batch, seqLen;
    private final int[] ids, targets;

    public PretrainStage(Transformer model, Tokenizer tokenizer, PretrainConfig config) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.config = config;
        this.batch = config.data().batch();
        this.seqLen = config.model().seqLen();
        Path dir = Path.of(config.data().dir());
        this.train = new ShardWindows(dir, "train", seqLen, config.train().seed());
        this.val = new ShardWindows(dir, "val", seqLen, 0);
        if (train.vocabSize() > model.config().vocabSize()) throw new IllegalArgumentException("the shards in " + dir
                + " use a vocabulary of " + train.vocabSize() + " but the model has " + model.config().vocabSize());
        this.ids = new int[batch * seqLen];
        this.targets = new int[batch * seqLen];
    }

    @Override
    public String name() {
        return "pretrain";
    }

    @Override
    public Transformer model() {
        return model;
    }

    @Override
    public List<Tensor> trainable() {
        return model.trainable();
    }

    @Override
    public float microStep(Tape tape, float scale) {
        train.next(ids, targets, batch);
        Tensor loss = model.loss(ids, targets, batch, seqLen, null, -1);
        float value = loss.item();
        if (!Float.isFinite(value)) return value;
        tape.backward(loss, new float[] {scale});
        return value;
    }

    @Override
    public int tokensPerMicroStep() {
        return batch * seqLen;
    }

    @Override
    public Map<String, Double> evaluate() {
        int n = Math.max(1, config.data().evalBatches());
        double nats = 0;
        long bytes = 0;
        int[] vi = new int[batch * seqLen], vt = new int[batch * seqLen];
        for (int i = 0; i < n; i++) {
            val.fixed(i, n, vi, vt, batch);
            nats += model.loss(vi, vt, batch, seqLen, null, -1).item() * (double) vt.length;
            for (int t : vt) bytes += tokenizer.isSpecial(t) ? 0 : tokenizer.tokenBytes(t).length;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("val_loss", nats / ((double) n * vt.length));
        out.put("val_bpb", nats / Math.log(2) / Math.max(1, bytes));
        return out;
    }

    @Override
    public List<String> samples(long step) {
        List<String> out = new ArrayList<>();
        Generator gen = new Generator(model);
        PretrainConfig.Sample s = config.sample();
        int i = 0;
        for (String prompt : s.prompts()) {
            int[] p = tokenizer.encode(prompt);
            if (p.length == 0) continue;
            SamplingParams params = SamplingParams.temperature(s.temperature(), step * 31 + i++).withTopK(s.topK());
            int[] all = gen.generate(p, Math.min(s.maxTokens(), seqLen - p.length), params, -1);
            out.add(prompt + tokenizer.decode(all));
        }
        return out;
    }

    @Override
    public JsonNode saveState() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ArrayNode rng = o.putArray("train_rng");
        for (long w : train.rngState()) rng.add(w);
        return o;
    }

    @Override
    public void restoreState(JsonNode state) {
        JsonNode rng = state.path("train_rng");
        if (!rng.isArray()) throw new IllegalArgumentException("trainer_state.json has no train_rng for the data loader");
        long[] s = new long[rng.size()];
        for (int i = 0; i < s.length; i++) s[i] = rng.get(i).asLong();
        train.restoreRng(s);
    }

    @Override
    public void close() {
        train.close();
        val.close();
    }
}

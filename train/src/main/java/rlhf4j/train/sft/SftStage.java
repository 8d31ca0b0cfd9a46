package rlhf4j.train.sft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import rlhf4j.data.sft.PromptDataset;
import rlhf4j.data.sft.SftDataset;
import rlhf4j.data.world.GoldJudge;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.train.eval.ChatEval;
import rlhf4j.train.loop.Stage;

/**
 * Stage 2: supervised fine-tuning on conversations. Each is rendered with the chat template and
 * trained only where the assistant speaks (its text and the {@code <|end|>} that closes its turn);
 * several short conversations share a row, kept apart by segment ids. Evaluation: the held-out SFT
 * loss and, when a world is given, the gold judge's scores of greedy and sampled answers to the
 * world's held-out questions.
 */
public final class SftStage implements Stage {
    private final Transformer model;
    private final Tokenizer tokenizer;
    private final SftConfig config;
    private final SftBatches train;
    private final List<SftBatches.Batch> val;
    private final ChatEval chatEval;
    private final int batch, seqLen;
    private final int trainExamples, valExamples, truncated;
    private int lastTokens;
    private ChatEval.Result lastChat;

    public SftStage(Transformer model, Tokenizer tokenizer, SftConfig config) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.config = config;
        this.batch = config.data().batch();
        this.seqLen = config.data().seqLen() > 0 ? config.data().seqLen() : model.config().maxSeqLen();
        ChatTemplate template = new ChatTemplate(tokenizer);
        if (config.data().train().isEmpty()) throw new IllegalArgumentException("set data.train to an SFT JSONL file");
        List<SftDataset.Conversation> all = SftDataset.read(Path.of(config.data().train()));
        List<SftDataset.Conversation> trainSet, valSet;
        if (!config.data().val().isEmpty()) {
            trainSet = all;
            valSet = SftDataset.read(Path.of(config.data().val()));
        } else {
            // a seeded shuffle, then the tail is held out; the seed is fixed so every run holds out the same
            List<SftDataset.Conversation> shuffled = new ArrayList<>(all);
            java.util.Collections.shuffle(shuffled, new java.util.Random(20240531L));
            int nVal = (int) Math.round(config.data().valFraction() * shuffled.size());
            if (nVal >= shuffled.size()) throw new IllegalArgumentException("data.val_fraction " + config.data().valFraction()
                    + " leaves nothing to train on");
            trainSet = shuffled.subList(0, shuffled.size() - nVal);
            valSet = shuffled.subList(shuffled.size() - nVal, shuffled.size());
        }
        List<SftExample> trainEx = render(template, trainSet), valEx = render(template, valSet);
        int cut = 0;
        for (SftExample e : trainEx) if (e.truncated()) cut++;
        this.truncated = cut;
        this.trainExamples = trainEx.size();
        this.valExamples = valEx.size();
        this.train = new SftBatches(trainEx, batch, seqLen, config.data().pack(), new Rng(config.train().seed()).nextLong());
        this.val = valEx.isEmpty() ? List.of() : SftBatches.fixed(valEx, batch, seqLen, config.data().pack());
        SftConfig.Eval e = config.eval();
        if (!e.world().isEmpty()) {
            Path world = Path.of(e.world());
            List<PromptDataset.Prompt> qs = PromptDataset.read(world.resolve("eval.jsonl"));
            if (e.questions() > 0 && e.questions() < qs.size()) qs = qs.subList(0, e.questions());
            this.chatEval = new ChatEval(tokenizer, GoldJudge.load(world), qs,
                    new ChatEval.Settings(e.maxNewTokens(), e.temperature(), e.topK(), e.batch(), e.seed()));
        } else {
            this.chatEval = null;
        }
    }

    private List<SftExample> render(ChatTemplate template, List<SftDataset.Conversation> conversations) {
        List<SftExample> out = new ArrayList<>(conversations.size());
        for (SftDataset.Conversation c : conversations) out.add(SftExample.of(template, c.messages(), seqLen));
        return out;
    }

    @Override
    public String name() {
        return "sft";
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
        SftBatches.Batch b = train.next();
        lastTokens = b.tokens();
        Tensor loss = model.loss(b.ids(), b.targets(), batch, seqLen, b.segments(), null, SftExample.IGNORE);
        float value = loss.item();
        if (!Float.isFinite(value)) return value;
        tape.backward(loss, new float[] {scale});
        return value;
    }

    /** Positions that hold a conversation in the last micro-batch (padding excluded). */
    @Override
    public int tokensPerMicroStep() {
        return lastTokens;
    }

    @Override
    public Map<String, Double> evaluate() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (!val.isEmpty()) out.put("val_loss", heldOutLoss());
        if (chatEval != null) {
            lastChat = chatEval.run(model);
            out.putAll(lastChat.metrics());
        }
        return out;
    }

    /** {@link #evaluate} plus the judge's per-type accuracies ("greedy_accuracy.TYPE"), for the report. */
    public Map<String, Double> evaluateDetailed() {
        Map<String, Double> out = evaluate();
        if (lastChat != null) out.putAll(lastChat.detailed());
        return out;
    }

    /** The last evaluation with per-type accuracies, without recomputing (empty before the first). */
    public Map<String, Double> lastDetailed(Map<String, Double> metrics) {
        Map<String, Double> out = new LinkedHashMap<>(metrics);
        if (lastChat != null) out.putAll(lastChat.detailed());
        return out;
    }

    /** Mean loss per trained token over the held-out conversations. */
    public double heldOutLoss() {
        double nats = 0;
        long count = 0;
        for (SftBatches.Batch b : val) {
            int n = 0;
            for (int t : b.targets()) if (t != SftExample.IGNORE) n++;
            if (n == 0) continue;
            nats += model.loss(b.ids(), b.targets(), batch, seqLen, b.segments(), null, SftExample.IGNORE).item() * (double) n;
            count += n;
        }
        return nats / Math.max(1, count);
    }

    /** The judge's last detailed results (per type, examples), or null before the first evaluation or without a world. */
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

    public int trainExamples() {
        return trainExamples;
    }

    public int valExamples() {
        return valExamples;
    }

    public int truncatedExamples() {
        return truncated;
    }

    public int seqLen() {
        return seqLen;
    }

    @Override
    public JsonNode saveState() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("epoch", train.epoch());
        o.put("cursor", train.cursor());
        ArrayNode rng = o.putArray("epoch_rng");
        for (long w : train.epochRngState()) rng.add(w);
        return o;
    }

    @Override
    public void restoreState(JsonNode state) {
        JsonNode rng = state.path("epoch_rng");
        if (!rng.isArray() || !state.has("cursor")) throw new IllegalArgumentException(
                "trainer_state.json has no SFT data position (epoch_rng, cursor); is this an sft run folder?");
        long[] s = new long[rng.size()];
        for (int i = 0; i < s.length; i++) s[i] = rng.get(i).asLong();
        train.restore(state.path("epoch").asLong(), state.path("cursor").asInt(), s);
    }
}

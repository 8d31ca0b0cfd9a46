package rlhf4j.train.sft;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.model.LoraAdapter;
import rlhf4j.model.LoraConfig;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.LoraIO;
import rlhf4j.model.io.ModelIO;
import rlhf4j.model.io.Safetensors;
import rlhf4j.tensor.Rng;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.train.loop.Checkpoint;
import rlhf4j.train.loop.LoopConfig;
import rlhf4j.train.loop.MetricsLog;
import rlhf4j.train.loop.Trainer;

/** SFT with LoRA: only the adapters train and are saved, the base stays as it was, and resume is bit-exact. */
class SftLoraTest {
    private static final LoraConfig LORA = new LoraConfig(4, 8, List.of("q_proj", "v_proj", "down_proj"));
    private final Tokenizer tok = SftFixtures.byteChatTokenizer();

    private static Transformer loraModel(Path base) {
        return ModelIO.load(base).withLora(LORA, new Rng(17), base);
    }

    @Test
    void onlyTheAdaptersTrainAndTheRunFolderLoadsMerged(@TempDir Path tmp) throws Exception {
        Path base = tmp.resolve("base"), run = Files.createDirectories(tmp.resolve("run"));
        ModelIO.save(SftFixtures.model(3), base);
        Path train = SftFixtures.writeConversations(tmp.resolve("train.jsonl"), 60, 1);
        SftConfig cfg = SftFixtures.config(train, null, 6, true);
        Transformer model = loraModel(base);
        float[] before = model.parameter("model.layers.0.self_attn.q_proj.weight").data().clone();
        SftStage stage = new SftStage(model, tok, cfg);
        assertThat(stage.trainable()).hasSize(12); // 2 layers × 3 targets × (A, B)
        Trainer.Outcome o = new Trainer(stage, cfg.train(), run).run(false);
        assertThat(o.steps()).isEqualTo(6);

        assertThat(model.parameter("model.layers.0.self_attn.q_proj.weight").data()).containsExactly(before);
        assertThat(Files.exists(run.resolve(LoraIO.ADAPTER_WEIGHTS))).isTrue();
        assertThat(Files.exists(run.resolve(ModelIO.WEIGHTS))).isFalse();
        try (Safetensors.Reader r = Safetensors.open(run.resolve(Checkpoint.OPTIMIZER))) {
            assertThat(r.entries().keySet()).hasSize(24).allSatisfy(n -> assertThat(n).contains(".lora_"));
        }
        // the run folder loads as a plain model computing what base + adapters compute
        int[] ids = {257, 258, 104, 105, 63, 261, 259, 104};
        float[] adapted = model.logits(model.hidden(ids, 1, ids.length, null)).data();
        Transformer merged = ModelIO.load(run);
        assertThat(merged.lora()).isNull();
        float[] got = merged.logits(merged.hidden(ids, 1, ids.length, null)).data();
        for (int i = 0; i < got.length; i++) assertThat(Math.abs(got[i] - adapted[i])).isLessThan(1e-5f);
        Transformer plain = ModelIO.load(base);
        assertThat(plain.logits(plain.hidden(ids, 1, ids.length, null)).data()).isNotEqualTo(got);
    }

    @Test
    void stoppingAndResumingGivesTheSameLossesAndAdaptersAsOneRun(@TempDir Path tmp) throws Exception {
        Path base = tmp.resolve("base");
        ModelIO.save(SftFixtures.model(3), base);
        Path train = SftFixtures.writeConversations(tmp.resolve("train.jsonl"), 60, 1);
        SftConfig cfg = SftFixtures.config(train, null, 9, true).withLora(LORA);
        LoopConfig t = cfg.train();

        Path straight = Files.createDirectories(tmp.resolve("straight"));
        new Trainer(new SftStage(loraModel(base), tok, cfg), t, straight).run(false);

        Path resumed = Files.createDirectories(tmp.resolve("resumed"));
        SftRunTest.StopAfter stopping = new SftRunTest.StopAfter(new SftStage(loraModel(base), tok, cfg), 5 * t.gradAccum());
        Trainer first = new Trainer(stopping, t, resumed);
        stopping.trainer = first;
        assertThat(first.run(false).interrupted()).isTrue();
        Trainer.Outcome o = new Trainer(new SftStage(loraModel(base), tok, cfg), t, resumed).run(true);
        assertThat(o.steps()).isEqualTo(9);

        List<JsonNode> a = MetricsLog.read(straight.resolve("metrics.jsonl")), b = MetricsLog.read(resumed.resolve("metrics.jsonl"));
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            for (String key : List.of("step", "loss", "grad_norm", "lr", "val_loss")) {
                if (a.get(i).has(key)) assertThat(b.get(i).path(key).asDouble()).as(key + " at step " + a.get(i).path("step"))
                        .isEqualTo(a.get(i).path(key).asDouble());
            }
        }
        Transformer x = LoraIO.loadWithAdapters(straight), y = LoraIO.loadWithAdapters(resumed);
        for (LoraAdapter ax : x.adapters().values()) {
            LoraAdapter ay = y.adapters().get(ax.module());
            assertThat(ay.a().data()).as(ax.module()).isEqualTo(ax.a().data());
            assertThat(ay.b().data()).as(ax.module()).isEqualTo(ax.b().data());
        }
    }

    @Test
    void gradientCheckpointingTrainsToTheSameLossesAndWeights(@TempDir Path tmp) throws Exception {
        Path train = SftFixtures.writeConversations(tmp.resolve("train.jsonl"), 60, 1);
        SftConfig cfg = SftFixtures.config(train, null, 4, true);
        LoopConfig t = cfg.train(), tc = new LoopConfig(t.steps(), t.gradAccum(), t.lr(), t.minLrRatio(), t.warmup(), t.schedule(),
                t.weightDecay(), t.beta1(), t.beta2(), t.clip(), t.evalEvery(), t.sampleEvery(), t.checkpointEvery(), t.logEvery(),
                t.maxBadSteps(), t.seed(), t.threads(), true);
        Path plain = Files.createDirectories(tmp.resolve("plain")), recomputed = Files.createDirectories(tmp.resolve("recomputed"));
        new Trainer(new SftStage(SftFixtures.model(3), tok, cfg), t, plain).run(false);
        Transformer m = SftFixtures.model(3);
        new Trainer(new SftStage(m, tok, cfg), tc, recomputed).run(false);
        assertThat(m.gradientCheckpointing()).isTrue();
        List<JsonNode> a = MetricsLog.read(plain.resolve("metrics.jsonl")), b = MetricsLog.read(recomputed.resolve("metrics.jsonl"));
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).path("loss").asDouble()).isEqualTo(a.get(i).path("loss").asDouble());
            assertThat(b.get(i).path("grad_norm").asDouble()).isEqualTo(a.get(i).path("grad_norm").asDouble());
        }
        Transformer x = ModelIO.load(plain), y = ModelIO.load(recomputed);
        x.namedParameters().forEach((name, p) -> assertThat(y.parameter(name).data()).as(name).isEqualTo(p.data()));
    }
}

package rlhf4j.train.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.data.shard.TokenShardWriter;
import rlhf4j.model.Transformer;
import rlhf4j.model.TransformerConfig;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tape;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.train.loop.LoopConfig;
import rlhf4j.train.loop.MetricsLog;
import rlhf4j.train.loop.Trainer;

class PretrainResumeTest {
    private static final int STEPS = 8;

    /** 256 byte tokens plus <|endoftext|>: enough of a tokenizer for samples and bits per byte. */
    static Tokenizer byteTokenizer() {
        byte[][] bytes = new byte[256][];
        for (int b = 0; b < 256; b++) bytes[b] = new byte[] {(byte) b};
        return new Tokenizer("bytes", "\\S+|\\s+", bytes, null, Map.of("<|endoftext|>", 256));
    }

    static void writeShards(Path dir) throws Exception {
        Rng rng = new Rng(3);
        for (String split : List.of("train", "val")) {
            try (TokenShardWriter w = new TokenShardWriter(dir.resolve(split + "-00000.bin"), 257, 256)) {
                // a learnable stream: lowercase letters cycling with noise
                for (int i = 0; i < 20_000; i++) w.write(rng.nextInt(10) == 0 ? 32 : 97 + i % 26);
            }
        }
    }

    static PretrainConfig config(Path data) {
        PretrainConfig d = PretrainConfig.defaults();
        LoopConfig t = d.train();
        return new PretrainConfig(new PretrainConfig.Model("llama", 32, 2, 4, 2, 64, 32, ""),
                new PretrainConfig.Data(data.toString(), "", 4, 2),
                new LoopConfig(STEPS, 2, 3e-3, 0.1, 2, "cosine", 0.1, 0.9, 0.95, 1.0, 4, 0, 3, 1, 3, 11, 2),
                new PretrainConfig.Sample(List.of("ab"), 8, 0.8f, 10));
    }

    static Transformer model(PretrainConfig c) {
        return new Transformer(TransformerConfig.llama(257, 32, 2, 4, 2, 64, 32), new Rng(c.train().seed()));
    }

    @Test
    void stoppingAndResumingGivesTheSameLossesAndWeightsAsOneRun(@TempDir Path tmp) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        writeShards(data);
        PretrainConfig cfg = config(data);
        Tokenizer tok = byteTokenizer();

        Path straight = Files.createDirectories(tmp.resolve("straight"));
        try (PretrainStage stage = new PretrainStage(model(cfg), tok, cfg)) {
            Trainer.Outcome o = new Trainer(stage, cfg.train(), straight).run(false);
            assertThat(o.steps()).isEqualTo(STEPS);
        }

        Path resumed = Files.createDirectories(tmp.resolve("resumed"));
        try (PretrainStage stage = new PretrainStage(model(cfg), tok, cfg)) {
            StopAfter stopping = new StopAfter(stage, 5 * cfg.train().gradAccum());
            Trainer trainer = new Trainer(stopping, cfg.train(), resumed);
            stopping.trainer = trainer;
            Trainer.Outcome o = trainer.run(false);
            assertThat(o.interrupted()).isTrue();
            assertThat(o.steps()).isEqualTo(5);
        }
        try (PretrainStage stage = new PretrainStage(model(cfg), tok, cfg)) {
            Trainer.Outcome o = new Trainer(stage, cfg.train(), resumed).run(true);
            assertThat(o.steps()).isEqualTo(STEPS);
        }

        List<JsonNode> a = MetricsLog.read(straight.resolve("metrics.jsonl"));
        List<JsonNode> b = MetricsLog.read(resumed.resolve("metrics.jsonl"));
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).path("step").asLong()).isEqualTo(a.get(i).path("step").asLong());
            for (String key : List.of("loss", "grad_norm", "lr", "val_loss")) {
                if (a.get(i).has(key)) {
                    assertThat(b.get(i).path(key).asDouble()).as(key + " at step " + a.get(i).path("step"))
                            .isEqualTo(a.get(i).path(key).asDouble());
                }
            }
        }
        Transformer x = ModelIO.load(straight), y = ModelIO.load(resumed);
        x.namedParameters().forEach((name, p) -> assertThat(y.parameter(name).data()).as(name).isEqualTo(p.data()));
    }

    /** Delegates to a stage and asks the trainer to stop after n micro-steps, as SIGINT would. */
    static final class StopAfter implements rlhf4j.train.loop.Stage {
        private final PretrainStage inner;
        private int left;
        Trainer trainer;

        StopAfter(PretrainStage inner, int microSteps) {
            this.inner = inner;
            this.left = microSteps;
        }

        @Override public String name() { return inner.name(); }
        @Override public Transformer model() { return inner.model(); }
        @Override public List<rlhf4j.tensor.Tensor> trainable() { return inner.trainable(); }
        @Override public int tokensPerMicroStep() { return inner.tokensPerMicroStep(); }
        @Override public Map<String, Double> evaluate() { return inner.evaluate(); }
        @Override public List<String> samples(long step) { return inner.samples(step); }
        @Override public JsonNode saveState() { return inner.saveState(); }
        @Override public void restoreState(JsonNode s) { inner.restoreState(s); }

        @Override
        public float microStep(Tape tape, float scale) {
            float l = inner.microStep(tape, scale);
            if (--left == 0) trainer.requestStop();
            return l;
        }
    }
}

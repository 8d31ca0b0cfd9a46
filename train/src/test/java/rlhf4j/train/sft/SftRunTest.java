package rlhf4j.train.sft;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.data.world.WorldFiles;
import rlhf4j.data.world.WorldSize;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tensor.Tape;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.train.loop.LoopConfig;
import rlhf4j.train.loop.MetricsLog;
import rlhf4j.train.loop.Stage;
import rlhf4j.train.loop.Trainer;

class SftRunTest {
    private final Tokenizer tok = SftFixtures.byteChatTokenizer();

    @Test
    void aShortRunLowersTheHeldOutLoss(@TempDir Path tmp) throws Exception {
        Path train = SftFixtures.writeConversations(tmp.resolve("train.jsonl"), 200, 1);
        Path val = SftFixtures.writeConversations(tmp.resolve("val.jsonl"), 30, 2);
        SftConfig cfg = SftFixtures.config(train, val, 40, true);
        SftStage stage = new SftStage(SftFixtures.model(3), tok, cfg);
        double before = stage.heldOutLoss();
        Trainer.Outcome o = new Trainer(stage, cfg.train(), Files.createDirectories(tmp.resolve("run"))).run(false);
        assertThat(o.steps()).isEqualTo(40);
        assertThat(o.finalEval().get("val_loss")).isLessThan(before * 0.6);
    }

    @Test
    void theJudgeEvaluationRunsOnAWorld(@TempDir Path tmp) throws Exception {
        Path world = tmp.resolve("world");
        WorldFiles.generate(world, 5, WorldSize.TINY);
        SftConfig base = SftFixtures.config(world.resolve("sft.jsonl"), null, 1, true);
        SftConfig cfg = new SftConfig(base.model(), new SftConfig.Data(base.data().train(), "", 0.1, 128, 4, true),
                new SftConfig.Eval(world.toString(), 10, 8, 1f, 0, 4, 3), base.train());
        SftStage stage = new SftStage(new Transformer(rlhf4j.model.TransformerConfig.llama(SftFixtures.VOCAB, 32, 2, 4, 2, 64, 128),
                new rlhf4j.tensor.Rng(1)), tok, cfg);
        Map<String, Double> eval = stage.evaluate();
        assertThat(eval).containsKeys("val_loss", "greedy_score", "greedy_accuracy", "greedy_stop_rate",
                "sampled_score", "sampled_accuracy", "sampled_stop_rate");
        assertThat(stage.lastChatEval().greedy().summary().n()).isEqualTo(10);
        for (double v : eval.values()) assertThat(v).isFinite();
    }

    @Test
    void stoppingAndResumingGivesTheSameLossesAndWeightsAsOneRun(@TempDir Path tmp) throws Exception {
        Path train = SftFixtures.writeConversations(tmp.resolve("train.jsonl"), 60, 1);
        SftConfig cfg = SftFixtures.config(train, null, 9, true);
        LoopConfig t = cfg.train();

        Path straight = Files.createDirectories(tmp.resolve("straight"));
        new Trainer(new SftStage(SftFixtures.model(3), tok, cfg), t, straight).run(false);

        Path resumed = Files.createDirectories(tmp.resolve("resumed"));
        StopAfter stopping = new StopAfter(new SftStage(SftFixtures.model(3), tok, cfg), 5 * t.gradAccum());
        Trainer first = new Trainer(stopping, t, resumed);
        stopping.trainer = first;
        assertThat(first.run(false).interrupted()).isTrue();
        Trainer.Outcome o = new Trainer(new SftStage(SftFixtures.model(3), tok, cfg), t, resumed).run(true);
        assertThat(o.steps()).isEqualTo(9);

        List<JsonNode> a = MetricsLog.read(straight.resolve("metrics.jsonl"));
        List<JsonNode> b = MetricsLog.read(resumed.resolve("metrics.jsonl"));
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).path("step").asLong()).isEqualTo(a.get(i).path("step").asLong());
            for (String key : List.of("loss", "grad_norm", "lr", "val_loss")) {
                if (a.get(i).has(key)) assertThat(b.get(i).path(key).asDouble()).as(key + " at step " + a.get(i).path("step"))
                        .isEqualTo(a.get(i).path(key).asDouble());
            }
        }
        Transformer x = ModelIO.load(straight), y = ModelIO.load(resumed);
        x.namedParameters().forEach((name, p) -> assertThat(y.parameter(name).data()).as(name).isEqualTo(p.data()));
    }

    /** Delegates to a stage and asks the trainer to stop after n micro-steps, as SIGINT would. */
    static final class StopAfter implements Stage {
        private final SftStage inner;
        private int left;
        Trainer trainer;

        StopAfter(SftStage inner, int microSteps) {
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

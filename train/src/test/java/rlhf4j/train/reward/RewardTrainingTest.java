package rlhf4j.train.reward;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.data.preference.Comparison;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;
import rlhf4j.train.loop.LoopConfig;
import rlhf4j.train.loop.MetricsLog;
import rlhf4j.train.loop.Stage;
import rlhf4j.train.loop.Trainer;

class RewardTrainingTest {
    private static final int STEPS = 8;

    static LoopConfig loop(long steps) {
        return new LoopConfig(steps, 2, 3e-3, 0.1, 2, "cosine", 0.0, 0.9, 0.95, 1.0, 4, 0, 3, 1, 3, 11, 2);
    }

    @Test
    void heldOutAccuracyBeatsChanceOnAnswersThatStateTheFact(@TempDir Path tmp) {
        List<Comparison> train = TinyRm.data(160, 4, 1), val = TinyRm.data(40, 4, 2);
        RewardModel rm = TinyRm.model(5, 0);
        RewardStage stage = new RewardStage(rm, train, val, 8, false, 3);
        double before = RewardEval.run(rm, val, false, 8).goldAccuracy();
        Trainer.Outcome o = new Trainer(stage, new LoopConfig(60, 1, 3e-3, 0.1, 5, "cosine", 0.0, 0.9, 0.95, 1.0, 0, 0, 0, 10, 3, 11, 2), tmp).run(false);
        double after = RewardEval.run(rm, val, false, 8).goldAccuracy();
        assertThat(before).isEqualTo(0.5); // a zero head scores every answer alike
        assertThat(after).as("held-out gold accuracy after %d steps", o.steps()).isGreaterThan(0.75);
    }

    @Test
    void stoppingAndResumingGivesTheSameLossesAndWeightsAsOneRun(@TempDir Path tmp) throws Exception {
        List<Comparison> train = TinyRm.data(40, 3, 1), val = TinyRm.data(8, 3, 2);
        Path straight = Files.createDirectories(tmp.resolve("straight"));
        new Trainer(new RewardStage(TinyRm.model(5, 0.1), train, val, 4, true, 3), loop(STEPS), straight).run(false);

        Path resumed = Files.createDirectories(tmp.resolve("resumed"));
        StopAfter stopping = new StopAfter(new RewardStage(TinyRm.model(5, 0.1), train, val, 4, true, 3), 5 * 2);
        Trainer trainer = new Trainer(stopping, loop(STEPS), resumed);
        stopping.trainer = trainer;
        assertThat(trainer.run(false).interrupted()).isTrue();
        // a fresh model and head with other weights: everything must come from the checkpoint
        Trainer.Outcome o = new Trainer(new RewardStage(TinyRm.model(99, 0.3), train, val, 4, true, 3), loop(STEPS), resumed).run(true);
        assertThat(o.steps()).isEqualTo(STEPS);

        List<JsonNode> a = MetricsLog.read(straight.resolve("metrics.jsonl")), b = MetricsLog.read(resumed.resolve("metrics.jsonl"));
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            for (String key : List.of("loss", "grad_norm", "val_loss", "val_acc", "train_loss")) {
                if (a.get(i).has(key)) assertThat(b.get(i).path(key).asDouble()).as(key + " at step " + a.get(i).path("step"))
                        .isEqualTo(a.get(i).path(key).asDouble());
            }
        }
        Transformer x = ModelIO.load(straight), y = ModelIO.load(resumed);
        x.namedParameters().forEach((name, p) -> assertThat(y.parameter(name).data()).as(name).isEqualTo(p.data()));
        ScalarHead hx = ModelIO.loadScalarHead(straight, 32), hy = ModelIO.loadScalarHead(resumed, 32);
        assertThat(hy.weight().data()).isEqualTo(hx.weight().data());
        assertThat(hx.weight().data()).isNotEqualTo(TinyRm.model(5, 0.1).head().weight().data());
    }

    /** Delegates to a stage and asks the trainer to stop after n micro-steps, as SIGINT would. */
    static final class StopAfter implements Stage {
        private final RewardStage inner;
        private int left;
        Trainer trainer;

        StopAfter(RewardStage inner, int microSteps) {
            this.inner = inner;
            this.left = microSteps;
        }

        @Override public String name() { return inner.name(); }
        @Override public Transformer model() { return inner.model(); }
        @Override public ScalarHead scalarHead() { return inner.scalarHead(); }
        @Override public List<Tensor> trainable() { return inner.trainable(); }
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

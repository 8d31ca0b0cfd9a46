package rlhf4j.train.ppo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;
import rlhf4j.train.loop.Checkpoint;
import rlhf4j.train.loop.Stage;

/**
 * A PPO run folder's resumable state, written with the shared {@link Checkpoint}: the policy (and
 * its AdamW moments) in the run folder itself — so it loads like any other run for chat or
 * evaluation — and the value model with its head in {@code value/}. The value model is written
 * first and its iteration is recorded in the policy's trainer_state.json, which goes last; a save
 * cut short between the two is caught on resume.
 */
final class PpoCheckpoint {
    static final String VALUE_DIR = "value";

    private PpoCheckpoint() {
    }

    static boolean exists(Path dir) {
        return Checkpoint.exists(dir) && Checkpoint.exists(dir.resolve(VALUE_DIR));
    }

    static void save(Path dir, PpoTrainer t, int iteration) {
        Checkpoint.save(dir.resolve(VALUE_DIR), new Saved("ppo-value", t.value(), t.valueHead()), t.valueOptimizer(),
                new Checkpoint.State(iteration, t.valueOptimizer().stepCount(), 0, JsonNodeFactory.instance.objectNode()));
        ObjectNode state = (ObjectNode) t.saveState();
        state.put("value_iteration", iteration);
        Checkpoint.save(dir, new Saved("ppo", t.policy(), null), t.policyOptimizer(),
                new Checkpoint.State(iteration, t.policyOptimizer().stepCount(), 0, state));
    }

    /** Restores both models, both optimizers and the trainer's state; returns the iteration to continue from. */
    static int load(Path dir, PpoTrainer t) {
        Checkpoint.State p = Checkpoint.load(dir, new Saved("ppo", t.policy(), null), t.policyOptimizer());
        Checkpoint.State v = Checkpoint.load(dir.resolve(VALUE_DIR), new Saved("ppo-value", t.value(), t.valueHead()), t.valueOptimizer());
        if (v.step() != p.stageState().path("value_iteration").asLong(-1)) throw new IllegalStateException(dir
                + ": the value model is at iteration " + v.step() + " but the policy at " + p.step()
                + " (the last checkpoint was cut short); start again without --resume");
        t.restoreState(p.stageState());
        return (int) p.step();
    }

    /** Just enough of a Stage for Checkpoint: the model and scalar head to save. */
    private record Saved(String name, Transformer model, ScalarHead scalarHead) implements Stage {
        @Override
        public List<Tensor> trainable() {
            throw new UnsupportedOperationException();
        }

        @Override
        public float microStep(Tape tape, float scale) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int tokensPerMicroStep() {
            return 0;
        }

        @Override
        public Map<String, Double> evaluate() {
            return Map.of();
        }

        @Override
        public List<String> samples(long step) {
            return List.of();
        }

        @Override
        public JsonNode saveState() {
            return JsonNodeFactory.instance.objectNode();
        }

        @Override
        public void restoreState(JsonNode state) {
        }
    }
}

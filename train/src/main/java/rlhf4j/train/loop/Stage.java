package rlhf4j.train.loop;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/**
 * What is different about one training stage: its data, its loss, its evaluation. The loop that
 * runs it ({@link Trainer}) is written once.
 */
public interface Stage {
    /** Short name used in logs and the report ("pretrain", "sft", ...). */
    String name();

    /** The model being trained (saved at every checkpoint). */
    Transformer model();

    /**
     * A scalar head trained along with the model (reward and value models), or null. Checkpoints
     * save it as {@code score.weight} next to the model's weights and restore it on resume.
     */
    default ScalarHead scalarHead() {
        return null;
    }

    /** The tensors the optimizer updates (usually all of the model's parameters). */
    List<Tensor> trainable();

    /**
     * Forward and backward of one micro-batch on {@code tape}; the loss is multiplied by
     * {@code scale} (1 / accumulation steps) before backward. Returns the unscaled loss, or NaN/inf
     * to make the loop skip the whole step.
     */
    float microStep(Tape tape, float scale);

    /** Tokens one micro-step trains on (for tokens/s). */
    int tokensPerMicroStep();

    /** Held-out metrics, e.g. {"val_loss": ..., "val_bpb": ...}; must not disturb the training data order. */
    Map<String, Double> evaluate();

    /**
     * Stage-specific training metrics gathered since the last call (e.g. DPO's reward margins, GRPO's
     * mean reward), added to each metrics.jsonl line; the stage resets its window when asked.
     */
    default Map<String, Double> trainMetrics() {
        return Map.of();
    }

    /** A few generations to show progress, or none. */
    List<String> samples(long step);

    /** Everything needed to continue the data order exactly (e.g. the sampler's RNG state). */
    JsonNode saveState();

    void restoreState(JsonNode state);
}

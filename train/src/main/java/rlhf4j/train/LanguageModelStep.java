package rlhf4j.train;

import java.util.List;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;
import rlhf4j.train.optim.AdamW;
import rlhf4j.train.optim.GradClip;
import rlhf4j.train.optim.Grads;

/**
 * One optimizer step of next-token prediction: forward, backward, clip, AdamW. The pieces every
 * language-model stage repeats, with nothing stage-specific; used by the trainer and by
 * {@code rlhf4j bench train}.
 */
public final class LanguageModelStep {
    /** What one step did: the loss, the gradient norm before clipping, whether the update was applied. */
    public record Result(float loss, double gradNorm, boolean applied) {
    }

    private final Transformer model;
    private final AdamW optimizer;
    private final List<Tensor> params;
    private final float clipNorm;

    public LanguageModelStep(Transformer model, AdamW optimizer, float clipNorm) {
        this.model = model;
        this.optimizer = optimizer;
        this.params = model.trainable();
        this.clipNorm = clipNorm;
    }

    /**
     * ids and targets [B·T]; targets equal to {@code ignoreIndex} carry no loss. A non-finite loss
     * or gradient skips the update (the caller decides how many skips are too many).
     */
    public Result step(int[] ids, int[] targets, int batch, int seqLen, int ignoreIndex, float lr) {
        Grads.zeroGrads(params);
        float loss;
        try (Tape tape = Tape.record()) {
            Tensor l = model.loss(ids, targets, batch, seqLen, null, ignoreIndex);
            loss = l.item();
            if (!Float.isFinite(loss)) return new Result(loss, Double.NaN, false);
            tape.backward(l);
        }
        double norm = clipNorm > 0 ? GradClip.clip(params, clipNorm) : GradClip.globalNorm(params);
        if (!Double.isFinite(norm)) return new Result(loss, norm, false);
        optimizer.step(lr);
        return new Result(loss, norm, true);
    }
}

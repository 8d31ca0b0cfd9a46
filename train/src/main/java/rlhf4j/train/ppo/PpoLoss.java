package rlhf4j.train.ppo;

import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tensor;

/**
 * The two PPO losses, as compositions of Ops over the answer tokens of a minibatch.
 * Policy (clipped surrogate): ratio = exp(log π − log π_old),
 * L = −mean(min(ratio·A, clamp(ratio, 1−ε, 1+ε)·A)).
 * Value (clipped as in the PPO baselines): V_clip = V_old + clamp(V − V_old, −ε_v, ε_v),
 * L_V = ½·mean(max((V − R)², (V_clip − R)²)).
 */
public final class PpoLoss {
    private PpoLoss() {
    }

    /** Diagnostics of one policy-loss evaluation. */
    public record Stats(double clipFraction, double approxKl) {
    }

    /** logp [N] (on the tape); oldLogp, advantages [N] constants; mask [N] (1: counts). */
    public static Tensor policy(Tensor logp, float[] oldLogp, float[] advantages, float[] mask, float clip) {
        int n = logp.size();
        Tensor ratio = Ops.exp(Ops.sub(logp, Tensor.of(oldLogp, n)));
        Tensor adv = Tensor.of(advantages, n);
        Tensor unclipped = Ops.mul(ratio, adv);
        Tensor clipped = Ops.mul(Ops.clamp(ratio, 1 - clip, 1 + clip), adv);
        return Ops.neg(Ops.maskedMean(Ops.minimum(unclipped, clipped), mask));
    }

    /** Share of tokens whose ratio left [1−ε, 1+ε], and the k3 estimate of KL(π_old‖π): mean((r − 1) − log r). */
    public static Stats stats(float[] logp, float[] oldLogp, float[] mask, float clip) {
        double clipped = 0, kl = 0, count = 0;
        for (int i = 0; i < logp.length; i++) {
            if (mask[i] == 0) continue;
            double logRatio = (double) logp[i] - oldLogp[i];
            double r = Math.exp(logRatio);
            if (r < 1 - clip || r > 1 + clip) clipped++;
            kl += (r - 1) - logRatio;
            count++;
        }
        return new Stats(clipped / Math.max(1, count), kl / Math.max(1, count));
    }

    /** values [N] (on the tape); oldValues, returns [N] constants. */
    public static Tensor value(Tensor values, float[] oldValues, float[] returns, float[] mask, float clip) {
        int n = values.size();
        Tensor old = Tensor.of(oldValues, n), ret = Tensor.of(returns, n);
        Tensor clippedValues = Ops.add(old, Ops.clamp(Ops.sub(values, old), -clip, clip));
        Tensor lossPlain = Ops.square(Ops.sub(values, ret));
        Tensor lossClipped = Ops.square(Ops.sub(clippedValues, ret));
        return Ops.scale(Ops.maskedMean(Ops.maximum(lossPlain, lossClipped), mask), 0.5f);
    }
}

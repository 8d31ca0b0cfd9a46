package rlhf4j.tensor.ops;

import rlhf4j.tensor.AttentionMask;
import rlhf4j.tensor.Tensor;

/** Placeholder until the op family lands; every method fails loudly. */
public final class Reductions {
    private Reductions() {
    }
    public static Tensor sum(Tensor x) { return pending(); }
    public static Tensor mean(Tensor x) { return pending(); }
    public static Tensor maskedMean(Tensor x, float[] mask) { return pending(); }
    public static Tensor sumLastDim(Tensor x) { return pending(); }
    private static Tensor pending() {
        throw new UnsupportedOperationException("Reductions not implemented yet");
    }
}

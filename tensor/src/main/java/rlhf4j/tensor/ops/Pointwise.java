package rlhf4j.tensor.ops;

import rlhf4j.tensor.AttentionMask;
import rlhf4j.tensor.Tensor;

/** Placeholder until the op family lands; every method fails loudly. */
public final class Pointwise {
    private Pointwise() {
    }
    public static Tensor add(Tensor a, Tensor b) { return pending(); }
    public static Tensor sub(Tensor a, Tensor b) { return pending(); }
    public static Tensor mul(Tensor a, Tensor b) { return pending(); }
    public static Tensor div(Tensor a, Tensor b) { return pending(); }
    public static Tensor scale(Tensor a, float s) { return pending(); }
    public static Tensor addScalar(Tensor a, float s) { return pending(); }
    public static Tensor exp(Tensor a) { return pending(); }
    public static Tensor log(Tensor a) { return pending(); }
    public static Tensor square(Tensor a) { return pending(); }
    public static Tensor sigmoid(Tensor a) { return pending(); }
    public static Tensor logSigmoid(Tensor a) { return pending(); }
    public static Tensor clamp(Tensor a, float lo, float hi) { return pending(); }
    public static Tensor minimum(Tensor a, Tensor b) { return pending(); }
    public static Tensor maximum(Tensor a, Tensor b) { return pending(); }
    public static Tensor where(Tensor c, Tensor a, Tensor b) { return pending(); }
    private static Tensor pending() {
        throw new UnsupportedOperationException("Pointwise not implemented yet");
    }
}

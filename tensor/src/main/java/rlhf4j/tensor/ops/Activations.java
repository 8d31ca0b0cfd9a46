package rlhf4j.tensor.ops;

import rlhf4j.tensor.AttentionMask;
import rlhf4j.tensor.Tensor;

/** Placeholder until the op family lands; every method fails loudly. */
public final class Activations {
    private Activations() {
    }
    public static Tensor gelu(Tensor x) { return pending(); }
    public static Tensor silu(Tensor x) { return pending(); }
    public static Tensor swiglu(Tensor g, Tensor u) { return pending(); }
    public static Tensor relu(Tensor x) { return pending(); }
    public static Tensor relu2(Tensor x) { return pending(); }
    private static Tensor pending() {
        throw new UnsupportedOperationException("Activations not implemented yet");
    }
}

package rlhf4j.tensor.ops;

import rlhf4j.tensor.AttentionMask;
import rlhf4j.tensor.Tensor;

/** Placeholder until the op family lands; every method fails loudly. */
public final class Attention {
    private Attention() {
    }
    public static Tensor attention(Tensor q, Tensor k, Tensor v, AttentionMask mask) { return pending(); }
    private static Tensor pending() {
        throw new UnsupportedOperationException("Attention not implemented yet");
    }
}

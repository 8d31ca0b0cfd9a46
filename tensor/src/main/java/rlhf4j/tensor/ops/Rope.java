package rlhf4j.tensor.ops;

import rlhf4j.tensor.AttentionMask;
import rlhf4j.tensor.Tensor;

/** Placeholder until the op family lands; every method fails loudly. */
public final class Rope {
    private Rope() {
    }
    public static Tensor rope(Tensor x, int[] positions, float theta) { return pending(); }
    private static Tensor pending() {
        throw new UnsupportedOperationException("Rope not implemented yet");
    }
}

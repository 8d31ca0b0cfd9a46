package rlhf4j.tensor.ops;

import rlhf4j.tensor.AttentionMask;
import rlhf4j.tensor.Tensor;

/** Placeholder until the op family lands; every method fails loudly. */
public final class Embedding {
    private Embedding() {
    }
    public static Tensor embedding(Tensor table, int[] ids, int... lead) { return pending(); }
    public static Tensor gatherRows(Tensor x, int[] rows) { return pending(); }
    private static Tensor pending() {
        throw new UnsupportedOperationException("Embedding not implemented yet");
    }
}

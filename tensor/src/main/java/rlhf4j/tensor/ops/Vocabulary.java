package rlhf4j.tensor.ops;

import rlhf4j.tensor.AttentionMask;
import rlhf4j.tensor.Tensor;

/** Placeholder until the op family lands; every method fails loudly. */
public final class Vocabulary {
    private Vocabulary() {
    }
    public static Tensor crossEntropy(Tensor logits, int[] targets, float[] w, int ignore) { return pending(); }
    public static Tensor tokenLogProbs(Tensor logits, int[] targets) { return pending(); }
    public static Tensor entropy(Tensor logits) { return pending(); }
    public static Tensor softmax(Tensor x) { return pending(); }
    public static Tensor logSoftmax(Tensor x) { return pending(); }
    private static Tensor pending() {
        throw new UnsupportedOperationException("Vocabulary not implemented yet");
    }
}

package rlhf4j.tensor.ops;

import rlhf4j.tensor.AttentionMask;
import rlhf4j.tensor.Tensor;

/** Placeholder until the op family lands; every method fails loudly. */
public final class MatMul {
    private MatMul() {
    }
    public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) { return pending(); }
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) { return pending(); }
    private static Tensor pending() {
        throw new UnsupportedOperationException("MatMul not implemented yet");
    }
}

package rlhf4j.model;

import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;

/**
 * A scalar read-out on top of a {@link Transformer}'s hidden states, for reward and value models:
 * one linear D → 1 without bias, named {@code score.weight} as HF's *ForSequenceClassification.
 */
public final class ScalarHead {
    public static final String NAME = "score.weight";

    private final Tensor weight; // [1, D]

    /** A head drawn N(0, std²) from {@code rng} (0 gives a head that starts at exactly zero). */
    public ScalarHead(int dModel, Rng rng, double std) {
        weight = Tensor.param(NAME, 1, dModel);
        if (std > 0) rng.normal(weight, std);
    }

    /** A zero head, to be filled by a loader. */
    public ScalarHead(int dModel) {
        weight = Tensor.param(NAME, 1, dModel);
    }

    public Tensor weight() {
        return weight;
    }

    public int dModel() {
        return weight.dim(1);
    }

    /** hidden [B, T, D] → [B]: the score at position {@code lastIndex[b]} of each row. */
    public Tensor scores(Tensor hidden, int[] lastIndex) {
        int b = hidden.dim(0), t = hidden.dim(1), d = hidden.dim(2);
        if (d != dModel()) throw new IllegalArgumentException(
                "hidden has width " + d + " but the scalar head expects " + dModel());
        if (lastIndex.length != b) throw new IllegalArgumentException(
                "lastIndex has " + lastIndex.length + " entries for a batch of " + b);
        int[] rows = new int[b];
        for (int i = 0; i < b; i++) {
            if (lastIndex[i] < 0 || lastIndex[i] >= t) throw new IllegalArgumentException(
                    "lastIndex[" + i + "] = " + lastIndex[i] + " outside [0, " + t + ")");
            rows[i] = i * t + lastIndex[i];
        }
        return values(Ops.gatherRows(hidden.reshape(b * t, d), rows)).reshape(b);
    }

    /** hidden [..., D] → [..., 1]: a value at every position (PPO's value head). */
    public Tensor values(Tensor hidden) {
        return Ops.linear(hidden, weight, null);
    }
}

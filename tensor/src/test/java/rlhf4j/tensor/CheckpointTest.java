package rlhf4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class CheckpointTest {
    private final Tensor w1 = Tensor.param("w1", 16, 8), w2 = Tensor.param("w2", 8, 16);

    CheckpointTest() {
        new Rng(1).normal(w1, 0.4);
        new Rng(2).normal(w2, 0.4);
    }

    /** A residual two-layer MLP segment: x [N, 8] → [N, 8]. */
    private UnaryOperator<Tensor> segment() {
        return x -> Ops.add(x, Ops.linear(Ops.gelu(Ops.linear(x, w1, null)), w2, null));
    }

    private float[][] run(boolean checkpoint) {
        Tensor x = Tensor.param("x", 5, 8);
        new Rng(3).normal(x, 1);
        w1.zeroGrad();
        w2.zeroGrad();
        try (Tape tape = Tape.record()) {
            Tensor h = x;
            for (int i = 0; i < 3; i++) h = checkpoint ? Tape.checkpoint(h, segment()) : segment().apply(h);
            if (checkpoint) assertThat(tape.recorded()).isEqualTo(3); // one replay op per segment, nothing else kept
            tape.backward(Ops.sum(Ops.square(h)));
        }
        return new float[][] {x.grad().clone(), w1.grad().clone(), w2.grad().clone()};
    }

    @Test
    void recomputedSegmentsGiveTheSameGradientsBitForBit() {
        float[][] plain = run(false), recomputed = run(true);
        for (int i = 0; i < plain.length; i++) assertThat(recomputed[i]).containsExactly(plain[i]);
    }

    @Test
    void withoutATapeTheSegmentJustRuns() {
        Tensor x = Tensor.of(new float[40], 5, 8);
        assertThat(Tape.checkpoint(x, segment()).shape()).containsExactly(5, 8);
    }
}

package rlhf4j.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static rlhf4j.tensor.ops.OpTesting.assertGradients;
import static rlhf4j.tensor.ops.OpTesting.param;

import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tensor;

class ShapesTest {
    @Test
    void splitThenConcatGivesBackTheInput() {
        Tensor x = param("x", 1, 3, 5, 12);
        Tensor[] parts = Ops.split(x, 5, 4, 3);
        assertThat(parts[0].shape()).containsExactly(3, 5, 5);
        assertThat(parts[2].shape()).containsExactly(3, 5, 3);
        assertThat(parts[1].get(2, 4, 1)).isEqualTo(x.get(2, 4, 6));
        assertThat(Ops.concat(parts).data()).containsExactly(x.data());
    }

    @Test
    void everyPartGetsItsGradient() {
        Tensor x = param("x", 2, 3, 5, 7);
        // weigh the parts differently so a misrouted gradient would show
        assertGradients(() -> {
            Tensor[] p = Ops.split(x, 2, 4, 1);
            return Ops.concat(Ops.scale(p[2], 3f), p[0], Ops.square(p[1]));
        }, x);
        // a part nobody uses contributes nothing
        assertGradients(() -> Ops.split(x, 3, 4)[1], x);
    }

    @Test
    void anIntermediateSplitWholeGetsItsGradientWrittenOrAdded() {
        Tensor w = param("w", 2, 3, 9);
        // every part used and the split is x's only use: its backward writes x's whole gradient
        assertGradients(() -> {
            Tensor[] p = Ops.split(Ops.scale(w, 2f), 2, 4, 3);
            return Ops.concat(Ops.square(p[2]), p[0], Ops.scale(p[1], 3f));
        }, w);
        // x also used directly: whichever backward runs second adds to the other's gradient
        assertGradients(() -> {
            Tensor x = Ops.scale(w, 2f);
            Tensor[] p = Ops.split(x, 4, 5);
            return Ops.concat(Ops.square(p[1]), x, p[0]);
        }, w);
    }

    @Test
    void concatGradients() {
        Tensor a = param("a", 3, 3, 5, 2), b = param("b", 4, 3, 5, 7);
        assertGradients(() -> Ops.concat(a, b, a), a, b);
    }

    @Test
    void mismatchesAreReported() {
        assertThatThrownBy(() -> Ops.split(Tensor.zeros(2, 6), 2, 3)).hasMessageContaining("[2, 6]");
        assertThatThrownBy(() -> Ops.concat(Tensor.zeros(2, 3), Tensor.zeros(3, 3)))
                .hasMessageContaining("[2, 3]").hasMessageContaining("[3, 3]");
    }
}

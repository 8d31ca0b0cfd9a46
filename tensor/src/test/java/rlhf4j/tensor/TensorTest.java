package rlhf4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void reshapeIsAViewSharingValuesAndGradient() {
        Tensor p = Tensor.param("w", 2, 3);
        Tensor v = p.reshape(3, -1);
        assertThat(v.shape()).containsExactly(3, 2);
        v.data()[5] = 7f;
        assertThat(p.get(1, 2)).isEqualTo(7f);
        v.grad()[0] = 2f;
        assertThat(p.grad()[0]).isEqualTo(2f);
    }

    @Test
    void badReshapeNamesBothShapes() {
        assertThatThrownBy(() -> Tensor.zeros(2, 3).reshape(4, 2))
                .hasMessageContaining("[2, 3]").hasMessageContaining("[4, 2]");
    }

    @Test
    void pooledBuffersAreReusedAcrossTapes() {
        float[] first;
        try (Tape t = Tape.record()) {
            first = Tensor.empty(false, 64).data();
        }
        try (Tape t = Tape.record()) {
            assertThat(Tensor.empty(false, 64).data()).isSameAs(first);
            assertThat(Tensor.empty(false, 64).data()).isNotSameAs(first);
        }
    }

    @Test
    void withoutATapeNothingRequiresGrad() {
        Tensor p = Tensor.param("w", 4);
        assertThat(Tensor.needsGrad(p)).isFalse();
        try (Tape t = Tape.record()) {
            assertThat(Tensor.needsGrad(p)).isTrue();
            assertThat(Tensor.needsGrad(Tensor.zeros(4))).isFalse();
        }
    }

    @Test
    void rngStateRestoresTheSameStream() {
        Rng a = new Rng(42);
        a.nextGaussian();
        long[] s = a.state();
        double x = a.nextGaussian(), y = a.nextGaussian();
        Rng b = new Rng(0);
        b.restore(s);
        assertThat(b.nextGaussian()).isEqualTo(x);
        assertThat(b.nextGaussian()).isEqualTo(y);
    }

    @Test
    void parallelForRangeCoversEveryIndexOnce() {
        int[] hits = new int[10_000];
        Parallel.forRange(hits.length, 100, (lo, hi) -> {
            for (int i = lo; i < hi; i++) hits[i]++;
        });
        assertThat(hits).containsOnly(1);
    }
}

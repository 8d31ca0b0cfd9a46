package rlhf4j.train.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Tensor;

class GradsTest {
    private static List<Tensor> params() {
        Tensor a = Tensor.param("a", 40_000), b = Tensor.param("b", 3, 7);
        for (Tensor p : List.of(a, b)) {
            float[] g = p.grad();
            for (int i = 0; i < g.length; i++) g[i] = i % 7 - 3f;
        }
        return List.of(a, b, Tensor.param("no_grad", 4));
    }

    @Test
    void zeroGradsClearsEveryBufferAndCreatesNone() {
        List<Tensor> ps = params();
        Grads.zeroGrads(ps);
        assertThat(ps.get(0).grad()).containsOnly(0f);
        assertThat(ps.get(1).grad()).containsOnly(0f);
        assertThat(ps.get(2).hasGrad()).isFalse();
    }

    @Test
    void averageAccumulatedDividesByTheNumberOfMicroBatches() {
        List<Tensor> ps = params();
        Grads.averageAccumulated(ps, 4);
        for (Tensor p : ps.subList(0, 2)) {
            float[] g = p.grad();
            for (int i = 0; i < g.length; i++) assertThat(g[i]).isEqualTo((i % 7 - 3f) * 0.25f);
        }
        assertThat(ps.get(2).hasGrad()).isFalse();
    }

    @Test
    void allFiniteFindsNaNAndInfinityInTheVectorBodyAndTheTail() {
        assertThat(Grads.allFinite(params())).isTrue();
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (int[] where : new int[][] {{0, 12_345}, {0, 39_999}, {1, 20}, {1, 0}}) {
                List<Tensor> ps = params();
                ps.get(where[0]).grad()[where[1]] = bad;
                assertThat(Grads.allFinite(ps)).as(bad + " at " + where[0] + "/" + where[1]).isFalse();
            }
        }
    }

    @Test
    void largeFiniteValuesAreFinite() {
        Tensor p = Tensor.param("p", 100);
        java.util.Arrays.fill(p.grad(), Float.MAX_VALUE);
        assertThat(Grads.allFinite(List.of(p))).isTrue();
    }
}

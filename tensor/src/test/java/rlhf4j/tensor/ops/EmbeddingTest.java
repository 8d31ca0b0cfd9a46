package rlhf4j.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static rlhf4j.tensor.ops.OpTesting.assertClose;
import static rlhf4j.tensor.ops.OpTesting.assertGradients;
import static rlhf4j.tensor.ops.OpTesting.param;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;

class EmbeddingTest {
    @Test
    void embeddingPicksTableRowsIntoTheLeadingShape() {
        Tensor table = param("wte", 1, 11, 7);
        int[] ids = {3, 0, 10, 3, 5, 7};
        Tensor out = Ops.embedding(table, ids, 2, 3);
        assertThat(out.shape()).containsExactly(2, 3, 7);
        for (int k = 0; k < ids.length; k++) {
            assertThat(Arrays.copyOfRange(out.data(), k * 7, k * 7 + 7))
                    .containsExactly(Arrays.copyOfRange(table.data(), ids[k] * 7, ids[k] * 7 + 7));
        }
        assertThat(Ops.embedding(table, ids).shape()).containsExactly(6, 7);
    }

    @Test
    void embeddingGradientAddsOnRepeatedIds() {
        Tensor table = param("wte", 2, 11, 7);
        int[] ids = {3, 0, 10, 3, 5, 3, 9, 0};
        assertGradients(() -> Ops.embedding(table, ids, 2, 4), table);
    }

    @Test
    void scatterMatchesNaiveAcrossColumnBlocks() {
        // 500 ids x 97 columns is past the threading threshold; 97 leaves a tail block
        int v = 40, d = 97, n = 500;
        Tensor table = param("wte", 3, v, d);
        Rng rng = new Rng(4);
        int[] ids = new int[n];
        for (int k = 0; k < n; k++) ids[k] = rng.nextInt(v);
        OpTesting.Run vector = OpTesting.run(() -> Ops.embedding(table, ids), table);
        OpTesting.Run scalar = OpTesting.scalar(() -> OpTesting.run(() -> Ops.embedding(table, ids), table));
        // the seed gradient of OpTesting.run, scattered naively in double
        float[] seed = new float[n * d];
        Rng r = new Rng(99);
        for (int i = 0; i < seed.length; i++) seed[i] = (float) r.nextGaussian();
        double[] expected = new double[v * d];
        for (int k = 0; k < n; k++) for (int j = 0; j < d; j++) expected[ids[k] * d + j] += seed[k * d + j];
        assertClose("table gradient", vector.grads()[0], expected, 1e-5);
        assertThat(vector.grads()[0]).isEqualTo(scalar.grads()[0]); // same adds in the same order
    }

    @Test
    void outOfRangeIdIsReported() {
        Tensor table = Tensor.zeros(5, 3);
        assertThatThrownBy(() -> Ops.embedding(table, new int[] {1, 5}))
                .hasMessageContaining("5").hasMessageContaining("position 1").hasMessageContaining("[0, 5)");
        assertThatThrownBy(() -> Ops.embedding(table, new int[] {-1}))
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> Ops.embedding(table, new int[] {1, 2, 3}, 2, 2))
                .hasMessageContaining("[2, 2]");
    }

    @Test
    void gatherRowsPicksRowsOfTheFlattenedInput() {
        Tensor x = param("x", 5, 3, 4, 5);
        int[] rows = {11, 0, 4, 11};
        Tensor out = Ops.gatherRows(x, rows);
        assertThat(out.shape()).containsExactly(4, 5);
        assertThat(Arrays.copyOfRange(out.data(), 0, 5)).containsExactly(Arrays.copyOfRange(x.data(), 55, 60));
        assertGradients(() -> Ops.gatherRows(x, rows), x);
        assertThatThrownBy(() -> Ops.gatherRows(x, new int[] {12})).hasMessageContaining("12");
    }
}

package rlhf4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import rlhf4j.tensor.Tensor;

class PackedSequencesTest {

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void aPackedRowComputesEachSegmentAsIfItWereAlone(String family) {
        TransformerConfig c = KvCacheTest.config(family);
        Transformer m = TestModels.random(c, 31);
        int d = c.dModel();
        int[] a = TestModels.randomIds(5, c.vocabSize(), 1), b = TestModels.randomIds(4, c.vocabSize(), 2);
        // one row of 10: a (segment 0), b (segment 1), one padding position
        int[] ids = new int[10], segments = new int[10];
        System.arraycopy(a, 0, ids, 0, 5);
        System.arraycopy(b, 0, ids, 5, 4);
        for (int t = 5; t < 9; t++) segments[t] = 1;
        segments[9] = -1;
        float[] packed = m.hidden(ids, 1, 10, segments).data();
        float[] aloneA = m.hidden(a, 1, 5, null).data();
        float[] aloneB = m.hidden(b, 1, 4, null).data();
        for (int i = 0; i < 5 * d; i++) assertThat(packed[i]).isCloseTo(aloneA[i], within(1e-4f));
        for (int i = 0; i < 4 * d; i++) assertThat(packed[5 * d + i]).isCloseTo(aloneB[i], within(1e-4f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void weightedLossCountsOnlyTheRowsItShould(String family) {
        TransformerConfig c = KvCacheTest.config(family);
        Transformer m = TestModels.random(c, 32);
        int[] ids = TestModels.randomIds(12, c.vocabSize(), 3), targets = TestModels.randomIds(12, c.vocabSize(), 4);
        float full = m.loss(ids, targets, 2, 6, null, -100).item();
        int[] firstHalfOnly = targets.clone();
        for (int i = 6; i < 12; i++) firstHalfOnly[i] = -100;
        float[] weights = new float[12];
        for (int i = 0; i < 6; i++) weights[i] = 1;
        float ignored = m.loss(ids, firstHalfOnly, 2, 6, null, -100).item();
        float weighted = m.loss(ids, targets, 2, 6, weights, -100).item();
        assertThat(weighted).isCloseTo(ignored, within(1e-5f));
        assertThat(full).isNotCloseTo(ignored, within(1e-6f));
        Tensor rows = m.logits(m.hidden(ids, 2, 6, null));
        assertThat(rows.shape()).containsExactly(12, c.vocabSize());
    }
}

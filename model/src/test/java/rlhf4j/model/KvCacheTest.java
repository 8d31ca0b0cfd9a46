package rlhf4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import rlhf4j.tensor.Tensor;

class KvCacheTest {

    static TransformerConfig config(String family) {
        return family.equals("gpt2") ? TestModels.tinyGpt2() : TestModels.tinyLlama();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void cachedPrefillThenDecodeGivesTheFullForwardsLogitsAtEveryPosition(String family) {
        TransformerConfig c = config(family);
        Transformer m = TestModels.random(c, 21);
        int batch = 2, seqLen = 12, prefill = 5, v = c.vocabSize();
        int[] ids = TestModels.randomIds(batch * seqLen, v, 4);
        float[] full = m.logits(m.hidden(ids, batch, seqLen, null)).data(); // [B·T, V]

        KvCache cache = m.newCache(batch, seqLen);
        int[] first = new int[batch * prefill];
        for (int b = 0; b < batch; b++) System.arraycopy(ids, b * seqLen, first, b * prefill, prefill);
        Tensor logits = m.forwardCached(first, batch, prefill, cache);
        assertRowsMatch(logits, full, prefill - 1, seqLen, v);
        for (int t = prefill; t < seqLen; t++) {
            int[] step = {ids[t], ids[seqLen + t]};
            logits = m.forwardCached(step, batch, 1, cache);
            assertThat(logits.shape()).containsExactly(batch, v);
            assertRowsMatch(logits, full, t, seqLen, v);
        }
        assertThat(cache.length()).isEqualTo(seqLen);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void leftPaddedRowsDecodeAsIfAlone(String family) {
        TransformerConfig c = config(family);
        Transformer m = TestModels.random(c, 22);
        int v = c.vocabSize();
        int[] shortRow = TestModels.randomIds(3, v, 8), longRow = TestModels.randomIds(7, v, 9);
        int[] next = {5, 9};
        float[] aloneShort = m.logits(m.hidden(append(shortRow, next[0]), 1, 4, null)).data();
        float[] aloneLong = m.logits(m.hidden(append(longRow, next[1]), 1, 8, null)).data();

        KvCache cache = m.newCache(2, 8);
        cache.setLeftPadding(new int[] {4, 0});
        int[] ids = new int[14];
        System.arraycopy(shortRow, 0, ids, 4, 3);
        System.arraycopy(longRow, 0, ids, 7, 7);
        Tensor prefill = m.forwardCached(ids, 2, 7, cache);
        for (int i = 0; i < v; i++) {
            assertThat(prefill.get(0, i)).isCloseTo(aloneShort[2 * v + i], within(1e-4f));
            assertThat(prefill.get(1, i)).isCloseTo(aloneLong[6 * v + i], within(1e-4f));
        }
        Tensor step = m.forwardCached(next, 2, 1, cache);
        for (int i = 0; i < v; i++) {
            assertThat(step.get(0, i)).isCloseTo(aloneShort[3 * v + i], within(1e-4f));
            assertThat(step.get(1, i)).isCloseTo(aloneLong[7 * v + i], within(1e-4f));
        }
    }

    private static int[] append(int[] a, int x) {
        int[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = x;
        return r;
    }

    private static void assertRowsMatch(Tensor logits, float[] full, int t, int seqLen, int v) {
        for (int b = 0; b < logits.dim(0); b++) {
            for (int i = 0; i < v; i++) {
                assertThat(logits.get(b, i)).as("row %d position %d logit %d", b, t, i)
                        .isCloseTo(full[(b * seqLen + t) * v + i], within(1e-4f));
            }
        }
    }
}

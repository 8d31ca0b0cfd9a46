package rlhf4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import rlhf4j.data.clean.Words;
import rlhf4j.data.dedup.LongHashSet;
import rlhf4j.data.dedup.LshIndex;
import rlhf4j.data.dedup.MinHasher;

class MinHashTest {
    private final MinHasher hasher = new MinHasher(128, 5, 42);

    private int[] sig(String text) {
        Words w = new Words().split(text);
        return hasher.signature(w.hashes(), w.count());
    }

    @Test
    void nearDuplicateWithOneWordChangedIsFoundAndUnrelatedDocumentsAreNot() {
        String doc = TestDocs.prose(1, 15);
        String[] words = doc.split(" ");
        words[words.length / 2] = "CHANGED";
        String edited = String.join(" ", words);
        String unrelated = TestDocs.prose(2, 15);

        assertThat(MinHasher.similarity(sig(doc), sig(edited))).isGreaterThan(0.8);
        assertThat(MinHasher.similarity(sig(doc), sig(unrelated))).isLessThan(0.1);

        int[] br = LshIndex.chooseBandsRows(128, 0.8);
        LshIndex lsh = new LshIndex(br[0], br[1]);
        assertThat(lsh.checkAndAdd(lsh.bandHashes(sig(doc)))).isFalse();
        assertThat(lsh.checkAndAdd(lsh.bandHashes(sig(unrelated)))).isFalse();
        assertThat(lsh.checkAndAdd(lsh.bandHashes(sig(edited)))).isTrue();
    }

    @Test
    void signaturesAreReproducibleFromTheSeed() {
        String doc = TestDocs.prose(3, 10);
        assertThat(new MinHasher(64, 5, 7).signature(new Words().split(doc).hashes(), new Words().split(doc).count()))
                .isEqualTo(new MinHasher(64, 5, 7).signature(new Words().split(doc).hashes(), new Words().split(doc).count()));
        assertThat(sig(doc)).isNotEqualTo(new MinHasher(128, 5, 8).signature(new Words().split(doc).hashes(), new Words().split(doc).count()));
    }

    @Test
    void estimateTracksTheExactJaccardOfShingleSets() {
        String[] a = TestDocs.prose(4, 30).toLowerCase().split("\\s+");
        String[] b = a.clone();
        String[] other = TestDocs.prose(5, 30).toLowerCase().split("\\s+");
        System.arraycopy(other, 0, b, b.length / 2, Math.min(other.length, b.length - b.length / 2)); // second half replaced
        java.util.Set<String> sa = shingles(a), sb = shingles(b);
        java.util.Set<String> union = new java.util.HashSet<>(sa);
        union.addAll(sb);
        sa.retainAll(sb);
        double jaccard = (double) sa.size() / union.size();
        double est = MinHasher.similarity(sig(String.join(" ", a)), sig(String.join(" ", b)));
        assertThat(est).isCloseTo(jaccard, org.assertj.core.data.Offset.offset(0.12));
    }

    private static java.util.Set<String> shingles(String[] w) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (int i = 0; i + 5 <= w.length; i++) out.add(String.join(" ", java.util.Arrays.copyOfRange(w, i, i + 5)));
        return out;
    }

    @Test
    void vectorSignatureEqualsScalarReference() {
        for (int perms : new int[] {1, 7, 64, 128, 131}) {
            MinHasher h = new MinHasher(perms, 5, 11);
            for (String doc : new String[] {"", "one two", TestDocs.prose(21, 12)}) {
                Words w = new Words().split(doc);
                assertThat(h.signature(w.hashes(), w.count(), true)).isEqualTo(h.signature(w.hashes(), w.count(), false));
            }
        }
    }

    @Test
    void bandChoiceCentresTheSCurveNearTheThreshold() {
        int[] br = LshIndex.chooseBandsRows(128, 0.8);
        assertThat(br[0] * br[1]).isLessThanOrEqualTo(128);
        assertThat(LshIndex.impliedThreshold(br[0], br[1])).isBetween(0.6, 0.9);
    }

    @Test
    void longHashSetHoldsManyKeysIncludingZero() {
        LongHashSet set = new LongHashSet();
        for (long i = 0; i < 100_000; i++) assertThat(set.add(Hashing.mix64(i))).isTrue();
        assertThat(set.add(0)).isEqualTo(!set.contains(0));
        for (long i = 0; i < 100_000; i++) assertThat(set.contains(Hashing.mix64(i))).isTrue();
        assertThat(set.contains(Hashing.mix64(100_001))).isFalse();
        assertThat(set.add(Hashing.mix64(5))).isFalse();
    }
}

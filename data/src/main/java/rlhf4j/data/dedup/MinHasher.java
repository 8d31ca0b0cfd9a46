package rlhf4j.data.dedup;

import java.util.Arrays;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import rlhf4j.data.Hashing;

/**
 * MinHash signatures over word shingles (Broder 1997): the share of equal signature entries
 * between two documents estimates the Jaccard similarity of their shingle sets. Permutation i is
 * the multiply-shift hash {@code (a_i * x + b_i) >>> 33} of the 64-bit shingle hash x, with
 * a_i (odd) and b_i drawn from the seed, so signatures are the same on every run and machine.
 * Immutable; safe to share between threads.
 */
public final class MinHasher {
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private final long[] a;
    private final long[] b;
    private final int shingleWords;

    public MinHasher(int numPerm, int shingleWords, long seed) {
        this.a = new long[numPerm];
        this.b = new long[numPerm];
        this.shingleWords = shingleWords;
        long s = Hashing.mix64(seed ^ 0x3C6EF372FE94F82BL);
        for (int i = 0; i < numPerm; i++) {
            s = Hashing.mix64(s + 0x9E3779B97F4A7C15L);
            a[i] = s | 1L;
            s = Hashing.mix64(s + 0x9E3779B97F4A7C15L);
            b[i] = s;
        }
    }

    public int numPerm() {
        return a.length;
    }

    /**
     * Signature of the document whose per-word hashes are {@code wordHashes[0, nWords)}: shingles
     * are runs of {@code shingleWords} consecutive words (the whole document when it is shorter).
     */
    public int[] signature(long[] wordHashes, int nWords) {
        return signature(wordHashes, nWords, true);
    }

    /** {@code vectorized = false} runs the plain scalar reference (tests compare the two). */
    public int[] signature(long[] wordHashes, int nWords, boolean vectorized) {
        long[] min = new long[a.length];
        Arrays.fill(min, Long.MAX_VALUE);
        int k = Math.min(shingleWords, nWords);
        for (int i = 0; nWords > 0 && i + k <= nWords; i++) {
            long x = k;
            for (int j = 0; j < k; j++) x = Hashing.combine(x, wordHashes[i + j]);
            if (vectorized) updateVector(min, x);
            else updateScalar(min, x);
        }
        int[] sig = new int[a.length];
        for (int p = 0; p < sig.length; p++) sig[p] = (int) Math.min(min[p], Integer.MAX_VALUE);
        return sig;
    }

    // min[p] = min(min[p], (a[p] * x + b[p]) >>> 33): the 31-bit value of permutation p
    private void updateScalar(long[] min, long x) {
        for (int p = 0; p < min.length; p++) min[p] = Math.min(min[p], (a[p] * x + b[p]) >>> 33);
    }

    private void updateVector(long[] min, long x) {
        int p = 0;
        for (int upper = L.loopBound(min.length); p < upper; p += L.length()) {
            LongVector v = LongVector.fromArray(L, a, p).mul(x).add(LongVector.fromArray(L, b, p)).lanewise(VectorOperators.LSHR, 33);
            v.min(LongVector.fromArray(L, min, p)).intoArray(min, p);
        }
        for (; p < min.length; p++) min[p] = Math.min(min[p], (a[p] * x + b[p]) >>> 33);
    }

    /** Share of equal entries: the MinHash estimate of Jaccard similarity. */
    public static double similarity(int[] x, int[] y) {
        int same = 0;
        for (int i = 0; i < x.length; i++) if (x[i] == y[i]) same++;
        return (double) same / x.length;
    }
}

package rlhf4j.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tile at the heart of {@link VectorGemm}: an {@value #MR}-row by two-vector block of C
 * kept in {@value #MR}x2 FloatVector accumulators while the packed panels stream past. One method,
 * flat and small, so C2 keeps every accumulator in a register (a tile whose vectors crossed a
 * non-inlined call measured 5x slower).
 *
 * <p>Why 12x2: AVX-512 has 32 vector registers; 24 accumulators + 2 B vectors + the broadcast
 * temporaries fit without spilling (checked with -XX:+PrintAssembly: one memory-operand
 * vbroadcastss per row, 2 loads and 24 FMAs per k step, no bounds checks in the loop). Against the
 * former 8x2 tile each B vector loaded from L2 feeds 12 FMAs instead of 8, and the loop's fixed
 * cost is spread over more FMAs: measured 8-12% more GFLOP/s for the tile alone on this machine
 * (Sapphire Rapids, 2 cores), about 90% of a register-only FMA loop. 14x2 (28 accumulators) was
 * no faster. On a machine with 16 vector registers (AVX2) this tile spills; it stays correct.
 */
final class MicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Rows of C per tile. */
    static final int MR = 12;
    /** Columns of C per tile: two vectors. */
    static final int NR = 2 * L;

    private MicroKernel() {
    }

    /**
     * tile[MR×NR] of C at {@code c[ci..]} (row stride ldc) = (C +) Σ_p a[:,p]·b[p,:] over kc steps.
     * {@code ap} holds MR values per step (a packed A strip), {@code bp} NR values per step (a packed
     * B strip). Each element's sum runs p = 0..kc-1 from zero and is then added to C, so its value
     * does not depend on where the tile sits.
     */
    static void tile(float[] ap, int ai, float[] bp, int bi, int kc, float[] c, int ci, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
        FloatVector c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
        FloatVector c100 = FloatVector.zero(S), c101 = FloatVector.zero(S);
        FloatVector c110 = FloatVector.zero(S), c111 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, ap[ai + 0]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(S, ap[ai + 8]);
            c80 = x.fma(b0, c80);
            c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(S, ap[ai + 9]);
            c90 = x.fma(b0, c90);
            c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(S, ap[ai + 10]);
            c100 = x.fma(b0, c100);
            c101 = x.fma(b1, c101);
            x = FloatVector.broadcast(S, ap[ai + 11]);
            c110 = x.fma(b0, c110);
            c111 = x.fma(b1, c111);
        }
        if (add) {
            FloatVector.fromArray(S, c, ci + 0 * ldc).add(c00).intoArray(c, ci + 0 * ldc);
            FloatVector.fromArray(S, c, ci + 0 * ldc + L).add(c01).intoArray(c, ci + 0 * ldc + L);
            FloatVector.fromArray(S, c, ci + 1 * ldc).add(c10).intoArray(c, ci + 1 * ldc);
            FloatVector.fromArray(S, c, ci + 1 * ldc + L).add(c11).intoArray(c, ci + 1 * ldc + L);
            FloatVector.fromArray(S, c, ci + 2 * ldc).add(c20).intoArray(c, ci + 2 * ldc);
            FloatVector.fromArray(S, c, ci + 2 * ldc + L).add(c21).intoArray(c, ci + 2 * ldc + L);
            FloatVector.fromArray(S, c, ci + 3 * ldc).add(c30).intoArray(c, ci + 3 * ldc);
            FloatVector.fromArray(S, c, ci + 3 * ldc + L).add(c31).intoArray(c, ci + 3 * ldc + L);
            FloatVector.fromArray(S, c, ci + 4 * ldc).add(c40).intoArray(c, ci + 4 * ldc);
            FloatVector.fromArray(S, c, ci + 4 * ldc + L).add(c41).intoArray(c, ci + 4 * ldc + L);
            FloatVector.fromArray(S, c, ci + 5 * ldc).add(c50).intoArray(c, ci + 5 * ldc);
            FloatVector.fromArray(S, c, ci + 5 * ldc + L).add(c51).intoArray(c, ci + 5 * ldc + L);
            FloatVector.fromArray(S, c, ci + 6 * ldc).add(c60).intoArray(c, ci + 6 * ldc);
            FloatVector.fromArray(S, c, ci + 6 * ldc + L).add(c61).intoArray(c, ci + 6 * ldc + L);
            FloatVector.fromArray(S, c, ci + 7 * ldc).add(c70).intoArray(c, ci + 7 * ldc);
            FloatVector.fromArray(S, c, ci + 7 * ldc + L).add(c71).intoArray(c, ci + 7 * ldc + L);
            FloatVector.fromArray(S, c, ci + 8 * ldc).add(c80).intoArray(c, ci + 8 * ldc);
            FloatVector.fromArray(S, c, ci + 8 * ldc + L).add(c81).intoArray(c, ci + 8 * ldc + L);
            FloatVector.fromArray(S, c, ci + 9 * ldc).add(c90).intoArray(c, ci + 9 * ldc);
            FloatVector.fromArray(S, c, ci + 9 * ldc + L).add(c91).intoArray(c, ci + 9 * ldc + L);
            FloatVector.fromArray(S, c, ci + 10 * ldc).add(c100).intoArray(c, ci + 10 * ldc);
            FloatVector.fromArray(S, c, ci + 10 * ldc + L).add(c101).intoArray(c, ci + 10 * ldc + L);
            FloatVector.fromArray(S, c, ci + 11 * ldc).add(c110).intoArray(c, ci + 11 * ldc);
            FloatVector.fromArray(S, c, ci + 11 * ldc + L).add(c111).intoArray(c, ci + 11 * ldc + L);
        } else {
            c00.intoArray(c, ci + 0 * ldc);
            c01.intoArray(c, ci + 0 * ldc + L);
            c10.intoArray(c, ci + 1 * ldc);
            c11.intoArray(c, ci + 1 * ldc + L);
            c20.intoArray(c, ci + 2 * ldc);
            c21.intoArray(c, ci + 2 * ldc + L);
            c30.intoArray(c, ci + 3 * ldc);
            c31.intoArray(c, ci + 3 * ldc + L);
            c40.intoArray(c, ci + 4 * ldc);
            c41.intoArray(c, ci + 4 * ldc + L);
            c50.intoArray(c, ci + 5 * ldc);
            c51.intoArray(c, ci + 5 * ldc + L);
            c60.intoArray(c, ci + 6 * ldc);
            c61.intoArray(c, ci + 6 * ldc + L);
            c70.intoArray(c, ci + 7 * ldc);
            c71.intoArray(c, ci + 7 * ldc + L);
            c80.intoArray(c, ci + 8 * ldc);
            c81.intoArray(c, ci + 8 * ldc + L);
            c90.intoArray(c, ci + 9 * ldc);
            c91.intoArray(c, ci + 9 * ldc + L);
            c100.intoArray(c, ci + 10 * ldc);
            c101.intoArray(c, ci + 10 * ldc + L);
            c110.intoArray(c, ci + 11 * ldc);
            c111.intoArray(c, ci + 11 * ldc + L);
        }
    }
}

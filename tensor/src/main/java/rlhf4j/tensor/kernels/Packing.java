package rlhf4j.tensor.kernels;

import static rlhf4j.tensor.kernels.MicroKernel.L;
import static rlhf4j.tensor.kernels.MicroKernel.MR;
import static rlhf4j.tensor.kernels.MicroKernel.NR;
import static rlhf4j.tensor.kernels.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Copies blocks of op(A) and op(B) into the contiguous order the micro-kernel reads: A in strips of
 * MR rows (MR values per k step), B in strips of NR columns (NR values per k step). Rows or columns
 * past the matrix edge are zero, so the kernel always computes whole tiles.
 */
final class Packing {
    /**
     * Packing an untransposed A strip gathers whole vectors: the smallest run of k steps whose MR
     * values per step fill whole vectors is GROUP = lcm(MR, L) floats (12 rows, 16 lanes: 48 floats,
     * 4 steps, 3 gathers).
     */
    static final int GROUP = MR / gcd(MR, L) * L;
    static final int GROUP_STEPS = GROUP / MR;
    static final int GROUP_VECS = GROUP / L;
    /** The first MR lanes: one k step of a packed A strip. */
    private static final VectorMask<Float> STEP_A = S.indexInRange(0, Math.min(MR, L));

    private Packing() {
    }

    /**
     * op(A)[i0 : i0+mc, p0 : p0+kc] → dst as ceil(mc/MR) strips of kc×MR.
     * A is stored [m, k] (lda) or, when {@code trans}, [k, m]. {@code map} is GROUP (≥ L) ints of
     * scratch for the gather index map. dst has room for L floats past the strips (they may be
     * written with garbage).
     */
    static void packA(float[] a, int aOff, int lda, boolean trans, int i0, int mc, int p0, int kc, float[] dst, int[] map) {
        if (!trans) gatherRowGroups(lda, map);
        int d = 0;
        for (int s = 0; s < mc; s += MR) {
            int rows = Math.min(MR, mc - s);
            if (trans && MR <= L) {
                // op(A)(i, p) = a[p*lda + i]: MR consecutive floats per step, one vector copy each;
                // 3x faster than copying them one by one
                VectorMask<Float> inside = S.indexInRange(0, rows);
                int src = aOff + p0 * lda + i0 + s, p = 0;
                if (rows == MR) {
                    // A whole strip copies whole vectors, unmasked, while a vector from src still lies
                    // inside a: its L - MR extra lanes land where the next step (or the next strip, or
                    // dst's L floats of room past the last strip) is written afterwards. Measured against
                    // the masked copy, paired runs: 1.04-1.10x on the weight-gradient multiplies of
                    // configs A-C (dYᵀ·X, A transposed), 1.0x elsewhere.
                    int whole = Math.min(kc, wholeVectorSteps(a.length, src, lda));
                    for (; p < whole; p++, d += MR, src += lda) FloatVector.fromArray(S, a, src).intoArray(dst, d);
                }
                for (; p < kc; p++, d += MR, src += lda) {
                    FloatVector.fromArray(S, a, src, inside).intoArray(dst, d, STEP_A);
                }
            } else if (trans) {
                // op(A)(i, p) = a[p*lda + i]: MR consecutive floats per step
                for (int p = 0; p < kc; p++, d += MR) {
                    int src = aOff + (p0 + p) * lda + i0 + s;
                    int r = 0;
                    for (; r < rows; r++) dst[d + r] = a[src + r];
                    for (; r < MR; r++) dst[d + r] = 0f;
                }
            } else if (rows == MR && kc >= GROUP_STEPS) {
                // op(A)(i, p) = a[i*lda + p]: GROUP_VECS gathers collect GROUP_STEPS steps of all MR
                // rows (lane q of the group reads row q % MR at step p + q / MR), already in packed order
                int src = aOff + (i0 + s) * lda + p0, p = 0;
                for (; p + GROUP_STEPS <= kc; p += GROUP_STEPS) {
                    for (int v = 0; v < GROUP_VECS; v++) {
                        FloatVector.fromArray(S, a, src + p, map, v * L).intoArray(dst, d + p * MR + v * L);
                    }
                }
                for (; p < kc; p++) {
                    for (int r = 0; r < MR; r++) dst[d + p * MR + r] = a[src + r * lda + p];
                }
                d += kc * MR;
            } else {
                // op(A)(i, p) = a[i*lda + p]: read each row along p, write every MR-th slot
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (i0 + s + r) * lda + p0;
                    for (int p = 0; p < kc; p++) dst[d + p * MR + r] = a[src + p];
                }
                for (int r = rows; r < MR; r++) {
                    for (int p = 0; p < kc; p++) dst[d + p * MR + r] = 0f;
                }
                d += kc * MR;
            }
        }
    }

    /**
     * op(B)[p0 : p0+kc, j0 : j0+nc] → dst from {@code dOff} as ceil(nc/NR) strips of kc×NR.
     * B is stored [k, n] (ldb) or, when {@code trans}, [n, k]. {@code map}: as for packA.
     */
    static void packB(float[] b, int bOff, int ldb, boolean trans, int p0, int kc, int j0, int nc, float[] dst, int dOff, int[] map) {
        if (trans) gatherRows(ldb, map);
        int d = dOff;
        for (int s = 0; s < nc; s += NR) {
            int cols = Math.min(NR, nc - s);
            if (!trans) {
                // op(B)(p, j) = b[p*ldb + j]: NR consecutive floats per step
                int src = bOff + p0 * ldb + j0 + s;
                if (cols == NR) {
                    for (int p = 0; p < kc; p++, d += NR, src += ldb) {
                        FloatVector.fromArray(S, b, src).intoArray(dst, d);
                        FloatVector.fromArray(S, b, src + L).intoArray(dst, d + L);
                    }
                } else {
                    for (int p = 0; p < kc; p++, d += NR, src += ldb) {
                        int j = 0;
                        for (; j < cols; j++) dst[d + j] = b[src + j];
                        for (; j < NR; j++) dst[d + j] = 0f;
                    }
                }
            } else if (cols == NR) {
                // op(B)(p, j) = b[j*ldb + p]: two gathers per step, each down L stored rows
                int[] idx = map;
                int src = bOff + (j0 + s) * ldb + p0, src2 = src + L * ldb;
                for (int p = 0; p < kc; p++, d += NR) {
                    FloatVector.fromArray(S, b, src + p, idx, 0).intoArray(dst, d);
                    FloatVector.fromArray(S, b, src2 + p, idx, 0).intoArray(dst, d + L);
                }
            } else {
                // op(B)(p, j) = b[j*ldb + p]: read each stored row along p, write every NR-th slot
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (j0 + s + j) * ldb + p0;
                    for (int p = 0; p < kc; p++) dst[d + p * NR + j] = b[src + p];
                }
                for (int j = cols; j < NR; j++) {
                    for (int p = 0; p < kc; p++) dst[d + p * NR + j] = 0f;
                }
                d += kc * NR;
            }
        }
    }

    /** How many steps p = 0, 1, … have a whole vector a[src + p·ld, + L) inside an array of this length. */
    private static int wholeVectorSteps(int length, int src, int ld) {
        int room = length - L - src;
        return room < 0 ? 0 : room / ld + 1;
    }

    /** {0, ld, 2·ld, …} into map: lane j reads stored row j. */
    private static int[] gatherRows(int ld, int[] map) {
        for (int j = 0; j < L; j++) map[j] = j * ld;
        return map;
    }

    /** Lane q of a group reads row q % MR, column q / MR: GROUP_STEPS packed k steps of an MR-row strip. */
    private static int[] gatherRowGroups(int ld, int[] map) {
        for (int q = 0; q < GROUP; q++) map[q] = (q % MR) * ld + q / MR;
        return map;
    }

    private static int gcd(int x, int y) {
        return y == 0 ? x : gcd(y, x % y);
    }
}

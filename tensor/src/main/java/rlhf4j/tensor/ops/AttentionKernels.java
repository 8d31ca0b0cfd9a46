package rlhf4j.tensor.ops;

import rlhf4j.tensor.LaneSums;
import rlhf4j.tensor.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The small matrix products of blocked attention, on a tile of at most {@link #BQ} query rows
 * against a block of {@link #BK} keys. Rows of q, k, v, dO are read in place with their stride
 * (heads are interleaved: [B, T, H, hd]); a key or value block is first transposed into a scratch
 * {@code [hd, BK]} so scores come out of broadcast-FMA loops without horizontal sums. Each vector
 * kernel has a scalar twin, the reference in tests.
 */
final class AttentionKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** Keys per block: a whole number of vector pairs on any species up to 512 bits. */
    static final int BK = 64;
    /** Query rows per tile. */
    static final int BQ = 32;

    private AttentionKernels() {
    }

    /** kt[d·BK + c] = k[kOff + c·kStride + d] for c < keys, 0 for keys ≤ c < BK. */
    static void transposeBlock(float[] k, int kOff, int kStride, int keys, int hd, float[] kt) {
        for (int c = 0; c < keys; c++) {
            int src = kOff + c * kStride;
            for (int d = 0; d < hd; d++) kt[d * BK + c] = k[src + d];
        }
        if (keys < BK) {
            for (int d = 0; d < hd; d++) java.util.Arrays.fill(kt, d * BK + keys, d * BK + BK, 0f);
        }
    }

    /**
     * s[i·BK + c] = Σ_d a[aOff + i·aStride + d] · bt[d·BK + c] for i < rows, c < BK: a tile of scores
     * (q·k) or of dO·v, from a transposed block. Register tile: 4 rows × 4 vectors where the block is
     * that wide, else 4 × 2.
     */
    static void scoresTransposed(float[] a, int aOff, int aStride, int rows, float[] bt, int hd, float[] s) {
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            int a0 = aOff + i * aStride, a1 = a0 + aStride, a2 = a1 + aStride, a3 = a2 + aStride;
            int c = 0;
            for (; c + 4 * L <= BK; c += 4 * L) scoresTile4x4(a, a0, aStride, bt, c, hd, s, i * BK + c);
            for (; c < BK; c += 2 * L) {
                FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
                FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
                FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
                FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
                for (int d = 0; d < hd; d++) {
                    FloatVector b0 = FloatVector.fromArray(F, bt, d * BK + c);
                    FloatVector b1 = FloatVector.fromArray(F, bt, d * BK + c + L);
                    FloatVector x0 = FloatVector.broadcast(F, a[a0 + d]);
                    c00 = x0.fma(b0, c00);
                    c01 = x0.fma(b1, c01);
                    FloatVector x1 = FloatVector.broadcast(F, a[a1 + d]);
                    c10 = x1.fma(b0, c10);
                    c11 = x1.fma(b1, c11);
                    FloatVector x2 = FloatVector.broadcast(F, a[a2 + d]);
                    c20 = x2.fma(b0, c20);
                    c21 = x2.fma(b1, c21);
                    FloatVector x3 = FloatVector.broadcast(F, a[a3 + d]);
                    c30 = x3.fma(b0, c30);
                    c31 = x3.fma(b1, c31);
                }
                int o = i * BK + c;
                c00.intoArray(s, o);
                c01.intoArray(s, o + L);
                c10.intoArray(s, o + BK);
                c11.intoArray(s, o + BK + L);
                c20.intoArray(s, o + 2 * BK);
                c21.intoArray(s, o + 2 * BK + L);
                c30.intoArray(s, o + 3 * BK);
                c31.intoArray(s, o + 3 * BK + L);
            }
        }
        for (; i < rows; i++) {
            int a0 = aOff + i * aStride;
            for (int c = 0; c < BK; c += 2 * L) {
                FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
                for (int d = 0; d < hd; d++) {
                    FloatVector x0 = FloatVector.broadcast(F, a[a0 + d]);
                    c00 = x0.fma(FloatVector.fromArray(F, bt, d * BK + c), c00);
                    c01 = x0.fma(FloatVector.fromArray(F, bt, d * BK + c + L), c01);
                }
                c00.intoArray(s, i * BK + c);
                c01.intoArray(s, i * BK + c + L);
            }
        }
    }

    /**
     * s[4 rows, 4 vectors from o] = a[4 rows from a0, hd]·bt[hd, c..c+4L): the 16-accumulator tile of
     * {@link #scoresTransposed} (a whole 64-key block on AVX-512), each bt row loaded once for 4 rows.
     * Same sum order over d as the 4×2 tile, so results do not depend on which tile ran.
     */
    private static void scoresTile4x4(float[] a, int a0, int aStride, float[] bt, int c, int hd, float[] s, int o) {
        int a1 = a0 + aStride, a2 = a1 + aStride, a3 = a2 + aStride;
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F), c03 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F), c13 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F), c22 = FloatVector.zero(F), c23 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F), c32 = FloatVector.zero(F), c33 = FloatVector.zero(F);
        for (int d = 0; d < hd; d++) {
            int bo = d * BK + c;
            FloatVector b0 = FloatVector.fromArray(F, bt, bo);
            FloatVector b1 = FloatVector.fromArray(F, bt, bo + L);
            FloatVector b2 = FloatVector.fromArray(F, bt, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, bt, bo + 3 * L);
            FloatVector x;
            x = FloatVector.broadcast(F, a[a0 + d]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(F, a[a1 + d]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(F, a[a2 + d]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(F, a[a3 + d]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        c00.intoArray(s, o);
        c01.intoArray(s, o + L);
        c02.intoArray(s, o + 2 * L);
        c03.intoArray(s, o + 3 * L);
        c10.intoArray(s, o + 1 * BK);
        c11.intoArray(s, o + 1 * BK + L);
        c12.intoArray(s, o + 1 * BK + 2 * L);
        c13.intoArray(s, o + 1 * BK + 3 * L);
        c20.intoArray(s, o + 2 * BK);
        c21.intoArray(s, o + 2 * BK + L);
        c22.intoArray(s, o + 2 * BK + 2 * L);
        c23.intoArray(s, o + 2 * BK + 3 * L);
        c30.intoArray(s, o + 3 * BK);
        c31.intoArray(s, o + 3 * BK + L);
        c32.intoArray(s, o + 3 * BK + 2 * L);
        c33.intoArray(s, o + 3 * BK + 3 * L);
    }

    static void scoresTransposedScalar(float[] a, int aOff, int aStride, int rows, float[] bt, int hd, float[] s) {
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < BK; c++) {
                float acc = 0;
                for (int d = 0; d < hd; d++) acc += a[aOff + i * aStride + d] * bt[d * BK + c];
                s[i * BK + c] = acc;
            }
        }
    }

    /**
     * s[sOff + i·BK + c] = a_i · b_c for i < rows, c < keys, by direct dot products: for tiles of one or two
     * rows (a decode step) where transposing the block would cost as much as the scores. With 16
     * lanes and a head a whole number of vectors wide, sixteen keys at a time: one accumulator each
     * over the head dimension, their lanes summed together by {@link LaneSums#sum16} (summing each
     * key's lanes on its own cost about as much as its FMAs); the keys left over are summed by the
     * same tree, so a score does not depend on where its key falls. {@code lanes}: 16·L floats.
     */
    static void scoresDirect(float[] a, int aOff, int aStride, int rows, float[] b, int bOff, int bStride, int keys,
                             int hd, float[] s, int sOff, float[] lanes) {
        if (!LaneSums.BATCHED || hd % L != 0) {
            for (int i = 0; i < rows; i++) {
                for (int c = 0; c < keys; c++) s[sOff + i * BK + c] = RowKernels.dot(a, aOff + i * aStride, b, bOff + c * bStride, hd);
            }
            return;
        }
        for (int i = 0; i < rows; i++) {
            int qi = aOff + i * aStride, si = sOff + i * BK, c = 0;
            for (; c + 16 <= keys; c += 16) {
                dots16(a, qi, b, bOff + c * bStride, bStride, hd, lanes);
                LaneSums.sum16(lanes, 0, s, si + c);
            }
            for (; c < keys; c++) {
                FloatVector acc = FloatVector.zero(F);
                int kj = bOff + c * bStride;
                for (int d = 0; d < hd; d += L) acc = FloatVector.fromArray(F, a, qi + d).fma(FloatVector.fromArray(F, b, kj + d), acc);
                acc.intoArray(lanes, 0);
                s[si + c] = LaneSums.sum(lanes);
            }
        }
    }

    // lanes[c·L ..] = Σ_d q[qi + d ..] · b[kj + c·bStride + d ..] lane-wise for 16 keys c, d in vector steps.
    private static void dots16(float[] a, int qi, float[] b, int kj, int bStride, int hd, float[] lanes) {
        FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
        FloatVector s4 = FloatVector.zero(F), s5 = FloatVector.zero(F), s6 = FloatVector.zero(F), s7 = FloatVector.zero(F);
        FloatVector s8 = FloatVector.zero(F), s9 = FloatVector.zero(F), s10 = FloatVector.zero(F), s11 = FloatVector.zero(F);
        FloatVector s12 = FloatVector.zero(F), s13 = FloatVector.zero(F), s14 = FloatVector.zero(F), s15 = FloatVector.zero(F);
        for (int d = 0; d < hd; d += L) {
            FloatVector q = FloatVector.fromArray(F, a, qi + d);
            int r = kj + d;
            s0 = q.fma(FloatVector.fromArray(F, b, r), s0);
            s1 = q.fma(FloatVector.fromArray(F, b, r + bStride), s1);
            s2 = q.fma(FloatVector.fromArray(F, b, r + 2 * bStride), s2);
            s3 = q.fma(FloatVector.fromArray(F, b, r + 3 * bStride), s3);
            s4 = q.fma(FloatVector.fromArray(F, b, r + 4 * bStride), s4);
            s5 = q.fma(FloatVector.fromArray(F, b, r + 5 * bStride), s5);
            s6 = q.fma(FloatVector.fromArray(F, b, r + 6 * bStride), s6);
            s7 = q.fma(FloatVector.fromArray(F, b, r + 7 * bStride), s7);
            s8 = q.fma(FloatVector.fromArray(F, b, r + 8 * bStride), s8);
            s9 = q.fma(FloatVector.fromArray(F, b, r + 9 * bStride), s9);
            s10 = q.fma(FloatVector.fromArray(F, b, r + 10 * bStride), s10);
            s11 = q.fma(FloatVector.fromArray(F, b, r + 11 * bStride), s11);
            s12 = q.fma(FloatVector.fromArray(F, b, r + 12 * bStride), s12);
            s13 = q.fma(FloatVector.fromArray(F, b, r + 13 * bStride), s13);
            s14 = q.fma(FloatVector.fromArray(F, b, r + 14 * bStride), s14);
            s15 = q.fma(FloatVector.fromArray(F, b, r + 15 * bStride), s15);
        }
        s0.intoArray(lanes, 0);
        s1.intoArray(lanes, L);
        s2.intoArray(lanes, 2 * L);
        s3.intoArray(lanes, 3 * L);
        s4.intoArray(lanes, 4 * L);
        s5.intoArray(lanes, 5 * L);
        s6.intoArray(lanes, 6 * L);
        s7.intoArray(lanes, 7 * L);
        s8.intoArray(lanes, 8 * L);
        s9.intoArray(lanes, 9 * L);
        s10.intoArray(lanes, 10 * L);
        s11.intoArray(lanes, 11 * L);
        s12.intoArray(lanes, 12 * L);
        s13.intoArray(lanes, 13 * L);
        s14.intoArray(lanes, 14 * L);
        s15.intoArray(lanes, 15 * L);
    }

    /**
     * C += alpha · A·B with A (rows × inner) read as a[aOff + i·aRow + k·aCol] (so a transposed tile is
     * just swapped strides), B rows b[bOff + k·bStride, + hd), C rows c[cOff + i·cStride, + hd).
     * Register tile: 4 rows × 4 vectors of the head dimension where it is that wide, else 4 × 2.
     */
    static void accumulateProduct(float alpha, float[] a, int aOff, int aRow, int aCol, int rows, int inner,
                                  float[] b, int bOff, int bStride, float[] c, int cOff, int cStride, int hd) {
        FloatVector av = FloatVector.broadcast(F, alpha);
        int d = 0;
        for (; d + 4 * L <= hd; d += 4 * L) {
            // 4 rows × 4 vectors (a 64-wide head on AVX-512 in one pass): 16 accumulators, and each
            // B row loaded once feeds 4 rows; the 4×2 tile below loaded B twice as often per FMA
            int i = 0;
            for (; i + 4 <= rows; i += 4) accumulateTile4x4(alpha, a, aOff + i * aRow, aRow, aCol, inner, b, bOff + d, bStride, c, cOff + i * cStride + d, cStride);
            for (; i < rows; i++) {
                FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F);
                int ai = aOff + i * aRow;
                for (int k = 0; k < inner; k++) {
                    int bo = bOff + k * bStride + d;
                    FloatVector x = FloatVector.broadcast(F, a[ai + k * aCol]);
                    c0 = x.fma(FloatVector.fromArray(F, b, bo), c0);
                    c1 = x.fma(FloatVector.fromArray(F, b, bo + L), c1);
                    c2 = x.fma(FloatVector.fromArray(F, b, bo + 2 * L), c2);
                    c3 = x.fma(FloatVector.fromArray(F, b, bo + 3 * L), c3);
                }
                int co = cOff + i * cStride + d;
                c0.fma(av, FloatVector.fromArray(F, c, co)).intoArray(c, co);
                c1.fma(av, FloatVector.fromArray(F, c, co + L)).intoArray(c, co + L);
                c2.fma(av, FloatVector.fromArray(F, c, co + 2 * L)).intoArray(c, co + 2 * L);
                c3.fma(av, FloatVector.fromArray(F, c, co + 3 * L)).intoArray(c, co + 3 * L);
            }
        }
        for (; d + 2 * L <= hd; d += 2 * L) {
            int i = 0;
            for (; i + 4 <= rows; i += 4) {
                FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
                FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
                FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
                FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
                int ai = aOff + i * aRow;
                for (int k = 0; k < inner; k++) {
                    int bo = bOff + k * bStride + d, ak = ai + k * aCol;
                    FloatVector b0 = FloatVector.fromArray(F, b, bo);
                    FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
                    FloatVector x0 = FloatVector.broadcast(F, a[ak]);
                    c00 = x0.fma(b0, c00);
                    c01 = x0.fma(b1, c01);
                    FloatVector x1 = FloatVector.broadcast(F, a[ak + aRow]);
                    c10 = x1.fma(b0, c10);
                    c11 = x1.fma(b1, c11);
                    FloatVector x2 = FloatVector.broadcast(F, a[ak + 2 * aRow]);
                    c20 = x2.fma(b0, c20);
                    c21 = x2.fma(b1, c21);
                    FloatVector x3 = FloatVector.broadcast(F, a[ak + 3 * aRow]);
                    c30 = x3.fma(b0, c30);
                    c31 = x3.fma(b1, c31);
                }
                int co = cOff + i * cStride + d;
                c00.fma(av, FloatVector.fromArray(F, c, co)).intoArray(c, co);
                c01.fma(av, FloatVector.fromArray(F, c, co + L)).intoArray(c, co + L);
                co += cStride;
                c10.fma(av, FloatVector.fromArray(F, c, co)).intoArray(c, co);
                c11.fma(av, FloatVector.fromArray(F, c, co + L)).intoArray(c, co + L);
                co += cStride;
                c20.fma(av, FloatVector.fromArray(F, c, co)).intoArray(c, co);
                c21.fma(av, FloatVector.fromArray(F, c, co + L)).intoArray(c, co + L);
                co += cStride;
                c30.fma(av, FloatVector.fromArray(F, c, co)).intoArray(c, co);
                c31.fma(av, FloatVector.fromArray(F, c, co + L)).intoArray(c, co + L);
            }
            for (; i < rows; i++) {
                FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
                int ai = aOff + i * aRow;
                for (int k = 0; k < inner; k++) {
                    int bo = bOff + k * bStride + d;
                    FloatVector x0 = FloatVector.broadcast(F, a[ai + k * aCol]);
                    c00 = x0.fma(FloatVector.fromArray(F, b, bo), c00);
                    c01 = x0.fma(FloatVector.fromArray(F, b, bo + L), c01);
                }
                int co = cOff + i * cStride + d;
                c00.fma(av, FloatVector.fromArray(F, c, co)).intoArray(c, co);
                c01.fma(av, FloatVector.fromArray(F, c, co + L)).intoArray(c, co + L);
            }
        }
        for (; d + L <= hd; d += L) {
            for (int i = 0; i < rows; i++) {
                FloatVector c00 = FloatVector.zero(F);
                int ai = aOff + i * aRow;
                for (int k = 0; k < inner; k++) {
                    c00 = FloatVector.broadcast(F, a[ai + k * aCol]).fma(FloatVector.fromArray(F, b, bOff + k * bStride + d), c00);
                }
                int co = cOff + i * cStride + d;
                c00.fma(av, FloatVector.fromArray(F, c, co)).intoArray(c, co);
            }
        }
        if (d < hd) accumulateProductScalar(alpha, a, aOff, aRow, aCol, rows, inner, b, bOff + d, bStride, c, cOff + d, cStride, hd - d);
    }

    /**
     * C[4 rows, 4 vectors] += alpha · A[4 rows, inner]·B[inner, 4 vectors]: the register tile of
     * {@link #accumulateProduct}; only arrays and offsets cross the call, never a vector.
     * Each element's sum runs k = 0..inner-1 in order, as in the other tiles, so the tile shape does
     * not change any result.
     */
    private static void accumulateTile4x4(float alpha, float[] a, int ai, int aRow, int aCol, int inner,
                                          float[] b, int bOff, int bStride, float[] c, int co, int cStride) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F), c03 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F), c13 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F), c22 = FloatVector.zero(F), c23 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F), c32 = FloatVector.zero(F), c33 = FloatVector.zero(F);
        for (int k = 0; k < inner; k++) {
            int bo = bOff + k * bStride, ak = ai + k * aCol;
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(F, b, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, b, bo + 3 * L);
            FloatVector x = FloatVector.broadcast(F, a[ak]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(F, a[ak + aRow]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(F, a[ak + 2 * aRow]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(F, a[ak + 3 * aRow]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        FloatVector av = FloatVector.broadcast(F, alpha);
        c00.fma(av, FloatVector.fromArray(F, c, co)).intoArray(c, co);
        c01.fma(av, FloatVector.fromArray(F, c, co + L)).intoArray(c, co + L);
        c02.fma(av, FloatVector.fromArray(F, c, co + 2 * L)).intoArray(c, co + 2 * L);
        c03.fma(av, FloatVector.fromArray(F, c, co + 3 * L)).intoArray(c, co + 3 * L);
        co += cStride;
        c10.fma(av, FloatVector.fromArray(F, c, co)).intoArray(c, co);
        c11.fma(av, FloatVector.fromArray(F, c, co + L)).intoArray(c, co + L);
        c12.fma(av, FloatVector.fromArray(F, c, co + 2 * L)).intoArray(c, co + 2 * L);
        c13.fma(av, FloatVector.fromArray(F, c, co + 3 * L)).intoArray(c, co + 3 * L);
        co += cStride;
        c20.fma(av, FloatVector.fromArray(F, c, co)).intoArray(c, co);
        c21.fma(av, FloatVector.fromArray(F, c, co + L)).intoArray(c, co + L);
        c22.fma(av, FloatVector.fromArray(F, c, co + 2 * L)).intoArray(c, co + 2 * L);
        c23.fma(av, FloatVector.fromArray(F, c, co + 3 * L)).intoArray(c, co + 3 * L);
        co += cStride;
        c30.fma(av, FloatVector.fromArray(F, c, co)).intoArray(c, co);
        c31.fma(av, FloatVector.fromArray(F, c, co + L)).intoArray(c, co + L);
        c32.fma(av, FloatVector.fromArray(F, c, co + 2 * L)).intoArray(c, co + 2 * L);
        c33.fma(av, FloatVector.fromArray(F, c, co + 3 * L)).intoArray(c, co + 3 * L);
    }

    static void accumulateProductScalar(float alpha, float[] a, int aOff, int aRow, int aCol, int rows, int inner,
                                        float[] b, int bOff, int bStride, float[] c, int cOff, int cStride, int width) {
        for (int i = 0; i < rows; i++) {
            for (int d = 0; d < width; d++) {
                float acc = 0;
                for (int k = 0; k < inner; k++) acc += a[aOff + i * aRow + k * aCol] * b[bOff + k * bStride + d];
                c[cOff + i * cStride + d] += alpha * acc;
            }
        }
    }

    /**
     * One row of the forward's online softmax over a key block: scales the raw scores s[off, + BK),
     * hides keys at or past {@code visible} (−∞), and returns the row max.
     */
    static float scaleAndMask(float[] s, int off, int visible, float scale) {
        FloatVector neg = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector mx = neg;
        for (int c = 0; c < BK; c += L) {
            FloatVector v;
            if (c + L <= visible) {
                v = FloatVector.fromArray(F, s, off + c).mul(scale);
            } else if (c >= visible) {
                v = neg;
            } else {
                v = neg.blend(FloatVector.fromArray(F, s, off + c).mul(scale), F.indexInRange(c, visible));
            }
            v.intoArray(s, off + c);
            mx = mx.max(v);
        }
        return mx.reduceLanes(VectorOperators.MAX);
    }

    /**
     * s ← exp(s − shift) over the row of BK; returns the sum. −∞ becomes 0. Entries from
     * {@code visible} on are all −∞ (masked), so whole vectors past it are just zeroed: the same
     * result without the exponentials (on the causal diagonal, half the block).
     */
    static float expShifted(float[] s, int off, float shift, int visible) {
        // exp and the sum go through arrays: this runs inlined in the large attention kernels, where
        // a vector passed to a call that C2 left standing is boxed (VectorMath.expInPlace says more)
        FloatVector sv = FloatVector.broadcast(F, shift);
        int c = 0;
        for (; c < visible; c += L) FloatVector.fromArray(F, s, off + c).sub(sv).intoArray(s, off + c);
        VectorMath.expInPlace(s, off, c);
        if (c < BK) java.util.Arrays.fill(s, off + c, off + BK, 0f);
        return VectorMath.sumVectors(s, off, c);
    }

    /** s ← exp(scale·s − lse) for c < visible, 0 beyond: the backward's recomputed probabilities. */
    static void probabilities(float[] s, int off, int visible, float scale, float lse) {
        // exp through an array, as in expShifted; the lanes past the last visible key become 0
        FloatVector nl = FloatVector.broadcast(F, -lse), sc = FloatVector.broadcast(F, scale);
        int end = Math.max(0, Math.min(visible, BK)), c = 0;
        for (; c < end; c += L) FloatVector.fromArray(F, s, off + c).fma(sc, nl).intoArray(s, off + c);
        VectorMath.expInPlace(s, off, c);
        if (end < BK) java.util.Arrays.fill(s, off + end, off + BK, 0f);
    }

    /** dp ← p ⊙ (dp − delta) over the row of BK: dS from dP, with delta = rowsum(dO ⊙ O). */
    static void scoreGradient(float[] p, float[] dp, int off, float delta) {
        FloatVector dv = FloatVector.broadcast(F, delta);
        for (int c = 0; c < BK; c += L) {
            FloatVector.fromArray(F, dp, off + c).sub(dv).mul(FloatVector.fromArray(F, p, off + c)).intoArray(dp, off + c);
        }
    }

    /** row[off, + n) *= f. */
    static void scaleRow(float[] row, int off, int n, float f) {
        int i = 0;
        for (; i + L <= n; i += L) FloatVector.fromArray(F, row, off + i).mul(f).intoArray(row, off + i);
        for (; i < n; i++) row[off + i] *= f;
    }
}

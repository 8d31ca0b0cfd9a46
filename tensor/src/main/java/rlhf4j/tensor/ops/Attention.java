package rlhf4j.tensor.ops;

import static rlhf4j.tensor.ops.AttentionKernels.BK;
import static rlhf4j.tensor.ops.AttentionKernels.BQ;

import java.util.Arrays;
import rlhf4j.tensor.AttentionMask;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/**
 * Fused causal self-attention, flash-attention style (Dao et al. 2022, FlashAttention-2 2023): the
 * forward walks key blocks with an online softmax (running max and sum per query row) and keeps no
 * T×S probability matrix, only the per-row log-sum-exp; the backward recomputes the probabilities
 * block by block from q, k and that lse.
 *
 * <p>Work split: the forward runs one task per (batch, query head); the backward one
 * task per (batch, kv head), which owns the dk and dv of that head and the dq of the query heads that
 * share it, so every gradient element is accumulated by one task in a fixed order (deterministic).
 */
public final class Attention {
    private Attention() {
    }

    /** Tiles with fewer query rows than this score by direct dot products (decode) instead of a transposed block. */
    private static final int DIRECT_ROWS = 4;
    /** Keys per group in {@link #forwardFewQueries}: one {@link rlhf4j.tensor.LaneSums#sum16} of scores. */
    private static final int GROUP = 16;

    /** Sizes and mask of one call. Position of query t is {@code keyLength − T + t}. */
    private record Geometry(int batch, int queries, int capacity, int queryHeads, int kvHeads, int headDim,
                            int keyLength, boolean causal, int[] segments, float scale) {
        int group() {
            return queryHeads / kvHeads;
        }

        /** Offset of q[b, t, h, 0] (also of out and dO). */
        int query(int b, int t, int h) {
            return ((b * queries + t) * queryHeads + h) * headDim;
        }

        /** Offset of k[b, j, g, 0] (also of v). */
        int key(int b, int j, int g) {
            return ((b * capacity + j) * kvHeads + g) * headDim;
        }

        /** How many of the block's {@code keys} keys starting at j0 the query at {@code position} may see (a prefix). */
        int visible(int b, int position, int j0, int keys) {
            if (segments != null && segments[b * keyLength + position] < 0) return 0;
            return causal ? Math.min(keys, position - j0 + 1) : keys;
        }
    }

    /** Per-thread buffers, grown on demand and reused, so steady-state calls allocate no arrays. */
    private static final class Scratch {
        float[] kt = new float[0], vt = new float[0], s = new float[0], dp = new float[0], acc = new float[0];
        float[] rowMax = new float[0], rowSum = new float[0], dk = new float[0], dv = new float[0], delta = new float[0];
        /** Sixteen vector accumulators of a decode step's scores, on their way to their lane sums. */
        final float[] lanes = new float[16 * AttentionKernels.L];

        void fit(int hd, int queryRows, int deltas) {
            if (kt.length < hd * BK) {
                kt = new float[hd * BK];
                vt = new float[hd * BK];
                dk = new float[BK * hd];
                dv = new float[BK * hd];
            }
            if (acc.length < queryRows * hd) acc = new float[queryRows * hd];
            if (rowMax.length < queryRows) {
                rowMax = new float[queryRows];
                rowSum = new float[queryRows];
            }
            if (s.length < BQ * BK) {
                s = new float[BQ * BK];
                dp = new float[BQ * BK];
            }
            if (delta.length < deltas) delta = new float[deltas];
        }

        /** Sized for n forward rows, their online-softmax state empty: max −∞, sum 0, accumulator 0. */
        void startRows(int hd, int n) {
            fit(hd, n, 0);
            Arrays.fill(rowMax, 0, n, Float.NEGATIVE_INFINITY);
            Arrays.fill(rowSum, 0, n, 0f);
            Arrays.fill(acc, 0, n * hd, 0f);
        }

        /** Room in s for a block of scores of {@code rows} rows at once. */
        void fitScores(int rows) {
            if (s.length < rows * BK) s = new float[rows * BK];
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    // q [B, T, Hq, hd], k and v [B, S, Hkv, hd] -> [B, T, Hq, hd]
    public static Tensor attention(Tensor q, Tensor k, Tensor v, AttentionMask mask) {
        Geometry g = geometry(q, k, v, mask);
        boolean grad = Tensor.needsGrad(q, k, v);
        Tensor out = Tensor.empty(grad, g.batch, g.queries, g.queryHeads, g.headDim);
        // lse [B, T, Hq]: log Σ_j exp(score) per query row, the one thing the backward keeps
        Tensor lse = grad ? Tensor.empty(false, g.batch, g.queries, g.queryHeads) : null;
        float[] qs = q.data(), ks = k.data(), vs = v.data(), os = out.data(), ls = lse == null ? null : lse.data();
        // Training shapes: a task per (batch, head). Decode (a row or two per head): a task per batch row
        // and chunk of heads, so the cache is streamed in address order, every head of a key row together.
        int chunks = g.queries < DIRECT_ROWS ? Math.min(g.queryHeads, Math.max(1, (Parallel.threads() + g.batch - 1) / g.batch))
                : g.queryHeads;
        Parallel.forEach(g.batch * chunks, task -> {
            int b = task / chunks, c = task % chunks;
            int h0 = g.queryHeads * c / chunks, h1 = g.queryHeads * (c + 1) / chunks;
            if (g.queries < DIRECT_ROWS) forwardFewQueries(g, qs, ks, vs, os, ls, b, h0, h1, SCRATCH.get());
            else forwardHeads(g, qs, ks, vs, os, ls, b, h0, h1, SCRATCH.get());
        });
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] gout = out.gradOrNull();
                if (gout == null) return;
                float[] dq = q.requiresGrad() ? q.grad() : null;
                float[] dk = k.requiresGrad() ? k.grad() : null;
                float[] dv = v.requiresGrad() ? v.grad() : null;
                Parallel.forEach(g.batch * g.kvHeads, task -> backwardGroup(g, qs, ks, vs, os, ls, gout, dq, dk, dv,
                        task / g.kvHeads, task % g.kvHeads, SCRATCH.get()));
            });
        }
        return out;
    }

    /**
     * All output rows of query heads [h0, h1) in batch b (with their lse when {@code lse} is non-null).
     * Key blocks are the outer loop so each is transposed once for every query tile that sees it; the
     * online-softmax state of the rows (max, sum, accumulator [heads·T, hd]) stays in scratch meanwhile.
     */
    private static void forwardHeads(Geometry g, float[] q, float[] k, float[] v, float[] out, float[] lse,
                                     int b, int h0, int h1, Scratch sc) {
        int hd = g.headDim, T = g.queries, n = (h1 - h0) * T;
        sc.startRows(hd, n);
        int qStride = g.queryHeads * hd, kStride = g.kvHeads * hd;
        float[] s = sc.s, acc = sc.acc, m = sc.rowMax, l = sc.rowSum;
        for (int j0 = 0; j0 < g.keyLength; j0 += BK) {
            int blockKeys = Math.min(BK, g.keyLength - j0), transposedHead = -1;
            for (int h = h0; h < h1; h++) {
                int kvh = h / g.group(), blockOff = g.key(b, j0, kvh), state = (h - h0) * T;
                for (int t0 = 0; t0 < T; t0 += BQ) {
                    int rows = Math.min(BQ, T - t0), firstPosition = g.keyLength - T + t0;
                    // keys past the tile's last query position are hidden from every row of it
                    int keys = g.causal ? Math.min(blockKeys, firstPosition + rows - j0) : blockKeys;
                    if (keys <= 0) continue;
                    int qOff = g.query(b, t0, h);
                    // s [rows, BK] = q_tile · k_blockᵀ
                    if (transposedHead != kvh) AttentionKernels.transposeBlock(k, blockOff, kStride, blockKeys, hd, sc.kt);
                    transposedHead = kvh;
                    AttentionKernels.scoresTransposed(q, qOff, qStride, rows, sc.kt, hd, s);
                    for (int i = 0; i < rows; i++) {
                        softmaxStep(g, s, i * BK, state + t0 + i, b, firstPosition + i, j0, keys, m, l, acc, hd);
                    }
                    // acc [rows, hd] += p [rows, keys] · v_block [keys, hd]
                    AttentionKernels.accumulateProduct(1f, s, 0, BK, 1, rows, keys, v, blockOff, kStride, acc, (state + t0) * hd, hd, hd);
                }
            }
        }
        finishRows(g, out, lse, b, h0, n, m, l, acc);
    }

    /**
     * Decode shapes (fewer than {@value #DIRECT_ROWS} queries per head): the same online softmax as
     * {@link #forwardHeads}, but within each key block the heads are the inner loop of every group of
     * sixteen keys, for the scores and for p·v alike. A key row holds every head, so the cache is read
     * in address order, a few kilobytes at a time, instead of one head's slice of each row per pass.
     */
    private static void forwardFewQueries(Geometry g, float[] q, float[] k, float[] v, float[] out, float[] lse,
                                          int b, int h0, int h1, Scratch sc) {
        int hd = g.headDim, T = g.queries, n = (h1 - h0) * T;
        sc.startRows(hd, n);
        sc.fitScores(n);
        int qStride = g.queryHeads * hd, kStride = g.kvHeads * hd;
        float[] s = sc.s, acc = sc.acc, m = sc.rowMax, l = sc.rowSum;
        for (int j0 = 0; j0 < g.keyLength; j0 += BK) {
            // the last query sits at the last key, so causality hides no key of the block from all rows
            int keys = Math.min(BK, g.keyLength - j0);
            for (int c = 0; c < keys; c += GROUP) {
                int group = Math.min(GROUP, keys - c);
                for (int h = h0; h < h1; h++) {
                    AttentionKernels.scoresDirect(q, g.query(b, 0, h), qStride, T, k, g.key(b, j0 + c, h / g.group()), kStride,
                            group, hd, s, (h - h0) * T * BK + c, sc.lanes);
                }
            }
            for (int r = 0; r < n; r++) softmaxStep(g, s, r * BK, r, b, g.keyLength - T + r % T, j0, keys, m, l, acc, hd);
            for (int c = 0; c < keys; c += GROUP) {
                int group = Math.min(GROUP, keys - c);
                for (int h = h0; h < h1; h++) {
                    int state = (h - h0) * T;
                    AttentionKernels.accumulateProduct(1f, s, state * BK + c, BK, 1, T, group, v, g.key(b, j0 + c, h / g.group()),
                            kStride, acc, state * hd, hd, hd);
                }
            }
        }
        finishRows(g, out, lse, b, h0, n, m, l, acc);
    }

    /**
     * One key block's online-softmax step for state row r (query at {@code position}): scales and
     * masks its scores s[off, off + BK) of which the first {@code keys} were computed, turns them into
     * exp(score − new max) (zeros when nothing is visible) and rescales what the row accumulated.
     */
    private static void softmaxStep(Geometry g, float[] s, int off, int r, int b, int position, int j0, int keys,
                                    float[] m, float[] l, float[] acc, int hd) {
        int visible = g.visible(b, position, j0, keys);
        float blockMax = AttentionKernels.scaleAndMask(s, off, visible, g.scale);
        if (g.segments != null && visible > 0) blockMax = hideOtherSegments(g, s, off, visible, b, position, j0);
        if (blockMax == Float.NEGATIVE_INFINITY) {
            Arrays.fill(s, off, off + BK, 0f);
            return;
        }
        // online softmax: rescale what was accumulated under the old max
        float newMax = Math.max(m[r], blockMax);
        float correction = (float) Math.exp(m[r] - newMax);
        l[r] = l[r] * correction + AttentionKernels.expShifted(s, off, newMax, visible);
        m[r] = newMax;
        if (correction != 1f) AttentionKernels.scaleRow(acc, r * hd, hd, correction);
    }

    // out (and lse) of the n state rows of heads from h0: acc / l, or zero for rows that saw no key.
    private static void finishRows(Geometry g, float[] out, float[] lse, int b, int h0, int n, float[] m, float[] l, float[] acc) {
        int hd = g.headDim, T = g.queries;
        for (int r = 0; r < n; r++) {
            int h = h0 + r / T, t = r % T;
            int o = g.query(b, t, h), row = (b * T + t) * g.queryHeads + h;
            if (l[r] == 0f) {
                // padding query or no visible key: zero output; lse = +∞ makes every recomputed p zero
                Arrays.fill(out, o, o + hd, 0f);
                if (lse != null) lse[row] = Float.POSITIVE_INFINITY;
                continue;
            }
            float inv = 1f / l[r];
            for (int d = 0; d < hd; d++) out[o + d] = acc[r * hd + d] * inv;
            if (lse != null) lse[row] = m[r] + (float) Math.log(l[r]);
        }
    }

    /** Sets to −∞ the visible scores whose key lies in another segment than the query; returns the new row max. */
    private static float hideOtherSegments(Geometry g, float[] s, int off, int visible, int b, int position, int j0) {
        int base = b * g.keyLength, own = g.segments[base + position];
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < visible; c++) {
            if (g.segments[base + j0 + c] != own) s[off + c] = Float.NEGATIVE_INFINITY;
            else max = Math.max(max, s[off + c]);
        }
        return max;
    }

    /** Gradients for kv head kvh of batch b: its dk and dv, and the dq of its query heads. */
    private static void backwardGroup(Geometry g, float[] q, float[] k, float[] v, float[] out, float[] lse, float[] gout,
                                      float[] dq, float[] dk, float[] dv, int b, int kvh, Scratch sc) {
        int hd = g.headDim, group = g.group(), T = g.queries;
        sc.fit(hd, 0, group * T);
        int qStride = g.queryHeads * hd, kOff = g.key(b, 0, kvh), kStride = g.kvHeads * hd;
        float[] s = sc.s, dp = sc.dp, delta = sc.delta, dkAcc = sc.dk, dvAcc = sc.dv;
        // delta_i = rowsum(dO ⊙ O) = Σ_j p_ij·dP_ij, the softmax backward's subtracted term
        for (int hh = 0; hh < group; hh++) {
            for (int t = 0; t < T; t++) {
                int o = g.query(b, t, kvh * group + hh);
                delta[hh * T + t] = RowKernels.dot(gout, o, out, o, hd);
            }
        }
        for (int j0 = 0; j0 < g.keyLength; j0 += BK) {
            int keys = Math.min(BK, g.keyLength - j0), blockOff = kOff + j0 * kStride;
            AttentionKernels.transposeBlock(k, blockOff, kStride, keys, hd, sc.kt);
            AttentionKernels.transposeBlock(v, blockOff, kStride, keys, hd, sc.vt);
            Arrays.fill(dkAcc, 0, keys * hd, 0f);
            Arrays.fill(dvAcc, 0, keys * hd, 0f);
            for (int hh = 0; hh < group; hh++) {
                int h = kvh * group + hh;
                for (int t0 = 0; t0 < T; t0 += BQ) {
                    int rows = Math.min(BQ, T - t0), firstPosition = g.keyLength - T + t0;
                    if (g.causal && firstPosition + rows - 1 < j0) continue; // the whole tile precedes the block
                    int qOff = g.query(b, t0, h);
                    // p [rows, BK] recomputed from q·kᵀ and the saved lse
                    AttentionKernels.scoresTransposed(q, qOff, qStride, rows, sc.kt, hd, s);
                    for (int i = 0; i < rows; i++) {
                        int position = firstPosition + i, visible = g.visible(b, position, j0, keys);
                        AttentionKernels.probabilities(s, i * BK, visible, g.scale, lse[(b * T + t0 + i) * g.queryHeads + h]);
                        if (g.segments != null && visible > 0) zeroOtherSegments(g, s, i * BK, visible, b, position, j0);
                    }
                    // dP [rows, BK] = dO · v_blockᵀ, then dS = p ⊙ (dP − delta) in place
                    AttentionKernels.scoresTransposed(gout, qOff, qStride, rows, sc.vt, hd, dp);
                    for (int i = 0; i < rows; i++) AttentionKernels.scoreGradient(s, dp, i * BK, delta[hh * T + t0 + i]);
                    // dv_block += pᵀ · dO ; dk_block += scale · dSᵀ · q ; dq_tile += scale · dS · k_block
                    if (dv != null) AttentionKernels.accumulateProduct(1f, s, 0, 1, BK, keys, rows, gout, qOff, qStride, dvAcc, 0, hd, hd);
                    if (dk != null) AttentionKernels.accumulateProduct(g.scale, dp, 0, 1, BK, keys, rows, q, qOff, qStride, dkAcc, 0, hd, hd);
                    if (dq != null) AttentionKernels.accumulateProduct(g.scale, dp, 0, BK, 1, rows, keys, k, blockOff, kStride, dq, qOff, qStride, hd);
                }
            }
            for (int c = 0; c < keys; c++) {
                int o = blockOff + c * kStride;
                if (dk != null) Vec.acc(dk, o, dkAcc, c * hd, hd);
                if (dv != null) Vec.acc(dv, o, dvAcc, c * hd, hd);
            }
        }
    }

    private static void zeroOtherSegments(Geometry g, float[] p, int off, int visible, int b, int position, int j0) {
        int base = b * g.keyLength, own = g.segments[base + position];
        for (int c = 0; c < visible; c++) if (g.segments[base + j0 + c] != own) p[off + c] = 0f;
    }

    private static Geometry geometry(Tensor q, Tensor k, Tensor v, AttentionMask mask) {
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
            throw new IllegalArgumentException("attention: q, k and v must be [B, T, H, hd]; got " + shapes(q, k, v));
        }
        if (!Arrays.equals(k.shape(), v.shape())) throw new IllegalArgumentException("attention: k and v shapes differ: " + shapes(q, k, v));
        int b = q.dim(0), t = q.dim(1), hq = q.dim(2), hd = q.dim(3), s = k.dim(1), hkv = k.dim(2);
        if (k.dim(0) != b || k.dim(3) != hd) {
            throw new IllegalArgumentException("attention: batch and head size of q and k must match: " + shapes(q, k, v));
        }
        if (hkv == 0 || hq % hkv != 0) {
            throw new IllegalArgumentException("attention: query heads (" + hq + ") must be a multiple of kv heads (" + hkv + "): " + shapes(q, k, v));
        }
        int keyLength = mask.keyLength();
        if (keyLength < 0 || keyLength > s) {
            throw new IllegalArgumentException("attention: keyLength " + keyLength + " outside [0, " + s + "] for " + shapes(q, k, v));
        }
        int[] segments = mask.keySegments();
        if ((mask.causal() || segments != null) && t > keyLength) {
            throw new IllegalArgumentException("attention: " + t + " queries but only " + keyLength
                    + " keys; a causal or segmented query sits at a key position: " + shapes(q, k, v));
        }
        if (segments != null && segments.length != b * keyLength) {
            throw new IllegalArgumentException("attention: keySegments has " + segments.length + " entries, expected B·keyLength = "
                    + b * keyLength + " for " + shapes(q, k, v));
        }
        return new Geometry(b, t, s, hq, hkv, hd, keyLength, mask.causal(), segments, (float) (1.0 / Math.sqrt(hd)));
    }

    // Built only for an error message: a decode step calls attention once per layer.
    private static String shapes(Tensor q, Tensor k, Tensor v) {
        return "q " + Arrays.toString(q.shape()) + ", k " + Arrays.toString(k.shape()) + ", v " + Arrays.toString(v.shape());
    }
}

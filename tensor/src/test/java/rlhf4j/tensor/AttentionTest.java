package rlhf4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AttentionTest {
    private static Tensor random(String name, long seed, int... shape) {
        Tensor t = Tensor.param(name, shape);
        new Rng(seed).normal(t, 1.0);
        return t;
    }

    /** Explicit scores, mask and softmax in double: q [B, T, Hq, hd], k and v [B, S, Hkv, hd]. */
    private static double[] reference(Tensor q, Tensor k, Tensor v, AttentionMask mask) {
        int b = q.dim(0), t = q.dim(1), hq = q.dim(2), hd = q.dim(3), s = k.dim(1), hkv = k.dim(2);
        int kl = mask.keyLength();
        int[] seg = mask.keySegments();
        double[] out = new double[b * t * hq * hd];
        float[] qs = q.data(), ks = k.data(), vs = v.data();
        for (int bi = 0; bi < b; bi++) {
            for (int ti = 0; ti < t; ti++) {
                int pos = kl - t + ti;
                for (int h = 0; h < hq; h++) {
                    int g = h / (hq / hkv);
                    double[] score = new double[kl];
                    boolean[] seen = new boolean[kl];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < kl; j++) {
                        boolean ok = !mask.causal() || j <= pos;
                        if (seg != null) ok &= seg[bi * kl + pos] >= 0 && seg[bi * kl + j] == seg[bi * kl + pos];
                        if (!ok) continue;
                        double dot = 0;
                        for (int d = 0; d < hd; d++) {
                            dot += (double) qs[((bi * t + ti) * hq + h) * hd + d] * ks[((bi * s + j) * hkv + g) * hd + d];
                        }
                        score[j] = dot / Math.sqrt(hd);
                        seen[j] = true;
                        max = Math.max(max, score[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < kl; j++) if (seen[j]) sum += Math.exp(score[j] - max);
                    for (int j = 0; j < kl; j++) {
                        if (!seen[j]) continue;
                        double p = Math.exp(score[j] - max) / sum;
                        for (int d = 0; d < hd; d++) {
                            out[((bi * t + ti) * hq + h) * hd + d] += p * vs[((bi * s + j) * hkv + g) * hd + d];
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void assertMatchesReference(int b, int t, int s, int hq, int hkv, int hd, AttentionMask mask) {
        Tensor q = random("q", 1, b, t, hq, hd), k = random("k", 2, b, s, hkv, hd), v = random("v", 3, b, s, hkv, hd);
        float[] got = Ops.attention(q, k, v, mask).data();
        double[] want = reference(q, k, v, mask);
        for (int i = 0; i < want.length; i++) {
            assertThat(Math.abs(got[i] - want[i])).as("element %d of B=%d T=%d S=%d Hq=%d Hkv=%d hd=%d", i, b, t, s, hq, hkv, hd)
                    .isLessThan(2e-5);
        }
    }

    @Test
    void causalForwardMatchesReferenceForMultiHeadAndGroupedQuery() {
        assertMatchesReference(2, 7, 7, 4, 4, 8, AttentionMask.causal(7));
        assertMatchesReference(2, 7, 7, 4, 2, 8, AttentionMask.causal(7));
        assertMatchesReference(2, 7, 7, 4, 1, 8, AttentionMask.causal(7));
        assertMatchesReference(1, 5, 5, 2, 1, 6, AttentionMask.causal(5)); // odd sizes
    }

    @Test
    void forwardMatchesReferenceAcrossSeveralBlocksAndTiles() {
        // T and S beyond a 64-key block and a 32-query tile; hd 64 (vector tiles) and 40 (one-vector and scalar tails)
        assertMatchesReference(2, 150, 150, 2, 1, 64, AttentionMask.causal(150));
        assertMatchesReference(1, 97, 97, 3, 3, 40, AttentionMask.causal(97));
        assertMatchesReference(1, 70, 130, 2, 2, 16, new AttentionMask(false, 130, null)); // not causal
        assertMatchesReference(1, 33, 130, 2, 1, 16, AttentionMask.causal(100)); // chunked prefill into a cache
    }

    @Test
    void segmentsPackSequencesAndHidePadding() {
        int b = 2, t = 75;
        int[] seg = new int[b * t];
        for (int i = 0; i < t; i++) {
            seg[i] = i < 20 ? 0 : i < 66 ? 1 : -1;   // two packed documents, then padding
            seg[t + i] = i < 3 ? -1 : i < 50 ? 4 : 5; // leading padding
        }
        AttentionMask mask = new AttentionMask(true, t, seg);
        assertMatchesReference(b, t, t, 4, 2, 16, mask);
        assertMatchesReference(b, t, t, 2, 2, 6, new AttentionMask(false, t, seg));
        Tensor q = random("q", 1, b, t, 4, 16), k = random("k", 2, b, t, 2, 16), v = random("v", 3, b, t, 2, 16);
        try (Tape tape = Tape.record()) {
            Tensor out = Ops.attention(q, k, v, mask);
            float[] seed = new float[out.size()];
            java.util.Arrays.fill(seed, 1f);
            tape.backward(out, seed);
            int row = 4 * 16;
            for (int i = 66 * row; i < 75 * row; i++) assertThat(out.data()[i]).isEqualTo(0f);
            for (int i = t * row; i < (t + 3) * row; i++) {
                assertThat(out.data()[i]).isEqualTo(0f);
                assertThat(q.grad()[i]).isEqualTo(0f);
            }
            // padding keys get no gradient either (nobody attends to them)
            int kRow = 2 * 16;
            for (int i = 66 * kRow; i < 75 * kRow; i++) {
                assertThat(k.grad()[i]).isEqualTo(0f);
                assertThat(v.grad()[i]).isEqualTo(0f);
            }
        }
    }

    @Test
    void incrementalDecodeWithACacheEqualsFullCausalForward() {
        // B = 1 splits the heads of a decode step over tasks; B = 2 keeps them in one task per row.
        // A head of 32 takes the sixteen-key score blocks, one of 24 the single dot products.
        assertDecodeMatchesFullForward(1, 32);
        assertDecodeMatchesFullForward(2, 32);
        assertDecodeMatchesFullForward(2, 24);
    }

    @Test
    void aFewQueriesAtATimeEqualTheFullCausalForward() {
        // 3 new positions per call: below the direct-rows limit, each row sees a different prefix
        assertChunkedMatchesFullForward(2, 32, 3);
    }

    private static void assertDecodeMatchesFullForward(int b, int hd) {
        assertChunkedMatchesFullForward(b, hd, 1);
    }

    // Feeds the queries `chunk` positions per call against the whole cache and compares every row.
    private static void assertChunkedMatchesFullForward(int b, int hd, int chunk) {
        int n = 70, capacity = 96, hq = 4, hkv = 2;
        Tensor q = random("q", 5, b, n, hq, hd);
        Tensor k = random("k", 6, b, capacity, hkv, hd), v = random("v", 7, b, capacity, hkv, hd);
        float[] full = Ops.attention(q, k, v, AttentionMask.causal(n)).data();
        for (int pos = 0; pos < n; pos += chunk) {
            int t = Math.min(chunk, n - pos);
            float[] step = new float[b * t * hq * hd];
            // q at positions [pos, pos + t): [B, t, Hq, hd]
            for (int bi = 0; bi < b; bi++) {
                System.arraycopy(q.data(), ((bi * n + pos) * hq) * hd, step, bi * t * hq * hd, t * hq * hd);
            }
            float[] got = Ops.attention(Tensor.of(step, b, t, hq, hd), k, v, AttentionMask.causal(pos + t)).data();
            for (int bi = 0; bi < b; bi++) {
                for (int i = 0; i < t * hq * hd; i++) {
                    assertThat(Math.abs(got[bi * t * hq * hd + i] - full[((bi * n + pos) * hq) * hd + i]))
                            .as("position %d batch %d element %d", pos, bi, i).isLessThan(1e-5f);
                }
            }
        }
    }

    private static void assertGradients(int b, int t, int hq, int hkv, int hd, AttentionMask mask) {
        int s = t;
        Tensor q = random("q", 11, b, t, hq, hd), k = random("k", 12, b, s, hkv, hd), v = random("v", 13, b, s, hkv, hd);
        GradCheck.Result r = GradCheck.check(() -> Ops.attention(q, k, v, mask), 1e-2, 150, q, k, v);
        assertThat(r.within(5e-4, 1e-3)).as(r.toString()).isTrue();
    }

    @Test
    void gradientsOfQueriesKeysAndValues() {
        assertGradients(2, 5, 2, 2, 6, AttentionMask.causal(5));
        assertGradients(2, 6, 4, 2, 8, AttentionMask.causal(6));
        assertGradients(1, 6, 4, 1, 8, new AttentionMask(false, 6, null));
        int[] seg = {0, 0, 0, 1, 1, -1, -1, 2, 2, 2, 2, 2};
        assertGradients(2, 6, 4, 2, 8, new AttentionMask(true, 6, seg));
    }

    @Test
    void gradientsAcrossBlocks() {
        // 70 keys: two key blocks, three query tiles, the last tile of 6 rows
        assertGradients(1, 70, 2, 1, 16, AttentionMask.causal(70));
    }

    @Test
    void backwardIsBitIdenticalRunToRun() {
        Tensor q = random("q", 21, 3, 40, 4, 16), k = random("k", 22, 3, 40, 2, 16), v = random("v", 23, 3, 40, 2, 16);
        float[][] first = null;
        for (int run = 0; run < 2; run++) {
            try (Tape tape = Tape.record()) {
                Tensor out = Ops.attention(q, k, v, AttentionMask.causal(40));
                float[] seed = new float[out.size()];
                for (int i = 0; i < seed.length; i++) seed[i] = (i % 7) - 3f;
                tape.backward(out, seed);
                float[][] now = {q.grad().clone(), k.grad().clone(), v.grad().clone()};
                if (first == null) first = now;
                else for (int i = 0; i < 3; i++) assertThat(now[i]).containsExactly(first[i]);
            }
            q.zeroGrad();
            k.zeroGrad();
            v.zeroGrad();
        }
    }

    @Test
    void badShapesAreReportedWithBothShapes() {
        Tensor q = Tensor.zeros(1, 4, 3, 8), k = Tensor.zeros(1, 4, 2, 8);
        assertThatThrownBy(() -> Ops.attention(q, k, k, AttentionMask.causal(4)))
                .hasMessageContaining("[1, 4, 3, 8]").hasMessageContaining("[1, 4, 2, 8]");
        assertThatThrownBy(() -> Ops.attention(Tensor.zeros(1, 4, 2, 8), k, k, AttentionMask.causal(5)))
                .hasMessageContaining("keyLength 5");
    }
}

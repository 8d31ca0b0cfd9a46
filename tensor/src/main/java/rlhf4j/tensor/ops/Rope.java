package rlhf4j.tensor.ops;

import static rlhf4j.tensor.ops.Vec.L;
import static rlhf4j.tensor.ops.Vec.S;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import jdk.incubator.vector.FloatVector;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/**
 * Rotary position embedding in Hugging Face Llama's convention ("rotate half"): with h = hd/2,
 * element i is paired with i + h and the pair is rotated by the angle p·θ^(−2i/hd):
 * <pre>
 *   out[i]     = x[i]·cos − x[i+h]·sin
 *   out[i + h] = x[i+h]·cos + x[i]·sin
 * </pre>
 * The backward is the inverse rotation (the same with sin negated). Angles are formed as HF forms
 * them, in float32 (float(p)·inv_freq), so checkpoints reproduce HF's numbers; cos and sin come
 * from a table cached per (θ, hd) that only grows, so steady-state steps allocate nothing.
 */
public final class Rope {
    private Rope() {
    }

    /** cos and sin [positions, h], row p for position p. */
    record Table(float theta, int headDim, int positions, float[] cos, float[] sin) {
    }

    private static final ConcurrentHashMap<Long, Table> TABLES = new ConcurrentHashMap<>();
    // tables for explicit (scaled) frequencies, keyed by the frequencies' contents
    private static final ConcurrentHashMap<Frequencies, Table> SCALED = new ConcurrentHashMap<>();

    /** Inverse frequencies compared by value, so equal scalings share one table. */
    private record Frequencies(float[] invFreq) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Frequencies f && Arrays.equals(invFreq, f.invFreq);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(invFreq);
        }
    }

    /** θ^(−2i/hd) for i in [0, hd/2): the unscaled inverse frequencies. */
    public static float[] inverseFrequencies(float theta, int headDim) {
        float[] invFreq = new float[headDim / 2];
        for (int i = 0; i < invFreq.length; i++) invFreq[i] = (float) (1.0 / Math.pow(theta, 2.0 * i / headDim));
        return invFreq;
    }

    /** A table for explicit inverse frequencies [hd/2] (a context-extension scaling), covering [0, maxPosition]. */
    static Table table(float[] invFreq, int maxPosition) {
        Frequencies key = new Frequencies(invFreq);
        Table t = SCALED.get(key);
        if (t != null && t.positions() > maxPosition) return t;
        return SCALED.compute(new Frequencies(invFreq.clone()), (k, old) -> {
            if (old != null && old.positions() > maxPosition) return old;
            return build(Float.NaN, k.invFreq(), capacity(maxPosition));
        });
    }

    private static int capacity(int maxPosition) {
        return Math.max(256, Integer.highestOneBit(Math.max(1, maxPosition)) * 2);
    }

    /** A table covering positions [0, maxPosition] (capacity rounded up to a power of two). */
    static Table table(float theta, int headDim, int maxPosition) {
        long key = ((long) Float.floatToIntBits(theta) << 32) | headDim;
        Table t = TABLES.get(key);
        if (t != null && t.positions() > maxPosition) return t;
        return TABLES.compute(key, (k, old) -> {
            if (old != null && old.positions() > maxPosition) return old;
            return build(theta, inverseFrequencies(theta, headDim), capacity(maxPosition));
        });
    }

    private static Table build(float theta, float[] invFreq, int positions) {
        int h = invFreq.length;
        float[] cos = new float[positions * h], sin = new float[positions * h];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < h; i++) {
                float angle = (float) p * invFreq[i];
                cos[p * h + i] = (float) Math.cos(angle);
                sin[p * h + i] = (float) Math.sin(angle);
            }
        }
        return new Table(theta, 2 * h, positions, cos, sin);
    }

    /** x [B, T, H, hd]; positions has T entries (shared by the batch) or B·T (one per token). */
    public static Tensor rope(Tensor x, int[] positions, float theta) {
        return rope(x, positions, theta, null);
    }

    /**
     * As {@link #rope(Tensor, int[], float)} with explicit inverse frequencies [hd/2] (a scaled
     * rotary embedding, e.g. linear or Llama-3 context extension); invFreq null means θ's own.
     */
    public static Tensor rope(Tensor x, int[] positions, float theta, float[] invFreq) {
        if (x.rank() != 4) throw new IllegalArgumentException(
                "rope: x must be [B, T, H, hd], got " + Arrays.toString(x.shape()));
        int batch = x.dim(0), t = x.dim(1), heads = x.dim(2), hd = x.dim(3);
        if (hd % 2 != 0) throw new IllegalArgumentException("rope: head dim must be even, got " + hd);
        if (positions.length != t && positions.length != batch * t) throw new IllegalArgumentException(
                "rope: positions has " + positions.length + " entries; need T = " + t + " or B·T = " + batch * t
                        + " for x " + Arrays.toString(x.shape()));
        int max = 0;
        for (int p : positions) {
            if (p < 0) throw new IllegalArgumentException("rope: negative position " + p);
            max = Math.max(max, p);
        }
        if (invFreq != null && invFreq.length != hd / 2) throw new IllegalArgumentException(
                "rope: " + invFreq.length + " inverse frequencies for head dim " + hd + " (need " + hd / 2 + ")");
        Table table = invFreq == null ? table(theta, hd, max) : table(invFreq, max);
        // copied so backward sees the positions of this call even if the caller reuses its array
        int[] pos = positions.clone();
        Tensor out = Tensor.empty(Tensor.needsGrad(x), x.shape());
        rotate(x.data(), out.data(), null, pos, table, t, heads, hd, false);
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] g = out.gradOrNull();
                if (g == null || !x.requiresGrad()) return;
                rotate(g, null, x.grad(), pos, table, t, heads, hd, true);
            });
        }
        return out;
    }

    /**
     * Rotates every head row of src [B·T·H, hd] into dst, or (when dst is null) accumulates into
     * acc; inverse rotates by −angle (the backward).
     */
    static void rotate(float[] src, float[] dst, float[] acc, int[] pos, Table table, int t, int heads, int hd,
                       boolean inverse) {
        int rows = src.length / hd;
        Vec.forRows(rows, hd, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int token = r / heads; // b·T + t
                int p = pos.length == t ? pos[token % t] : pos[token];
                if (Vec.enabled) rotateRowVector(src, dst, acc, r * hd, table, p * (hd / 2), hd / 2, inverse);
                else rotateRowScalar(src, dst, acc, r * hd, table, p * (hd / 2), hd / 2, inverse);
            }
        });
    }

    static void rotateRowScalar(float[] src, float[] dst, float[] acc, int o, Table table, int c, int h,
                                boolean inverse) {
        rotateColumns(src, dst, acc, o, table.cos(), table.sin(), c, h, inverse, 0);
    }

    /** Columns [from, h) of both halves of the head row at o. */
    private static void rotateColumns(float[] src, float[] dst, float[] acc, int o, float[] cos, float[] sin, int c,
                                      int h, boolean inverse, int from) {
        for (int i = from; i < h; i++) {
            float x1 = src[o + i], x2 = src[o + h + i], co = cos[c + i], si = inverse ? -sin[c + i] : sin[c + i];
            float y1 = x1 * co - x2 * si, y2 = x2 * co + x1 * si;
            if (dst != null) {
                dst[o + i] = y1;
                dst[o + h + i] = y2;
            } else {
                acc[o + i] += y1;
                acc[o + h + i] += y2;
            }
        }
    }

    static void rotateRowVector(float[] src, float[] dst, float[] acc, int o, Table table, int c, int h,
                                boolean inverse) {
        float[] cos = table.cos(), sin = table.sin();
        int i = 0;
        for (int bound = S.loopBound(h); i < bound; i += L) {
            FloatVector x1 = FloatVector.fromArray(S, src, o + i), x2 = FloatVector.fromArray(S, src, o + h + i);
            FloatVector co = FloatVector.fromArray(S, cos, c + i), si = FloatVector.fromArray(S, sin, c + i);
            if (inverse) si = si.neg();
            FloatVector y1 = x1.mul(co).sub(x2.mul(si)), y2 = x2.mul(co).add(x1.mul(si));
            if (dst != null) {
                y1.intoArray(dst, o + i);
                y2.intoArray(dst, o + h + i);
            } else {
                y1.add(FloatVector.fromArray(S, acc, o + i)).intoArray(acc, o + i);
                y2.add(FloatVector.fromArray(S, acc, o + h + i)).intoArray(acc, o + h + i);
            }
        }
        rotateColumns(src, dst, acc, o, cos, sin, c, h, inverse, i); // the tail, scalar
    }
}

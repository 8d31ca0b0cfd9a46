package rlhf4j.model;

import java.util.Arrays;
import rlhf4j.tensor.Tensor;

/**
 * Keys and values of the tokens seen so far, per layer, for incremental decoding: buffers
 * [B, capacity, Hkv, hd] allocated once, filled in place by {@link Transformer#forwardCached}.
 * Rows of a batch share one length; prompts of different lengths are left-padded, and
 * {@link #setLeftPadding} says how many leading positions of each row are padding (never attended,
 * and not counted in that row's positions).
 */
public final class KvCache {
    private final int batch, capacity, rowStride;
    private final Tensor[] keys, values;
    private int length;
    private int[] leftPadding;

    public KvCache(TransformerConfig config, int batch, int capacity) {
        if (batch <= 0 || capacity <= 0) throw new IllegalArgumentException(
                "a KV cache needs a positive batch and capacity, got " + batch + " and " + capacity);
        this.batch = batch;
        this.capacity = capacity;
        this.rowStride = config.nKvHeads() * config.headDim();
        keys = new Tensor[config.nLayers()];
        values = new Tensor[config.nLayers()];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = Tensor.zeros(batch, capacity, config.nKvHeads(), config.headDim());
            values[l] = Tensor.zeros(batch, capacity, config.nKvHeads(), config.headDim());
        }
    }

    public int batch() {
        return batch;
    }

    public int capacity() {
        return capacity;
    }

    /** Positions filled so far (including any left padding). */
    public int length() {
        return length;
    }

    /** Forgets everything cached so the buffers can serve a new batch. */
    public void reset() {
        length = 0;
        leftPadding = null;
    }

    /**
     * Declares, before the prefill, how many leading positions of each row are padding; null for
     * none. The array is kept (not copied) until {@link #reset}.
     */
    public void setLeftPadding(int[] padding) {
        if (length != 0) throw new IllegalStateException("set the left padding before the prefill, not at length " + length);
        if (padding != null && padding.length != batch) throw new IllegalArgumentException(
                "left padding has " + padding.length + " entries for a batch of " + batch);
        boolean any = false;
        if (padding != null) for (int p : padding) {
            if (p < 0 || p > capacity) throw new IllegalArgumentException("left padding " + p + " outside [0, " + capacity + "]");
            any |= p > 0;
        }
        leftPadding = any ? padding : null;
    }

    /** Per-row count of leading padding positions, or null when there is none. */
    public int[] leftPadding() {
        return leftPadding;
    }

    /** Keys of one layer, [B, capacity, Hkv, hd]; only the first {@link #length} positions are valid. */
    public Tensor keys(int layer) {
        return keys[layer];
    }

    public Tensor values(int layer) {
        return values[layer];
    }

    /** Copies k and v [B, n, Hkv, hd] into positions [length, length + n) of one layer. */
    void write(int layer, Tensor k, Tensor v) {
        int n = k.dim(1);
        if (k.dim(0) != batch || k.size() != batch * n * rowStride || v.size() != k.size()) throw new IllegalArgumentException(
                "cannot cache keys " + Arrays.toString(k.shape()) + " in " + Arrays.toString(keys[layer].shape()));
        if (length + n > capacity) throw new IllegalStateException(
                "KV cache full: " + length + " + " + n + " positions exceed its capacity " + capacity);
        float[] ks = k.data(), vs = v.data(), kd = keys[layer].data(), vd = values[layer].data();
        int chunk = n * rowStride;
        for (int b = 0; b < batch; b++) {
            int dst = (b * capacity + length) * rowStride;
            System.arraycopy(ks, b * chunk, kd, dst, chunk);
            System.arraycopy(vs, b * chunk, vd, dst, chunk);
        }
    }

    /** Marks n more positions as filled (after every layer wrote them). */
    void advance(int n) {
        length += n;
    }
}

package rlhf4j.model;

import java.util.Map;
import rlhf4j.tensor.AttentionMask;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tensor;

/** One pre-norm residual block: x + attention(norm(x)), then + mlp(norm(x)). */
sealed interface Block permits LlamaBlock, Gpt2Block {

    /**
     * x [B, T, D] → [B, T, D]. positions has T or B·T entries (absolute positions of the new
     * tokens); with a cache the new keys and values are written at the cache's current length and
     * attention reads the whole cache.
     */
    Tensor forward(Tensor x, int[] positions, AttentionMask mask, KvCache cache, int layer);

    /** Adds this block's parameters under their full Hugging Face names, in HF's order. */
    void register(Map<String, Tensor> named);

    /**
     * q [B, T, Hq, hd], k and v [B, T, Hkv, hd] → [B, T, Hq, hd]. With a cache, k and v are first
     * appended to it and the queries attend over everything cached so far.
     */
    static Tensor attend(Tensor q, Tensor k, Tensor v, AttentionMask mask, KvCache cache, int layer) {
        if (cache == null) return Ops.attention(q, k, v, mask);
        cache.write(layer, k, v);
        return Ops.attention(q, cache.keys(layer), cache.values(layer), mask);
    }
}

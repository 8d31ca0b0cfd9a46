package rlhf4j.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import rlhf4j.tensor.AttentionMask;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/**
 * A decoder-only Transformer of the llama or gpt2 family, with parameters named as Hugging Face
 * names them. Every linear weight is [out, in] and goes through {@link Ops#linear}.
 *
 * <pre>
 * ids [B, T] → embed (+ learned positions for gpt2) → nLayers × block → final norm → hidden [B, T, D]
 * hidden → LM head → logits [B·T, V]
 * </pre>
 * Training calls {@link #hidden}/{@link #logits}/{@link #loss} under a {@link Tape}; generation
 * calls {@link #forwardCached} with a {@link KvCache} and no tape.
 */
public final class Transformer {
    private final TransformerConfig config;
    private final Tensor tokenEmbedding;    // [V, D]
    private final Tensor positionEmbedding; // gpt2 [maxSeqLen, D]; null for llama
    private final Block[] blocks;
    private final Tensor normWeight;        // [D]
    private final Tensor normBias;          // gpt2 [D]; null for llama
    private final Tensor lmHead;            // [V, D]; the token embedding itself when tied
    private final Map<String, Tensor> named;
    // LoRA: the base weights are frozen views of another model's; only the adapters train
    private final LoraConfig lora;                  // null: a plain model, every parameter trains
    private final Map<String, LoraAdapter> adapters; // by module name, in block order
    private final Path baseDir;                      // where the frozen base weights were loaded from (may be null)
    private boolean gradientCheckpointing;

    /** A model with GPT-2/nanoGPT's initialisation drawn from {@code rng}. */
    public Transformer(TransformerConfig config, Rng rng) {
        this(config);
        initialize(rng);
    }

    /** A model whose parameters are all zero, to be filled by a loader. */
    public static Transformer uninitialized(TransformerConfig config) {
        return new Transformer(config);
    }

    private Transformer(TransformerConfig config) {
        this(config, ModelParts.fresh(), null, null);
    }

    private Transformer(TransformerConfig config, ModelParts parts, LoraConfig lora, Path baseDir) {
        this.config = config;
        this.lora = lora;
        this.baseDir = baseDir;
        int v = config.vocabSize(), d = config.dModel();
        Map<String, Tensor> params = new LinkedHashMap<>();
        blocks = new Block[config.nLayers()];
        if (config.family() == Family.GPT2) {
            tokenEmbedding = add(params, parts.param("transformer.wte.weight", v, d));
            positionEmbedding = add(params, parts.param("transformer.wpe.weight", config.maxSeqLen(), d));
            for (int i = 0; i < blocks.length; i++) blocks[i] = new Gpt2Block(config, "transformer.h." + i + ".", parts);
            for (Block b : blocks) b.register(params);
            normWeight = add(params, parts.param("transformer.ln_f.weight", d));
            normBias = add(params, parts.param("transformer.ln_f.bias", d));
        } else {
            tokenEmbedding = add(params, parts.param("model.embed_tokens.weight", v, d));
            positionEmbedding = null;
            for (int i = 0; i < blocks.length; i++) blocks[i] = new LlamaBlock(config, "model.layers." + i + ".", parts);
            for (Block b : blocks) b.register(params);
            normWeight = add(params, parts.param("model.norm.weight", d));
            normBias = null;
        }
        lmHead = config.tiedEmbeddings() ? tokenEmbedding : add(params, parts.param("lm_head.weight", v, d));
        named = Collections.unmodifiableMap(params);
        adapters = Collections.unmodifiableMap(new LinkedHashMap<>(parts.adapters));
    }

    // ---- LoRA ----

    /**
     * A LoRA model over this one: the same weights as frozen views (shared storage, no gradient,
     * no copy) plus fresh adapters on the projections {@code lora} targets, their A drawn from
     * {@code rng} in block order and B zero — so it starts computing exactly what this model does.
     * Only {@link #trainable()} (the adapters) go to an optimizer.
     *
     * @param baseDir the folder this model was loaded from, recorded when the adapters are saved (may be null)
     */
    public Transformer withLora(LoraConfig lora, Rng rng, Path baseDir) {
        if (this.lora != null) throw new IllegalStateException("this model already has LoRA adapters; merge them first");
        if (lora == null || !lora.enabled()) throw new IllegalArgumentException("LoRA needs a positive rank");
        LoraConfig resolved = lora.resolved(config.family());
        return new Transformer(config, ModelParts.frozen(this, resolved, rng), resolved, baseDir);
    }

    /** The LoRA settings, or null for a plain model. */
    public LoraConfig lora() {
        return lora;
    }

    /** The adapters by module name (e.g. {@code model.layers.0.self_attn.q_proj}); empty for a plain model. */
    public Map<String, LoraAdapter> adapters() {
        return adapters;
    }

    /** The folder the frozen base was loaded from (LoRA models), or null. */
    public Path baseDir() {
        return baseDir;
    }

    /**
     * The same weights without the adapters, frozen and sharing storage: a LoRA policy's reference
     * model costs no second copy. For a plain model, a frozen view of it.
     */
    public Transformer withoutAdapters() {
        return new Transformer(config, ModelParts.frozen(this, null, null), null, null);
    }

    /** A plain, independent model whose weights are W + (alpha/r)·B·A wherever an adapter sits. */
    public Transformer merged() {
        Transformer m = new Transformer(config);
        named.forEach((name, p) -> System.arraycopy(p.data(), 0, m.named.get(name).data(), 0, p.size()));
        for (LoraAdapter a : adapters.values()) a.mergeInto(m.named.get(a.module() + ".weight"));
        return m;
    }

    /** What an optimizer updates: the adapters' A and B for a LoRA model, else every parameter. */
    public List<Tensor> trainable() {
        if (lora == null) return parameters();
        List<Tensor> out = new ArrayList<>();
        for (LoraAdapter a : adapters.values()) {
            out.add(a.a());
            out.add(a.b());
        }
        return out;
    }

    public long trainableCount() {
        long n = 0;
        for (Tensor p : trainable()) n += p.size();
        return n;
    }

    // ---- gradient checkpointing ----

    /**
     * When on, training keeps only each block's input and recomputes the block's activations
     * during backward: less memory for one more forward of the blocks. Gradients are unchanged.
     */
    public void setGradientCheckpointing(boolean on) {
        this.gradientCheckpointing = on;
    }

    public boolean gradientCheckpointing() {
        return gradientCheckpointing;
    }

    private static Tensor add(Map<String, Tensor> params, Tensor p) {
        params.put(p.name(), p);
        return p;
    }

    /**
     * GPT-2/nanoGPT: weights and embeddings N(0, 0.02²), the projections that write into the
     * residual stream N(0, (0.02/√(2·nLayers))²) so its variance does not grow with depth,
     * biases 0, norm gains 1. Parameters are drawn in {@link #namedParameters} order.
     */
    private void initialize(Rng rng) {
        double std = 0.02, residualStd = 0.02 / Math.sqrt(2.0 * config.nLayers());
        for (Tensor p : named.values()) {
            String n = p.name();
            if (n.endsWith(".bias")) Arrays.fill(p.data(), 0f);
            else if (p.rank() == 1) Arrays.fill(p.data(), 1f);
            else rng.normal(p, isResidualProjection(n) ? residualStd : std);
        }
    }

    private static boolean isResidualProjection(String name) {
        return name.endsWith("attn.c_proj.weight") || name.endsWith("mlp.c_proj.weight")
                || name.endsWith("o_proj.weight") || name.endsWith("down_proj.weight");
    }

    // ---- parameters ----

    public TransformerConfig config() {
        return config;
    }

    /**
     * Every weight under its HF name, in HF's state_dict order; a tied LM head appears once. A LoRA
     * model lists its frozen base weights here and its adapters in {@link #adapters()}.
     */
    public Map<String, Tensor> namedParameters() {
        return named;
    }

    public List<Tensor> parameters() {
        return new ArrayList<>(named.values());
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor p : named.values()) n += p.size();
        return n;
    }

    /** The parameter of that HF name; fails naming it when there is none. */
    public Tensor parameter(String name) {
        Tensor p = named.get(name);
        if (p == null) throw new IllegalArgumentException("no parameter named '" + name + "' in this "
                + config.family().modelType() + " model");
        return p;
    }

    /**
     * True for the weights HF keeps as GPT-2 Conv1D, stored [in, out] on disk while we hold them
     * [out, in]: loaders and savers transpose exactly these.
     */
    public boolean storedTransposed(String name) {
        return config.family() == Family.GPT2 && (name.endsWith(".attn.c_attn.weight")
                || name.endsWith(".attn.c_proj.weight") || name.endsWith(".mlp.c_fc.weight")
                || name.endsWith(".mlp.c_proj.weight"));
    }

    public Tensor tokenEmbedding() {
        return tokenEmbedding;
    }

    /** The LM head weight [V, D] (the token embedding when tied). */
    public Tensor lmHead() {
        return lmHead;
    }

    /**
     * An independent plain model with the same config and weights: a frozen reference for KL or
     * DPO. A LoRA model's copy has its adapters merged in.
     */
    public Transformer copy() {
        return merged(); // a plain model has no adapters: merging is copying
    }

    /**
     * A copy whose vocabulary has {@code newVocab} rows (at least the current number), for tokens
     * added to a pretrained vocabulary. Rows [freshFrom, freshTo) of the token embedding (and of an
     * untied LM head) start as the mean of rows [0, freshFrom), a neutral start that neither
     * dominates nor vanishes; any other new row is zero. Everything else is copied.
     */
    public Transformer withVocabulary(int newVocab, int freshFrom, int freshTo) {
        int v = config.vocabSize(), d = config.dModel();
        if (newVocab < v) throw new IllegalArgumentException(
                "cannot shrink the vocabulary from " + v + " to " + newVocab + " rows");
        if (freshFrom <= 0 || freshFrom > freshTo || freshTo > newVocab) throw new IllegalArgumentException(
                "fresh rows [" + freshFrom + ", " + freshTo + ") must lie within [1, " + newVocab + ")");
        Transformer c = new Transformer(config.withVocabSize(newVocab));
        named.forEach((name, p) -> {
            Tensor q = c.named.get(name);
            System.arraycopy(p.data(), 0, q.data(), 0, p.size());
            if (p == tokenEmbedding || p == lmHead) {
                double[] sum = new double[d];
                float[] rows = p.data(), mean = new float[d];
                for (int r = 0; r < freshFrom; r++) for (int j = 0; j < d; j++) sum[j] += rows[r * d + j];
                for (int j = 0; j < d; j++) mean[j] = (float) (sum[j] / freshFrom);
                for (int r = freshFrom; r < freshTo; r++) System.arraycopy(mean, 0, q.data(), r * d, d);
            }
        });
        return c;
    }

    public void zeroGrad() {
        for (Tensor p : named.values()) p.zeroGrad();
    }

    // ---- forward ----

    /**
     * ids [B·T] → final-normed hidden states [B, T, D]. segments (nullable, [B·T]) marks packed
     * sequences: attention stays inside a segment and positions restart at each segment's first
     * token; a negative id marks padding (never attended, position 0).
     */
    public Tensor hidden(int[] ids, int batch, int seqLen, int[] segments) {
        checkTokens(ids, batch, seqLen);
        if (segments != null && segments.length != batch * seqLen) throw new IllegalArgumentException(
                "segments has " + segments.length + " entries, expected batch·seqLen = " + batch * seqLen);
        int[] positions = segments == null ? range(0, seqLen) : segmentPositions(segments, batch, seqLen);
        checkPositions(seqLen);
        Tensor x = embed(ids, positions, batch, seqLen);
        AttentionMask mask = new AttentionMask(true, seqLen, segments);
        for (int l = 0; l < blocks.length; l++) {
            Block block = blocks[l];
            int layer = l;
            x = gradientCheckpointing
                    ? Tape.checkpoint(x, in -> block.forward(in, positions, mask, null, layer)) // keeps only the block's input
                    : block.forward(x, positions, mask, null, layer);
        }
        return finalNorm(x);
    }

    /** hidden [..., D] → logits [rows, V] through the LM head. */
    public Tensor logits(Tensor hidden) {
        return Ops.linear(hidden.reshape(-1, config.dModel()), lmHead, null);
    }

    /** Mean cross-entropy of next-token predictions: targets [B·T] (ignoreIndex skips a position), weights nullable. */
    public Tensor loss(int[] ids, int[] targets, int batch, int seqLen, float[] weights, int ignoreIndex) {
        return loss(ids, targets, batch, seqLen, null, weights, ignoreIndex);
    }

    /** {@link #loss} over packed or padded rows (see {@link #hidden} for segments). */
    public Tensor loss(int[] ids, int[] targets, int batch, int seqLen, int[] segments, float[] weights, int ignoreIndex) {
        if (targets.length != batch * seqLen) throw new IllegalArgumentException(
                "targets has " + targets.length + " entries, expected batch·seqLen = " + batch * seqLen);
        return Ops.crossEntropy(logits(hidden(ids, batch, seqLen, segments)), targets, weights, ignoreIndex);
    }

    /** A KV cache sized for this model. */
    public KvCache newCache(int batch, int capacity) {
        return new KvCache(config, batch, capacity);
    }

    /**
     * {@link #forwardCached}'s logits as a plain array, row b's V values from b·V: for callers that
     * only sample from them (the server's decode loop), so they need no tensor type.
     */
    public float[] forwardCachedLogits(int[] ids, int batch, int newTokens, KvCache cache) {
        return forwardCached(ids, batch, newTokens, cache).data();
    }

    /**
     * Incremental forward without a tape: ids [B·n] are the next n tokens of each row (a prefill
     * when n > 1, a decode step when n = 1), at positions continuing from the cache's length. Their
     * keys and values are appended to the cache. Returns the logits [B, V] of each row's last new
     * position.
     */
    public Tensor forwardCached(int[] ids, int batch, int newTokens, KvCache cache) {
        checkTokens(ids, batch, newTokens);
        if (cache.batch() != batch) throw new IllegalArgumentException(
                "the cache holds " + cache.batch() + " rows, the batch has " + batch);
        int start = cache.length(), keyLength = start + newTokens;
        if (keyLength > cache.capacity()) throw new IllegalStateException(
                "KV cache full: " + start + " + " + newTokens + " positions exceed its capacity " + cache.capacity());
        int[] padding = cache.leftPadding();
        int[] positions;
        int[] keySegments = null;
        if (padding == null) {
            positions = range(start, keyLength);
        } else {
            // each row counts positions from its first real token; padding keys are segment -1
            positions = new int[batch * newTokens];
            keySegments = new int[batch * keyLength];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < newTokens; t++) positions[b * newTokens + t] = Math.max(0, start + t - padding[b]);
                Arrays.fill(keySegments, b * keyLength, b * keyLength + Math.min(padding[b], keyLength), -1);
            }
        }
        checkPositions(keyLength - (padding == null ? 0 : min(padding)));
        AutoCloseable noGrad = Tape.noGrad(); // inference: nothing is recorded, outputs come from the heap
        try {
            Tensor x = embed(ids, positions, batch, newTokens);
            AttentionMask mask = new AttentionMask(true, keyLength, keySegments);
            for (int l = 0; l < blocks.length; l++) x = blocks[l].forward(x, positions, mask, cache, l);
            cache.advance(newTokens);
            // only each row's last position is needed: [B·n, D] → [B, D]
            Tensor lastHidden;
            if (newTokens == 1) {
                lastHidden = x.reshape(batch, config.dModel());
            } else {
                int[] last = new int[batch];
                for (int b = 0; b < batch; b++) last[b] = b * newTokens + newTokens - 1;
                lastHidden = Ops.gatherRows(x.reshape(batch * newTokens, config.dModel()), last);
            }
            return logits(finalNorm(lastHidden));
        } finally {
            resume(noGrad);
        }
    }

    private static void resume(AutoCloseable noGrad) {
        try {
            noGrad.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not resume the tape", e);
        }
    }

    // ---- pieces ----

    /** ids [B·T] → [B, T, D]: token embedding, plus the learned position embedding for gpt2. */
    private Tensor embed(int[] ids, int[] positions, int batch, int seqLen) {
        Tensor x = Ops.embedding(tokenEmbedding, ids, batch, seqLen);
        if (positionEmbedding == null) return x;
        Tensor pos = positions.length == seqLen
                ? Ops.embedding(positionEmbedding, positions, seqLen)           // [T, D], broadcast over B
                : Ops.embedding(positionEmbedding, positions, batch, seqLen);   // [B, T, D]
        return Ops.add(x, pos);
    }

    private Tensor finalNorm(Tensor x) {
        return normBias == null ? Ops.rmsNorm(x, normWeight, config.normEps())
                : Ops.layerNorm(x, normWeight, normBias, config.normEps());
    }

    private void checkTokens(int[] ids, int batch, int seqLen) {
        if (batch <= 0 || seqLen <= 0) throw new IllegalArgumentException(
                "batch and seqLen must be positive, got " + batch + " and " + seqLen);
        if (ids.length != batch * seqLen) throw new IllegalArgumentException(
                "ids has " + ids.length + " entries, expected batch·seqLen = " + batch + "·" + seqLen);
        int v = config.vocabSize();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= v) throw new IllegalArgumentException(
                    "token id " + ids[i] + " at index " + i + " is outside the vocabulary [0, " + v + ")");
        }
    }

    private void checkPositions(int needed) {
        if (config.family() == Family.GPT2 && needed > config.maxSeqLen()) throw new IllegalArgumentException(
                "sequence of " + needed + " positions exceeds gpt2's learned position table of " + config.maxSeqLen());
    }

    /** Position of each token within its segment: restarts where the segment id changes; 0 on padding. */
    static int[] segmentPositions(int[] segments, int batch, int seqLen) {
        int[] positions = new int[batch * seqLen];
        for (int b = 0; b < batch; b++) {
            int base = b * seqLen;
            for (int t = 0; t < seqLen; t++) {
                int s = segments[base + t];
                boolean continues = t > 0 && s >= 0 && segments[base + t - 1] == s;
                positions[base + t] = continues ? positions[base + t - 1] + 1 : 0;
            }
        }
        return positions;
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    private static int min(int[] a) {
        int m = Integer.MAX_VALUE;
        for (int x : a) m = Math.min(m, x);
        return m;
    }
}

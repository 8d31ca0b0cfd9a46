package rlhf4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The shape of a decoder-only {@link Transformer}. Read from and written to a Hugging Face style
 * {@code config.json}, so a run folder's config is what {@code transformers} would write.
 *
 * @param family         llama (default for new models) or gpt2
 * @param vocabSize      rows of the token embedding and of the LM head
 * @param dModel         width of the residual stream
 * @param nLayers        number of blocks
 * @param nHeads         query heads; the head size is dModel / nHeads
 * @param nKvHeads       key/value heads (grouped-query attention); equals nHeads for gpt2
 * @param ffnHidden      MLP hidden width (4·dModel for gpt2)
 * @param maxSeqLen      longest sequence (gpt2: rows of the learned position table)
 * @param normEps        epsilon of LayerNorm / RMSNorm
 * @param ropeTheta      rotary base (llama only)
 * @param tiedEmbeddings the LM head reuses the token embedding (always true for gpt2)
 * @param qkvBias        llama only: q/k/v projections carry a bias (Qwen2's variant; HF model_type qwen2)
 * @param ropeScaling    llama only: context-extension scaling of the rotary frequencies, or null
 */
public record TransformerConfig(Family family, int vocabSize, int dModel, int nLayers, int nHeads, int nKvHeads,
                                int ffnHidden, int maxSeqLen, float normEps, float ropeTheta, boolean tiedEmbeddings,
                                boolean qkvBias, RopeScaling ropeScaling) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public TransformerConfig {
        if (family == null) throw new IllegalArgumentException("family is required");
        positive("vocabSize", vocabSize);
        positive("dModel", dModel);
        positive("nLayers", nLayers);
        positive("nHeads", nHeads);
        positive("nKvHeads", nKvHeads);
        positive("ffnHidden", ffnHidden);
        positive("maxSeqLen", maxSeqLen);
        if (dModel % nHeads != 0) throw new IllegalArgumentException(
                "dModel " + dModel + " is not a multiple of nHeads " + nHeads);
        if (nHeads % nKvHeads != 0) throw new IllegalArgumentException(
                "nHeads " + nHeads + " is not a multiple of nKvHeads " + nKvHeads);
        if (!(normEps > 0)) throw new IllegalArgumentException("normEps must be positive, got " + normEps);
        if (family == Family.LLAMA && (dModel / nHeads) % 2 != 0) throw new IllegalArgumentException(
                "rotary positions need an even head size, got " + dModel / nHeads);
        if (family == Family.LLAMA && !(ropeTheta > 0)) throw new IllegalArgumentException(
                "ropeTheta must be positive, got " + ropeTheta);
        if (family == Family.GPT2) {
            if (nKvHeads != nHeads) throw new IllegalArgumentException(
                    "gpt2 has no grouped-query attention: nKvHeads " + nKvHeads + " must equal nHeads " + nHeads);
            if (!tiedEmbeddings) throw new IllegalArgumentException("gpt2 ties its LM head to the token embedding");
            if (qkvBias) throw new IllegalArgumentException("qkvBias is a llama-family option (gpt2 always has biases)");
            if (ropeScaling != null) throw new IllegalArgumentException("gpt2 has learned positions, no rope_scaling");
        }
    }

    /** Without the Qwen2 / rope-scaling options. */
    public TransformerConfig(Family family, int vocabSize, int dModel, int nLayers, int nHeads, int nKvHeads,
                             int ffnHidden, int maxSeqLen, float normEps, float ropeTheta, boolean tiedEmbeddings) {
        this(family, vocabSize, dModel, nLayers, nHeads, nKvHeads, ffnHidden, maxSeqLen, normEps, ropeTheta,
                tiedEmbeddings, false, null);
    }

    private static void positive(String what, int value) {
        if (value <= 0) throw new IllegalArgumentException(what + " must be positive, got " + value);
    }

    /** A Llama-family config with HF's defaults (rms eps 1e-5, rope θ 10000, untied head). */
    public static TransformerConfig llama(int vocabSize, int dModel, int nLayers, int nHeads, int nKvHeads,
                                          int ffnHidden, int maxSeqLen) {
        return new TransformerConfig(Family.LLAMA, vocabSize, dModel, nLayers, nHeads, nKvHeads, ffnHidden,
                maxSeqLen, 1e-5f, 10000f, false);
    }

    /** A GPT-2-family config: MLP 4·D, LayerNorm eps 1e-5, tied head. */
    public static TransformerConfig gpt2(int vocabSize, int dModel, int nLayers, int nHeads, int maxSeqLen) {
        return new TransformerConfig(Family.GPT2, vocabSize, dModel, nLayers, nHeads, nHeads, 4 * dModel,
                maxSeqLen, 1e-5f, 10000f, true);
    }

    public int headDim() {
        return dModel / nHeads;
    }

    public TransformerConfig withTiedEmbeddings(boolean tied) {
        return new TransformerConfig(family, vocabSize, dModel, nLayers, nHeads, nKvHeads, ffnHidden, maxSeqLen,
                normEps, ropeTheta, tied, qkvBias, ropeScaling);
    }

    public TransformerConfig withNormEps(float eps) {
        return new TransformerConfig(family, vocabSize, dModel, nLayers, nHeads, nKvHeads, ffnHidden, maxSeqLen,
                eps, ropeTheta, tiedEmbeddings, qkvBias, ropeScaling);
    }

    public TransformerConfig withRopeTheta(float theta) {
        return new TransformerConfig(family, vocabSize, dModel, nLayers, nHeads, nKvHeads, ffnHidden, maxSeqLen,
                normEps, theta, tiedEmbeddings, qkvBias, ropeScaling);
    }

    public TransformerConfig withQkvBias(boolean bias) {
        return new TransformerConfig(family, vocabSize, dModel, nLayers, nHeads, nKvHeads, ffnHidden, maxSeqLen,
                normEps, ropeTheta, tiedEmbeddings, bias, ropeScaling);
    }

    public TransformerConfig withRopeScaling(RopeScaling scaling) {
        return new TransformerConfig(family, vocabSize, dModel, nLayers, nHeads, nKvHeads, ffnHidden, maxSeqLen,
                normEps, ropeTheta, tiedEmbeddings, qkvBias, scaling);
    }

    public TransformerConfig withVocabSize(int vocab) {
        return new TransformerConfig(family, vocab, dModel, nLayers, nHeads, nKvHeads, ffnHidden, maxSeqLen,
                normEps, ropeTheta, tiedEmbeddings, qkvBias, ropeScaling);
    }

    /** HF's model_type: gpt2, llama, or qwen2 for a llama with q/k/v biases. */
    public String modelType() {
        return qkvBias ? "qwen2" : family.modelType();
    }

    /** HF's causal-LM class name, written into {@code architectures}. */
    public String architecture() {
        return qkvBias ? "Qwen2ForCausalLM" : family.architecture();
    }

    // ---- config.json ----

    /** The config as HF's {@code config.json} object (the keys {@code transformers} reads). */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add(architecture());
        o.put("model_type", modelType());
        o.put("vocab_size", vocabSize);
        switch (family) {
            case GPT2 -> {
                o.put("n_embd", dModel);
                o.put("n_layer", nLayers);
                o.put("n_head", nHeads);
                if (ffnHidden == 4 * dModel) o.putNull("n_inner");
                else o.put("n_inner", ffnHidden);
                o.put("n_positions", maxSeqLen);
                o.put("n_ctx", maxSeqLen);
                o.put("layer_norm_epsilon", normEps);
                o.put("activation_function", "gelu_new");
            }
            case LLAMA -> {
                o.put("hidden_size", dModel);
                o.put("num_hidden_layers", nLayers);
                o.put("num_attention_heads", nHeads);
                o.put("num_key_value_heads", nKvHeads);
                o.put("head_dim", headDim());
                o.put("intermediate_size", ffnHidden);
                o.put("max_position_embeddings", maxSeqLen);
                o.put("rms_norm_eps", normEps);
                o.put("rope_theta", ropeTheta);
                if (ropeScaling == null) o.putNull("rope_scaling");
                else ropeScaling.writeJson(o.putObject("rope_scaling"));
                o.put("hidden_act", "silu");
                if (qkvBias) {
                    o.put("use_sliding_window", false);
                } else {
                    o.put("attention_bias", false);
                    o.put("mlp_bias", false);
                }
            }
        }
        o.put("tie_word_embeddings", tiedEmbeddings);
        o.put("torch_dtype", "float32");
        return o;
    }

    public String toJsonString() {
        try {
            return JSON.writeValueAsString(toJson()) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TransformerConfig fromJson(String json) {
        try {
            return fromJson(JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("config.json is not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Reads HF keys; missing optional keys take HF's defaults for that model type. Accepts
     * model_type gpt2, llama, mistral (without a sliding window) and qwen2 (llama with q/k/v biases).
     */
    public static TransformerConfig fromJson(JsonNode o) {
        if (!o.hasNonNull("model_type")) throw new IllegalArgumentException("config.json has no 'model_type'");
        String modelType = o.get("model_type").asText();
        return switch (modelType) {
            case "gpt2" -> gpt2FromJson(o, required(o, "vocab_size"));
            case "llama", "mistral", "qwen2" -> llamaFromJson(o, modelType, required(o, "vocab_size"));
            default -> throw new IllegalArgumentException("config.json: model_type '" + modelType + "'"
                    + (o.has("architectures") ? " (architectures " + o.get("architectures") + ")" : "")
                    + " is not supported; rlhf4j loads gpt2, llama, mistral and qwen2 causal LMs");
        };
    }

    private static TransformerConfig gpt2FromJson(JsonNode o, int vocab) {
        int d = required(o, "n_embd");
        int heads = required(o, "n_head");
        int inner = o.hasNonNull("n_inner") ? o.get("n_inner").asInt() : 4 * d;
        int positions = o.hasNonNull("n_positions") ? o.get("n_positions").asInt() : required(o, "n_ctx");
        String act = o.path("activation_function").asText("gelu_new");
        if (!act.equals("gelu_new") && !act.equals("gelu_pytorch_tanh")) throw new IllegalArgumentException(
                "config.json: activation_function '" + act + "' is not supported (gelu_new only)");
        // variants of GPT-2's attention that change its numbers
        if (!o.path("scale_attn_weights").asBoolean(true) || o.path("scale_attn_by_inverse_layer_idx").asBoolean(false))
            throw new IllegalArgumentException("config.json: gpt2 with scale_attn_weights=false or "
                    + "scale_attn_by_inverse_layer_idx=true is not supported");
        return new TransformerConfig(Family.GPT2, vocab, d, required(o, "n_layer"), heads, heads, inner, positions,
                (float) o.path("layer_norm_epsilon").asDouble(1e-5), 10000f,
                o.path("tie_word_embeddings").asBoolean(true));
    }

    private static TransformerConfig llamaFromJson(JsonNode o, String modelType, int vocab) {
        boolean qwen2 = modelType.equals("qwen2");
        int d = required(o, "hidden_size");
        int heads = required(o, "num_attention_heads");
        if (o.hasNonNull("head_dim") && o.get("head_dim").asInt() != d / heads) throw new IllegalArgumentException(
                "config.json: head_dim " + o.get("head_dim").asInt() + " != hidden_size / num_attention_heads "
                        + d / heads + " is not supported");
        String act = o.path("hidden_act").asText("silu");
        if (!act.equals("silu")) throw new IllegalArgumentException(
                "config.json: hidden_act '" + act + "' is not supported (silu only)");
        if (o.path("attention_bias").asBoolean(false)) throw new IllegalArgumentException(
                "config.json: attention_bias=true (a bias on q/k/v and o_proj) is not supported; "
                        + "only Qwen2's q/k/v biases are");
        if (o.path("mlp_bias").asBoolean(false))
            throw new IllegalArgumentException("config.json: mlp_bias=true is not supported");
        boolean window = qwen2 ? o.path("use_sliding_window").asBoolean(false)
                : o.hasNonNull("sliding_window") && o.get("sliding_window").asInt() < o.path("max_position_embeddings").asInt(0);
        if (window) throw new IllegalArgumentException(
                "config.json: sliding-window attention is not supported (" + modelType + " with sliding_window "
                        + o.path("sliding_window") + ")");
        int positions = o.path("max_position_embeddings").asInt(2048);
        float eps = (float) o.path("rms_norm_eps").asDouble(1e-6);
        float theta = (float) o.path("rope_theta").asDouble(10000);
        boolean tied = o.path("tie_word_embeddings").asBoolean(false);
        return new TransformerConfig(Family.LLAMA, vocab, d, required(o, "num_hidden_layers"), heads,
                o.hasNonNull("num_key_value_heads") ? o.get("num_key_value_heads").asInt() : heads,
                required(o, "intermediate_size"), positions, eps, theta, tied, qwen2,
                RopeScaling.fromJson(o.get("rope_scaling")));
    }

    private static int required(JsonNode o, String key) {
        if (!o.hasNonNull(key)) throw new IllegalArgumentException("config.json has no '" + key + "'");
        return o.get(key).asInt();
    }
}

package rlhf4j.tensor;

import rlhf4j.tensor.ops.Activations;
import rlhf4j.tensor.ops.Attention;
import rlhf4j.tensor.ops.Embedding;
import rlhf4j.tensor.ops.MatMul;
import rlhf4j.tensor.ops.Norms;
import rlhf4j.tensor.ops.Pointwise;
import rlhf4j.tensor.ops.Reductions;
import rlhf4j.tensor.ops.Rope;
import rlhf4j.tensor.ops.Shapes;
import rlhf4j.tensor.ops.Vocabulary;

/**
 * Every differentiable op, in one place. Each is fused and has a hand-written backward that the
 * tape records when an input requires grad. Shapes: "[..., D]" means any leading dimensions,
 * treated as rows of a matrix. Broadcasting is only of a suffix shape over leading dimensions.
 */
public final class Ops {
    private Ops() {
    }

    // ---- linear algebra ----

    /** {@code op(a) @ op(b)} where op transposes the last two dims when asked. a [..., M, K] (or [..., K, M]); b [..., K, N] (or [..., N, K]) or 2-D shared across a's batch. */
    public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        return MatMul.matmul(a, b, transA, transB);
    }

    /** x [..., in] · weightᵀ [out, in] + bias [out] (bias may be null) → [..., out], as torch's Linear. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return MatMul.linear(x, weight, bias);
    }

    // ---- pointwise (b's shape is a suffix of a's and is broadcast over a's leading dims) ----

    public static Tensor add(Tensor a, Tensor b) { return Pointwise.add(a, b); }
    public static Tensor sub(Tensor a, Tensor b) { return Pointwise.sub(a, b); }
    public static Tensor mul(Tensor a, Tensor b) { return Pointwise.mul(a, b); }
    public static Tensor div(Tensor a, Tensor b) { return Pointwise.div(a, b); }
    public static Tensor scale(Tensor a, float s) { return Pointwise.scale(a, s); }
    public static Tensor addScalar(Tensor a, float s) { return Pointwise.addScalar(a, s); }
    public static Tensor neg(Tensor a) { return Pointwise.scale(a, -1f); }
    public static Tensor exp(Tensor a) { return Pointwise.exp(a); }
    public static Tensor log(Tensor a) { return Pointwise.log(a); }
    public static Tensor square(Tensor a) { return Pointwise.square(a); }
    public static Tensor sigmoid(Tensor a) { return Pointwise.sigmoid(a); }
    /** log σ(a), computed stably (the Bradley–Terry and DPO losses are −logSigmoid of a margin). */
    public static Tensor logSigmoid(Tensor a) { return Pointwise.logSigmoid(a); }
    /** Clamps to [lo, hi]; the gradient passes only where the value was inside. */
    public static Tensor clamp(Tensor a, float lo, float hi) { return Pointwise.clamp(a, lo, hi); }
    /** Elementwise min of two same-shape tensors; the gradient goes to the chosen side (a on ties). */
    public static Tensor minimum(Tensor a, Tensor b) { return Pointwise.minimum(a, b); }
    public static Tensor maximum(Tensor a, Tensor b) { return Pointwise.maximum(a, b); }
    /** cond ≠ 0 ? a : b, elementwise over same-shape tensors; cond is a constant. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Pointwise.where(cond, a, b); }

    // ---- activations ----

    /** GELU, tanh approximation (GPT-2's). */
    public static Tensor gelu(Tensor x) { return Activations.gelu(x); }
    public static Tensor silu(Tensor x) { return Activations.silu(x); }
    /** silu(gate) · up, fused (Llama's MLP). */
    public static Tensor swiglu(Tensor gate, Tensor up) { return Activations.swiglu(gate, up); }
    public static Tensor relu(Tensor x) { return Activations.relu(x); }
    /** relu(x)², as in modded-nanoGPT and nanochat. */
    public static Tensor relu2(Tensor x) { return Activations.relu2(x); }

    // ---- normalization ----

    /** LayerNorm over the last dim with weight and bias [D] (bias may be null). */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) { return Norms.layerNorm(x, weight, bias, eps); }
    /** RMSNorm over the last dim with weight [D] (may be null: no gain). */
    public static Tensor rmsNorm(Tensor x, Tensor weight, float eps) { return Norms.rmsNorm(x, weight, eps); }

    // ---- embeddings, positions, reshuffles ----

    /** Rows of table [V, D] at {@code ids}; the result has shape {@code [...leadingShape, D]}. */
    public static Tensor embedding(Tensor table, int[] ids, int... leadingShape) { return Embedding.embedding(table, ids, leadingShape); }
    /** Rows of x viewed as [N, D] → [rows.length, D]; the gradient scatters back (adds on repeats). */
    public static Tensor gatherRows(Tensor x, int[] rows) { return Embedding.gatherRows(x, rows); }
    /** Rotary embedding (rotate-half pairing, as HF Llama) on x [B, T, H, hd]; positions has T or B·T entries. */
    public static Tensor rope(Tensor x, int[] positions, float theta) { return Rope.rope(x, positions, theta); }
    /** rope with explicit inverse frequencies [hd/2] (scaled rotary positions). */
    public static Tensor rope(Tensor x, int[] positions, float[] invFreq) { return Rope.rope(x, positions, Float.NaN, invFreq); }
    /** Splits the last dim into consecutive parts of the given sizes (copies). */
    public static Tensor[] split(Tensor x, int... sizes) { return Shapes.split(x, sizes); }
    /** Joins tensors along the last dim (copies); leading dims must agree. */
    public static Tensor concat(Tensor... parts) { return Shapes.concat(parts); }

    // ---- attention ----

    /**
     * Fused scaled-dot-product attention with an online softmax. q [B, T, Hq, hd]; k and v
     * [B, S, Hkv, hd] with Hq a multiple of Hkv (grouped-query heads share a key/value head);
     * only the first {@code mask.keyLength()} of S are read. Returns [B, T, Hq, hd].
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, AttentionMask mask) { return Attention.attention(q, k, v, mask); }

    // ---- over the vocabulary ----

    /**
     * Mean cross-entropy of logits [N, V] against targets [N], fused with its gradient: no softmax
     * copy is kept. Rows whose target is {@code ignoreIndex} count for nothing; with weights [N]
     * (may be null) the mean is Σ wᵢ·lossᵢ / Σ wᵢ over the rows not ignored.
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets, float[] weights, int ignoreIndex) { return Vocabulary.crossEntropy(logits, targets, weights, ignoreIndex); }
    /** log softmax(logits)[target] per row: [N, V] → [N] (the per-token log-probs of PPO and DPO). */
    public static Tensor tokenLogProbs(Tensor logits, int[] targets) { return Vocabulary.tokenLogProbs(logits, targets); }
    /** Entropy of softmax(logits) per row: [N, V] → [N]. */
    public static Tensor entropy(Tensor logits) { return Vocabulary.entropy(logits); }
    /** Softmax over the last dim. */
    public static Tensor softmax(Tensor x) { return Vocabulary.softmax(x); }
    /** Log-softmax over the last dim. */
    public static Tensor logSoftmax(Tensor x) { return Vocabulary.logSoftmax(x); }

    // ---- reductions ----

    /** Σ of all elements → scalar. */
    public static Tensor sum(Tensor x) { return Reductions.sum(x); }
    /** Mean of all elements → scalar. */
    public static Tensor mean(Tensor x) { return Reductions.mean(x); }
    /** Σ mask·x / Σ mask over all elements (mask same size as x, a constant) → scalar. */
    public static Tensor maskedMean(Tensor x, float[] mask) { return Reductions.maskedMean(x, mask); }
    /** Σ over the last dim: [..., D] → [...]. */
    public static Tensor sumLastDim(Tensor x) { return Reductions.sumLastDim(x); }
}

package rlhf4j.model;

import java.util.Map;
import rlhf4j.tensor.AttentionMask;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tensor;

/**
 * Llama's block: RMSNorm, rotary grouped-query attention without biases (or with q/k/v biases, as
 * Qwen2), SwiGLU MLP.
 */
final class LlamaBlock implements Block {
    private final int nHeads, nKvHeads, headDim;
    private final float eps, theta;
    private final float[] invFreq;                   // scaled rotary frequencies [hd/2], or null for θ's own
    private final Tensor inputNorm;                  // [D]
    private final Linear wq, wk, wv, wo;             // [Hq·hd, D], [Hkv·hd, D] ×2, [D, Hq·hd]; qwen2: q, k, v with bias
    private final Tensor postNorm;                   // [D]
    private final Linear wGate, wUp, wDown;          // [F, D], [F, D], [D, F]

    LlamaBlock(TransformerConfig c, String prefix, ModelParts parts) {
        int d = c.dModel(), hd = c.headDim(), f = c.ffnHidden();
        nHeads = c.nHeads();
        nKvHeads = c.nKvHeads();
        headDim = hd;
        eps = c.normEps();
        theta = c.ropeTheta();
        invFreq = c.ropeScaling() == null ? null : c.ropeScaling().inverseFrequencies(theta, hd);
        inputNorm = parts.param(prefix + "input_layernorm.weight", d);
        wq = parts.linear(prefix + "self_attn.q_proj", nHeads * hd, d, c.qkvBias());
        wk = parts.linear(prefix + "self_attn.k_proj", nKvHeads * hd, d, c.qkvBias());
        wv = parts.linear(prefix + "self_attn.v_proj", nKvHeads * hd, d, c.qkvBias());
        wo = parts.linear(prefix + "self_attn.o_proj", d, nHeads * hd, false);
        postNorm = parts.param(prefix + "post_attention_layernorm.weight", d);
        wGate = parts.linear(prefix + "mlp.gate_proj", f, d, false);
        wUp = parts.linear(prefix + "mlp.up_proj", f, d, false);
        wDown = parts.linear(prefix + "mlp.down_proj", d, f, false);
    }

    @Override
    public void register(Map<String, Tensor> named) {
        // the order of LlamaDecoderLayer's state_dict
        for (Tensor p : new Tensor[] {wq.weight, wq.bias, wk.weight, wk.bias, wv.weight, wv.bias, wo.weight,
                wGate.weight, wUp.weight, wDown.weight, inputNorm, postNorm}) {
            if (p != null) named.put(p.name(), p);
        }
    }

    @Override
    public Tensor forward(Tensor x, int[] positions, AttentionMask mask, KvCache cache, int layer) {
        int b = x.dim(0), t = x.dim(1), d = x.dim(2);
        // attention: x [B, T, D] → q [B, T, Hq, hd], k, v [B, T, Hkv, hd]
        Tensor h = Ops.rmsNorm(x, inputNorm, eps);
        Tensor q = rope(wq.forward(h).reshape(b, t, nHeads, headDim), positions);
        Tensor k = rope(wk.forward(h).reshape(b, t, nKvHeads, headDim), positions);
        Tensor v = wv.forward(h).reshape(b, t, nKvHeads, headDim);
        Tensor a = Block.attend(q, k, v, mask, cache, layer).reshape(b, t, nHeads * headDim);
        x = Ops.add(x, wo.forward(a));
        // MLP: down(silu(gate(m)) · up(m)), hidden [B, T, F]
        Tensor m = Ops.rmsNorm(x, postNorm, eps);
        Tensor hidden = Ops.swiglu(wGate.forward(m), wUp.forward(m));
        return Ops.add(x, wDown.forward(hidden).reshape(b, t, d));
    }

    private Tensor rope(Tensor x, int[] positions) {
        return invFreq == null ? Ops.rope(x, positions, theta) : Ops.rope(x, positions, invFreq);
    }
}

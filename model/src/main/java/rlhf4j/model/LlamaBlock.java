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
    private final Tensor wq, wk, wv, wo;             // [Hq·hd, D], [Hkv·hd, D] ×2, [D, Hq·hd]
    private final Tensor bq, bk, bv;                 // qwen2: [Hq·hd], [Hkv·hd] ×2; else null
    private final Tensor postNorm;                   // [D]
    private final Tensor wGate, wUp, wDown;          // [F, D], [F, D], [D, F]

    LlamaBlock(TransformerConfig c, String prefix) {
        int d = c.dModel(), hd = c.headDim(), f = c.ffnHidden();
        nHeads = c.nHeads();
        nKvHeads = c.nKvHeads();
        headDim = hd;
        eps = c.normEps();
        theta = c.ropeTheta();
        invFreq = c.ropeScaling() == null ? null : c.ropeScaling().inverseFrequencies(theta, hd);
        inputNorm = Tensor.param(prefix + "input_layernorm.weight", d);
        wq = Tensor.param(prefix + "self_attn.q_proj.weight", nHeads * hd, d);
        wk = Tensor.param(prefix + "self_attn.k_proj.weight", nKvHeads * hd, d);
        wv = Tensor.param(prefix + "self_attn.v_proj.weight", nKvHeads * hd, d);
        wo = Tensor.param(prefix + "self_attn.o_proj.weight", d, nHeads * hd);
        bq = c.qkvBias() ? Tensor.param(prefix + "self_attn.q_proj.bias", nHeads * hd) : null;
        bk = c.qkvBias() ? Tensor.param(prefix + "self_attn.k_proj.bias", nKvHeads * hd) : null;
        bv = c.qkvBias() ? Tensor.param(prefix + "self_attn.v_proj.bias", nKvHeads * hd) : null;
        postNorm = Tensor.param(prefix + "post_attention_layernorm.weight", d);
        wGate = Tensor.param(prefix + "mlp.gate_proj.weight", f, d);
        wUp = Tensor.param(prefix + "mlp.up_proj.weight", f, d);
        wDown = Tensor.param(prefix + "mlp.down_proj.weight", d, f);
    }

    @Override
    public void register(Map<String, Tensor> named) {
        // the order of LlamaDecoderLayer's state_dict
        for (Tensor p : new Tensor[] {wq, bq, wk, bk, wv, bv, wo, wGate, wUp, wDown, inputNorm, postNorm}) {
            if (p != null) named.put(p.name(), p);
        }
    }

    @Override
    public Tensor forward(Tensor x, int[] positions, AttentionMask mask, KvCache cache, int layer) {
        int b = x.dim(0), t = x.dim(1), d = x.dim(2);
        // attention: x [B, T, D] → q [B, T, Hq, hd], k, v [B, T, Hkv, hd]
        Tensor h = Ops.rmsNorm(x, inputNorm, eps);
        Tensor q = rope(Ops.linear(h, wq, bq).reshape(b, t, nHeads, headDim), positions);
        Tensor k = rope(Ops.linear(h, wk, bk).reshape(b, t, nKvHeads, headDim), positions);
        Tensor v = Ops.linear(h, wv, bv).reshape(b, t, nKvHeads, headDim);
        Tensor a = Block.attend(q, k, v, mask, cache, layer).reshape(b, t, nHeads * headDim);
        x = Ops.add(x, Ops.linear(a, wo, null));
        // MLP: down(silu(gate(m)) · up(m)), hidden [B, T, F]
        Tensor m = Ops.rmsNorm(x, postNorm, eps);
        Tensor hidden = Ops.swiglu(Ops.linear(m, wGate, null), Ops.linear(m, wUp, null));
        return Ops.add(x, Ops.linear(hidden, wDown, null).reshape(b, t, d));
    }

    private Tensor rope(Tensor x, int[] positions) {
        return invFreq == null ? Ops.rope(x, positions, theta) : Ops.rope(x, positions, invFreq);
    }
}

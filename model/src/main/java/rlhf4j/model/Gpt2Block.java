package rlhf4j.model;

import java.util.Map;
import rlhf4j.tensor.AttentionMask;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tensor;

/**
 * GPT-2's block: LayerNorm with bias, one fused q/k/v projection, GELU (tanh) MLP of 4·D, biases
 * everywhere. Weights are kept [out, in] like every linear here; HF stores its Conv1D ones
 * [in, out], and {@link rlhf4j.model.io.ModelIO} transposes them on the way in and out.
 */
final class Gpt2Block implements Block {
    private final int nHeads, headDim;
    private final float eps;
    private final Tensor ln1Weight, ln1Bias;         // [D]
    private final Tensor attnWeight, attnBias;       // c_attn [3D, D], [3D]
    private final Tensor projWeight, projBias;       // attn.c_proj [D, D], [D]
    private final Tensor ln2Weight, ln2Bias;         // [D]
    private final Tensor fcWeight, fcBias;           // mlp.c_fc [F, D], [F]
    private final Tensor mlpProjWeight, mlpProjBias; // mlp.c_proj [D, F], [D]

    Gpt2Block(TransformerConfig c, String prefix) {
        int d = c.dModel(), f = c.ffnHidden();
        nHeads = c.nHeads();
        headDim = c.headDim();
        eps = c.normEps();
        ln1Weight = Tensor.param(prefix + "ln_1.weight", d);
        ln1Bias = Tensor.param(prefix + "ln_1.bias", d);
        attnWeight = Tensor.param(prefix + "attn.c_attn.weight", 3 * d, d);
        attnBias = Tensor.param(prefix + "attn.c_attn.bias", 3 * d);
        projWeight = Tensor.param(prefix + "attn.c_proj.weight", d, d);
        projBias = Tensor.param(prefix + "attn.c_proj.bias", d);
        ln2Weight = Tensor.param(prefix + "ln_2.weight", d);
        ln2Bias = Tensor.param(prefix + "ln_2.bias", d);
        fcWeight = Tensor.param(prefix + "mlp.c_fc.weight", f, d);
        fcBias = Tensor.param(prefix + "mlp.c_fc.bias", f);
        mlpProjWeight = Tensor.param(prefix + "mlp.c_proj.weight", d, f);
        mlpProjBias = Tensor.param(prefix + "mlp.c_proj.bias", d);
    }

    @Override
    public void register(Map<String, Tensor> named) {
        // the order of GPT2Block's state_dict
        for (Tensor p : new Tensor[] {ln1Weight, ln1Bias, attnWeight, attnBias, projWeight, projBias,
                ln2Weight, ln2Bias, fcWeight, fcBias, mlpProjWeight, mlpProjBias}) {
            named.put(p.name(), p);
        }
    }

    @Override
    public Tensor forward(Tensor x, int[] positions, AttentionMask mask, KvCache cache, int layer) {
        int b = x.dim(0), t = x.dim(1), d = x.dim(2);
        // attention: x [B, T, D] → qkv [B, T, 3D] → q, k, v [B, T, H, hd]
        Tensor h = Ops.layerNorm(x, ln1Weight, ln1Bias, eps);
        Tensor[] qkv = Ops.split(Ops.linear(h, attnWeight, attnBias), d, d, d);
        Tensor q = qkv[0].reshape(b, t, nHeads, headDim);
        Tensor k = qkv[1].reshape(b, t, nHeads, headDim);
        Tensor v = qkv[2].reshape(b, t, nHeads, headDim);
        Tensor a = Block.attend(q, k, v, mask, cache, layer).reshape(b, t, d);
        x = Ops.add(x, Ops.linear(a, projWeight, projBias));
        // MLP: c_proj(gelu(c_fc(m))), hidden [B, T, F]
        Tensor m = Ops.layerNorm(x, ln2Weight, ln2Bias, eps);
        Tensor hidden = Ops.gelu(Ops.linear(m, fcWeight, fcBias));
        return Ops.add(x, Ops.linear(hidden, mlpProjWeight, mlpProjBias));
    }
}

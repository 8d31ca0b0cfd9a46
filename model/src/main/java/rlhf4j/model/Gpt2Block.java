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
    private final Linear attn;                       // c_attn [3D, D], [3D]
    private final Linear proj;                       // attn.c_proj [D, D], [D]
    private final Tensor ln2Weight, ln2Bias;         // [D]
    private final Linear fc;                         // mlp.c_fc [F, D], [F]
    private final Linear mlpProj;                    // mlp.c_proj [D, F], [D]

    Gpt2Block(TransformerConfig c, String prefix, ModelParts parts) {
        int d = c.dModel(), f = c.ffnHidden();
        nHeads = c.nHeads();
        headDim = c.headDim();
        eps = c.normEps();
        ln1Weight = parts.param(prefix + "ln_1.weight", d);
        ln1Bias = parts.param(prefix + "ln_1.bias", d);
        attn = parts.linear(prefix + "attn.c_attn", 3 * d, d, true);
        proj = parts.linear(prefix + "attn.c_proj", d, d, true);
        ln2Weight = parts.param(prefix + "ln_2.weight", d);
        ln2Bias = parts.param(prefix + "ln_2.bias", d);
        fc = parts.linear(prefix + "mlp.c_fc", f, d, true);
        mlpProj = parts.linear(prefix + "mlp.c_proj", d, f, true);
    }

    @Override
    public void register(Map<String, Tensor> named) {
        // the order of GPT2Block's state_dict
        for (Tensor p : new Tensor[] {ln1Weight, ln1Bias, attn.weight, attn.bias, proj.weight, proj.bias,
                ln2Weight, ln2Bias, fc.weight, fc.bias, mlpProj.weight, mlpProj.bias}) {
            named.put(p.name(), p);
        }
    }

    @Override
    public Tensor forward(Tensor x, int[] positions, AttentionMask mask, KvCache cache, int layer) {
        int b = x.dim(0), t = x.dim(1), d = x.dim(2);
        // attention: x [B, T, D] → qkv [B, T, 3D] → q, k, v [B, T, H, hd]
        Tensor h = Ops.layerNorm(x, ln1Weight, ln1Bias, eps);
        Tensor[] qkv = Ops.split(attn.forward(h), d, d, d);
        Tensor q = qkv[0].reshape(b, t, nHeads, headDim);
        Tensor k = qkv[1].reshape(b, t, nHeads, headDim);
        Tensor v = qkv[2].reshape(b, t, nHeads, headDim);
        Tensor a = Block.attend(q, k, v, mask, cache, layer).reshape(b, t, d);
        x = Ops.add(x, proj.forward(a));
        // MLP: c_proj(gelu(c_fc(m))), hidden [B, T, F]
        Tensor m = Ops.layerNorm(x, ln2Weight, ln2Bias, eps);
        Tensor hidden = Ops.gelu(fc.forward(m));
        return Ops.add(x, mlpProj.forward(hidden));
    }
}

package rlhf4j.model;

import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;

/**
 * The trainable low-rank update of one frozen projection: y = x·Wᵀ + s·(x·Aᵀ)·Bᵀ with s = alpha/r,
 * A [r, in] and B [out, r] (PEFT's lora_A / lora_B layouts). A starts uniform in ±1/√in (PEFT's
 * Kaiming-uniform bound), B at zero, so a fresh adapter leaves the model's output exactly as it was.
 * The update is applied as two thin matmuls; W + s·B·A is never formed while training.
 */
public final class LoraAdapter {
    private final String module;
    private final Tensor a; // [r, in]
    private final Tensor b; // [out, r]
    private final float scale;

    LoraAdapter(String module, int in, int out, LoraConfig config, Rng rng) {
        this.module = module;
        this.a = Tensor.param(module + ".lora_A.weight", config.r(), in);
        this.b = Tensor.param(module + ".lora_B.weight", out, config.r());
        this.scale = config.scale();
        double bound = 1 / Math.sqrt(in);
        rng.uniform(a, -bound, bound);
    }

    /** The adapted module's HF name, e.g. {@code model.layers.0.self_attn.q_proj}. */
    public String module() {
        return module;
    }

    /** lora_A [r, in]. */
    public Tensor a() {
        return a;
    }

    /** lora_B [out, r]. */
    public Tensor b() {
        return b;
    }

    public float scale() {
        return scale;
    }

    /** base [..., out] + s·(x [..., in] · Aᵀ) · Bᵀ; the scale is applied on the narrow [..., r] side. */
    Tensor addTo(Tensor base, Tensor x) {
        Tensor down = Ops.scale(Ops.linear(x, a, null), scale); // [..., r]
        return Ops.add(base, Ops.linear(down, b, null));
    }

    /** weight [out, in] += s·B·A, summed in double per element. */
    void mergeInto(Tensor weight) {
        int out = b.dim(0), r = b.dim(1), in = a.dim(1);
        if (weight.dim(0) != out || weight.dim(1) != in) throw new IllegalArgumentException("adapter " + module
                + " is [" + out + ", " + in + "] but the weight is " + java.util.Arrays.toString(weight.shape()));
        float[] w = weight.data(), av = a.data(), bv = b.data();
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double s = 0;
                for (int k = 0; k < r; k++) s += (double) bv[o * r + k] * av[k * in + i];
                w[o * in + i] += (float) (scale * s);
            }
        }
    }
}

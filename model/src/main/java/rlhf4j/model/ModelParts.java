package rlhf4j.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;

/**
 * Where a model's tensors come from while its blocks are built: fresh trainable parameters, or
 * frozen views of another model's (same storage, no gradient — no second copy of the weights),
 * plus a LoRA adapter on every targeted projection.
 */
final class ModelParts {
    private final Transformer frozenBase; // null: fresh parameters
    private final LoraConfig lora;        // null: no adapters
    private final List<String> targets;
    private final Rng rng;
    final Map<String, LoraAdapter> adapters = new LinkedHashMap<>();

    private ModelParts(Transformer frozenBase, LoraConfig lora, Family family, Rng rng) {
        this.frozenBase = frozenBase;
        this.lora = lora;
        this.targets = lora == null ? List.of() : lora.targetsFor(family);
        this.rng = rng;
    }

    static ModelParts fresh() {
        return new ModelParts(null, null, null, null);
    }

    /** Frozen views of {@code base}'s weights, with adapters when {@code lora} is not null. */
    static ModelParts frozen(Transformer base, LoraConfig lora, Rng rng) {
        return new ModelParts(base, lora, base.config().family(), rng);
    }

    Tensor param(String name, int... shape) {
        if (frozenBase == null) return Tensor.param(name, shape);
        Tensor p = frozenBase.parameter(name);
        if (!Arrays.equals(p.shape(), shape)) throw new IllegalStateException("'" + name + "' is "
                + Arrays.toString(p.shape()) + " in the base model but " + Arrays.toString(shape) + " here");
        return p.detach();
    }

    /** The projection called {@code module} (its HF name without ".weight"). */
    Linear linear(String module, int out, int in, boolean bias) {
        Tensor w = param(module + ".weight", out, in);
        Tensor b = bias ? param(module + ".bias", out) : null;
        LoraAdapter adapter = null;
        if (targets.contains(module.substring(module.lastIndexOf('.') + 1))) {
            adapter = new LoraAdapter(module, in, out, lora, rng);
            adapters.put(module, adapter);
        }
        return new Linear(w, b, adapter);
    }
}

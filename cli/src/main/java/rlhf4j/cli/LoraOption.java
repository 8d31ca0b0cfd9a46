package rlhf4j.cli;

import java.nio.file.Path;
import rlhf4j.model.LoraConfig;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Rng;

/** The {@code --lora r,alpha[,targets]} flag the fine-tuning commands share, and putting adapters on a loaded model. */
final class LoraOption {
    static final String DESCRIPTION = "train LoRA adapters only, e.g. 8,16,q_proj,v_proj (rank, alpha, target projections; "
            + "targets default to q_proj,v_proj for llama, c_attn for gpt2); same as the config key lora: {r, alpha, targets}";

    private LoraOption() {
    }

    /** The flag's settings when given, else the config's. */
    static LoraConfig resolve(LoraConfig configured, String flag) {
        return flag == null ? configured : LoraConfig.parse(flag);
    }

    /** {@code model} with fresh adapters over its frozen weights when LoRA is on, else the model itself. */
    static Transformer apply(Transformer model, LoraConfig lora, long seed, Path baseDir, String stage) {
        if (lora == null || !lora.enabled()) return model;
        Transformer m = model.withLora(lora, new Rng(seed ^ 0x4C6F5241L), baseDir);
        System.err.printf("%s: LoRA r=%d alpha=%s on %s: %,d trainable parameters of %,d; the base stays frozen in %s%n",
                stage, m.lora().r(), m.lora().alpha(), m.lora().targets(), m.trainableCount(), model.parameterCount(), baseDir);
        return m;
    }
}

package rlhf4j.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Low-rank adaptation (Hu et al. 2021, "LoRA"): each targeted projection W [out, in] gains a
 * trainable update (alpha/r)·B·A with A [r, in] and B [out, r] while W stays frozen. Targets are
 * the projections' short Hugging Face names ({@code q_proj}, {@code c_attn}, ...), matched against
 * the last part of each module name, as PEFT's {@code target_modules} does.
 *
 * @param r       the rank; 0 turns LoRA off
 * @param alpha   the scale numerator: the update is multiplied by alpha / r
 * @param targets short names of the projections to adapt; empty: the family's default
 *                ({@code q_proj, v_proj} for llama, {@code c_attn} for gpt2, PEFT's defaults)
 */
public record LoraConfig(int r, double alpha, List<String> targets) {
    /** Every projection of a Llama block, by HF short name. */
    public static final List<String> LLAMA_PROJECTIONS =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
    /** Every projection of a GPT-2 block ({@code c_proj} is both attention's output and the MLP's down projection). */
    public static final List<String> GPT2_PROJECTIONS = List.of("c_attn", "c_proj", "c_fc");

    public LoraConfig {
        if (r < 0) throw new IllegalArgumentException("lora.r must be 0 (off) or positive, got " + r);
        if (r > 0 && !(alpha > 0)) throw new IllegalArgumentException("lora.alpha must be positive, got " + alpha);
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /** LoRA off: every parameter trains. */
    public static LoraConfig off() {
        return new LoraConfig(0, 0, List.of());
    }

    /** Parses {@code "r,alpha[,target...]"}, e.g. {@code "8,16,q_proj,v_proj"}. */
    public static LoraConfig parse(String spec) {
        String[] parts = spec.split(",");
        if (parts.length < 2) throw new IllegalArgumentException(
                "--lora needs r,alpha[,targets...], e.g. 8,16,q_proj,v_proj; got '" + spec + "'");
        try {
            List<String> targets = new ArrayList<>();
            for (int i = 2; i < parts.length; i++) if (!parts[i].isBlank()) targets.add(parts[i].trim());
            LoraConfig c = new LoraConfig(Integer.parseInt(parts[0].trim()), Double.parseDouble(parts[1].trim()), targets);
            if (!c.enabled()) throw new IllegalArgumentException("--lora: the rank must be positive, got '" + spec + "'");
            return c;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--lora needs r,alpha[,targets...] with numbers first, e.g. 8,16,q_proj,v_proj; got '"
                    + spec + "'", e);
        }
    }

    public boolean enabled() {
        return r > 0;
    }

    /** alpha / r, the factor on B·A. */
    public float scale() {
        return (float) (alpha / r);
    }

    /** The targets for {@code family}: the configured ones, each checked to exist there, or the family's default. */
    public List<String> targetsFor(Family family) {
        List<String> known = family == Family.GPT2 ? GPT2_PROJECTIONS : LLAMA_PROJECTIONS;
        if (targets.isEmpty()) return family == Family.GPT2 ? List.of("c_attn") : List.of("q_proj", "v_proj");
        for (String t : targets) {
            if (!known.contains(t)) throw new IllegalArgumentException("lora target '" + t + "' is not a projection of a "
                    + family.modelType() + " model; choose among " + known);
        }
        return targets;
    }

    /** The same settings with the family's targets made explicit (what a run folder records). */
    public LoraConfig resolved(Family family) {
        return new LoraConfig(r, alpha, targetsFor(family));
    }
}

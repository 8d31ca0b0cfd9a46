package rlhf4j.train.dpo;

import rlhf4j.model.LoraConfig;
import rlhf4j.train.loop.LoopConfig;
import rlhf4j.train.sft.SftConfig;

/**
 * Everything {@code rlhf4j dpo} reads from its config file (YAML or JSON, snake_case keys); every
 * key has a default and {@code --set section.key=value} overrides any of them.
 */
public record DpoConfig(Model model, Data data, Dpo dpo, SftConfig.Eval eval, LoopConfig train, LoraConfig lora) {

    /** Without LoRA: every parameter trains. */
    public DpoConfig(Model model, Data data, Dpo dpo, SftConfig.Eval eval, LoopConfig train) {
        this(model, data, dpo, eval, train, LoraConfig.off());
    }

    /**
     * The same config with LoRA adapters (key {@code lora: {r, alpha, targets}}, or {@code --lora r,alpha,targets});
     * r = 0 (the default) trains every parameter.
     */
    public DpoConfig withLora(LoraConfig l) {
        return new DpoConfig(model, data, dpo, eval, train, l);
    }


    /**
     * @param initFrom the SFT run folder: the policy starts from it and it is the frozen reference
     * @param maxLen   longest prompt + answer in tokens (0: the model's context); longer answers are cut
     */
    public record Model(String initFrom, int maxLen) {
    }

    /**
     * @param train         comparisons JSONL (K-wise from `rlhf4j label`, or TRL pairwise); K-wise expands to all its
     *                      pairs, tied answers give no pair
     * @param val           held-out comparisons; empty: hold out {@code valFraction} of the prompts of train
     * @param valFraction   share of train prompts held out when val is empty
     * @param pairsPerBatch (chosen, rejected) pairs per micro-batch
     */
    public record Data(String train, String val, double valFraction, int pairsPerBatch) {
    }

    /**
     * @param beta    strength of the implicit KL to the reference (DPO's β)
     * @param sftCoef weight of the chosen answers' per-token NLL added to the loss (RPO; 0: plain DPO)
     */
    public record Dpo(double beta, double sftCoef) {
    }

    public static DpoConfig defaults() {
        LoopConfig t = LoopConfig.defaults();
        return new DpoConfig(new Model("", 0), new Data("", "", 0.1, 16), new Dpo(0.1, 0.0),
                new SftConfig.Eval("", 0, 48, 1.0f, 0, 64, 7),
                new LoopConfig(200, 1, 1e-5, 0.1, 10, "cosine", 0.0, t.beta1(), t.beta2(), 1.0, 0, 0, 100, 10,
                        t.maxBadSteps(), t.seed(), 0));
    }
}

package rlhf4j.train.reward;

import rlhf4j.model.LoraConfig;
import rlhf4j.train.loop.LoopConfig;

/**
 * Everything {@code rlhf4j reward} reads from its config file (YAML or JSON, snake_case keys);
 * every key has a default and {@code --set section.key=value} overrides any of them.
 */
public record RewardConfig(Model model, Data data, LoopConfig train, Norm norm, LoraConfig lora) {

    /** Without LoRA: every parameter trains. */
    public RewardConfig(Model model, Data data, LoopConfig train, Norm norm) {
        this(model, data, train, norm, LoraConfig.off());
    }

    /**
     * The same config with LoRA adapters (key {@code lora: {r, alpha, targets}}, or {@code --lora r,alpha,targets});
     * r = 0 (the default) trains every parameter.
     */
    public RewardConfig withLora(LoraConfig l) {
        return new RewardConfig(model, data, train, norm, l);
    }


    /**
     * @param initFrom the SFT (or pretrained) run folder the reward model starts from
     * @param maxLen   longest rendered conversation in tokens (0: the model's context)
     * @param headStd  std of the new scalar head's initial weights (0: starts at exactly 0, loss ln 2)
     */
    public record Model(String initFrom, int maxLen, double headStd) {
    }

    /**
     * @param train           comparisons JSONL (pairwise or K-wise, from `rlhf4j label`)
     * @param val             held-out comparisons; empty: hold out {@code valFraction} of train
     * @param valFraction     share of train prompts held out when val is empty
     * @param promptsPerBatch comparisons (each with all its K answers) per micro-batch
     * @param ties            "skip" (no loss on tied answers) or "half" (a Bradley–Terry target of ½)
     */
    public record Data(String train, String val, double valFraction, int promptsPerBatch, String ties) {
        public boolean trainOnTies() {
            return ties.equals("half");
        }
    }

    /**
     * After training, the reward model scores the policy's own answers to these prompts and stores
     * the mean and std (reward_norm.json), so PPO can read rewards centred on the starting policy.
     *
     * @param prompts     RL prompts JSONL ({"prompt"} or {"messages"}); empty: skip normalisation
     * @param policy      run folder that answers them; empty: model.init_from
     * @param maxPrompts  at most this many prompts (0: all)
     * @param maxNew      longest answer sampled
     * @param temperature sampling temperature
     * @param seed        sampling seed
     */
    public record Norm(String prompts, String policy, int maxPrompts, int maxNew, float temperature, long seed) {
    }

    public static RewardConfig defaults() {
        LoopConfig d = LoopConfig.defaults();
        return new RewardConfig(
                new Model("", 0, 0.0),
                new Data("", "", 0.1, 8, "skip"),
                new LoopConfig(300, 1, 3e-4, 0.1, 20, "cosine", 0.0, d.beta1(), d.beta2(), 1.0, 50, 0, 100, 10, 10, 1337, 0),
                new Norm("", "", 0, 48, 1.0f, 7));
    }
}

package rlhf4j.train.grpo;

import rlhf4j.train.loop.LoopConfig;
import rlhf4j.train.sft.SftConfig;

/**
 * Everything {@code rlhf4j grpo} reads from its config file (YAML or JSON, snake_case keys); every
 * key has a default and {@code --set section.key=value} overrides any of them. One training step
 * is one optimizer update; a fresh group of answers is sampled every {@code grpo.updates_per_batch}
 * steps.
 */
public record GrpoConfig(Model model, Data data, Sampling sampling, Grpo grpo, Reward reward, SftConfig.Eval eval, LoopConfig train) {

    /** @param initFrom the SFT run folder: the policy starts from it and a frozen copy is the KL reference */
    public record Model(String initFrom) {
    }

    /**
     * @param prompts        RL prompts JSONL ({"prompt"} or {"messages"})
     * @param promptsPerStep prompts per rollout
     * @param group          answers sampled per prompt (G)
     */
    public record Data(String prompts, int promptsPerStep, int group) {
    }

    /** How the policy samples its answers during training. */
    public record Sampling(int maxNew, float temperature, int topK) {
    }

    /**
     * @param clip            ε of the clipped ratio objective
     * @param klCoef          weight of the k3 KL estimate to the reference, per token (0: no reference forward)
     * @param scaleByStd      divide advantages by the group's std (DeepSeekMath) or only centre them (Dr. GRPO)
     * @param updatesPerBatch optimizer steps on each rollout (μ; above 1 the ratio leaves 1 and clipping acts)
     */
    public record Grpo(double clip, double klCoef, boolean scaleByStd, int updatesPerBatch) {
    }

    /**
     * @param kind  "gold": the world's gold judge as a verifiable reward; "rm": a trained reward model
     * @param world world folder for the gold judge (also used for the gold-score metric with kind rm)
     * @param model reward model run folder (kind rm); its reward_norm.json is applied when present
     */
    public record Reward(String kind, String world, String model) {
    }

    public static GrpoConfig defaults() {
        LoopConfig t = LoopConfig.defaults();
        return new GrpoConfig(new Model(""), new Data("", 8, 8), new Sampling(48, 1.0f, 0),
                new Grpo(0.2, 0.04, true, 1), new Reward("gold", "", ""),
                new SftConfig.Eval("", 0, 48, 1.0f, 0, 64, 7),
                new LoopConfig(100, 1, 1e-5, 1.0, 5, "constant", 0.0, t.beta1(), t.beta2(), 1.0, 0, 0, 50, 1,
                        t.maxBadSteps(), t.seed(), 0));
    }
}

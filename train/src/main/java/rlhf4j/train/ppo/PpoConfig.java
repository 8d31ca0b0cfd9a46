package rlhf4j.train.ppo;

import rlhf4j.model.LoraConfig;

/**
 * Everything {@code rlhf4j ppo} reads from its config file (YAML or JSON, snake_case keys); every
 * key has a default and {@code --set section.key=value} overrides any of them.
 */
public record PpoConfig(Model model, Data data, Rollout rollout, Ppo ppo, Kl kl, Reward reward, Eval eval, Train train, LoraConfig lora) {

    /** Without LoRA: every parameter trains. */
    public PpoConfig(Model model, Data data, Rollout rollout, Ppo ppo, Kl kl, Reward reward, Eval eval, Train train) {
        this(model, data, rollout, ppo, kl, reward, eval, train, LoraConfig.off());
    }

    /**
     * The same config with LoRA adapters (key {@code lora: {r, alpha, targets}}, or {@code --lora r,alpha,targets});
     * r = 0 (the default) trains every parameter.
     */
    public PpoConfig withLora(LoraConfig l) {
        return new PpoConfig(model, data, rollout, ppo, kl, reward, eval, train, l);
    }


    /**
     * @param policy the SFT run folder: the policy starts from it and the frozen reference is a copy of it
     * @param reward the reward-model run folder (model.safetensors with score.weight, reward_norm.json);
     *               the value model starts from it too
     */
    public record Model(String policy, String reward) {
    }

    /**
     * @param prompts RL prompts JSONL ({"prompt"} or {"messages"}), e.g. the world's rl_prompts.jsonl
     * @param world   a world folder: the gold judge scores every rollout and eval.jsonl is the held-out set; empty: none
     * @param ptx       token shards ({@code rlhf4j data prepare}) for PPO-ptx; read only when ppo.ptx_coef &gt; 0
     * @param ptxSeqLen tokens per pretraining window of PPO-ptx (at most the policy's context)
     */
    public record Data(String prompts, String world, String ptx, int ptxSeqLen) {
    }

    /**
     * @param prompts     prompts per iteration (one answer each)
     * @param maxNew      longest answer in tokens; an answer that has not said {@code <|end|>} by then is cut
     * @param temperature sampling temperature of the rollouts (keep 1: the log-probs PPO uses are those of π itself)
     * @param topK        0: off
     */
    public record Rollout(int prompts, int maxNew, float temperature, int topK) {
    }

    /**
     * @param epochs     passes over each iteration's rollouts
     * @param minibatch  answers per gradient step
     * @param clip       ε of the clipped surrogate
     * @param valueClip  ε_v of the clipped value loss
     * @param gamma      discount (1: none, as InstructGPT)
     * @param lambda     GAE λ
     * @param policyLr   AdamW learning rate of the policy
     * @param valueLr    AdamW learning rate of the value model
     * @param gradClip   global gradient-norm clip of each model (0: off)
     * @param ptxCoef    PPO-ptx (InstructGPT's γ): weight of a next-token loss on pretraining windows
     *                   ({@code data.ptx}, token shards) added to each policy minibatch; 0: off
     * @param valueWarmup first iterations in which only the value model learns (the policy waits for
     *                   advantages worth following; the value model starts as the reward model, which
     *                   knows nothing yet of values at earlier tokens)
     */
    public record Ppo(int epochs, int minibatch, float clip, float valueClip, double gamma, double lambda,
                      double policyLr, double valueLr, double gradClip, double ptxCoef, int valueWarmup) {
    }

    /**
     * @param beta    initial KL coefficient β (InstructGPT's best: 0.01–0.02)
     * @param target  adaptive controller's target KL per answer in nats (0: β stays fixed)
     * @param horizon adaptive controller's horizon in answers (Ziegler et al.: 10000)
     */
    public record Kl(double beta, double target, double horizon) {
    }

    /**
     * @param normalize      use reward_norm.json's offset/scale (else the raw score)
     * @param clip           clip the normalized score to ±clip (0: off)
     * @param unfinishedPenalty subtracted from the score of an answer that never said {@code <|end|>}
     */
    public record Reward(boolean normalize, double clip, double unfinishedPenalty) {
    }

    /**
     * @param every     iterations between held-out evaluations (0: only at the start and the end)
     * @param questions held-out questions (0: all of eval.jsonl)
     * @param maxNew    answer length limit
     * @param batch     prompts generated together
     * @param temperature for the sampled answers (greedy ones are evaluated too)
     * @param seed      seeds the sampled answers
     */
    public record Eval(int every, int questions, int maxNew, int batch, float temperature, long seed) {
    }

    /**
     * @param iterations      rollout + update rounds
     * @param checkpointEvery iterations between checkpoints (0: only at the end)
     * @param maxBadSteps     consecutive non-finite minibatches tolerated before the run stops
     * @param seed            seeds the prompt order, the rollouts and the minibatch order
     * @param threads         compute threads (0: all cores)
     */
    public record Train(int iterations, int checkpointEvery, int maxBadSteps, long seed, int threads) {
    }

    public static PpoConfig defaults() {
        return new PpoConfig(new Model("", ""), new Data("", "", "", 128),
                new Rollout(32, 48, 1.0f, 0),
                new Ppo(2, 8, 0.2f, 0.2f, 1.0, 0.95, 2e-5, 1e-4, 1.0, 0.0, 0),
                new Kl(0.02, 0.0, 10000),
                new Reward(true, 5.0, 1.0),
                new Eval(10, 0, 48, 64, 1.0f, 7),
                new Train(60, 10, 10, 1337, 0));
    }
}

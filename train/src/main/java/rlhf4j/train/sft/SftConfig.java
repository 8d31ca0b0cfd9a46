package rlhf4j.train.sft;

import rlhf4j.model.LoraConfig;
import rlhf4j.train.loop.LoopConfig;

/**
 * Everything {@code rlhf4j sft} reads from its config file (YAML or JSON, snake_case keys); every
 * key has a default and {@code --set section.key=value} overrides any of them.
 */
public record SftConfig(Model model, Data data, Eval eval, LoopConfig train, LoraConfig lora) {

    /** Without LoRA: every parameter trains. */
    public SftConfig(Model model, Data data, Eval eval, LoopConfig train) {
        this(model, data, eval, train, LoraConfig.off());
    }

    /**
     * The same config with LoRA adapters (key {@code lora: {r, alpha, targets}}, or {@code --lora r,alpha,targets});
     * r = 0 (the default) trains every parameter.
     */
    public SftConfig withLora(LoraConfig l) {
        return new SftConfig(model, data, eval, train, l);
    }


    /** @param initFrom the pretrained run folder (config.json, model.safetensors, tokenizer.json) to fine-tune */
    public record Model(String initFrom) {
    }

    /**
     * @param train       SFT JSONL: {"messages": [...]} or {"prompt", "completion"}
     * @param val         held-out SFT JSONL for the loss; empty: the last {@code valFraction} of a seeded shuffle of train
     * @param valFraction share of train held out when {@code val} is empty
     * @param seqLen      tokens per row; 0: the model's context length
     * @param batch       rows per micro-batch
     * @param pack        put several conversations in a row, attention kept inside each (else one per row, padded)
     */
    public record Data(String train, String val, double valFraction, int seqLen, int batch, boolean pack) {
    }

    /**
     * @param world        a world folder (world.json, eval.jsonl) for the gold judge's evaluation; empty: loss only
     * @param questions    eval questions to answer per evaluation (0: all of eval.jsonl)
     * @param maxNewTokens answer length limit; answers that have not said {@code <|end|>} by then count as not stopped
     * @param temperature  for the sampled answers (greedy answers are always evaluated too)
     * @param topK         for the sampled answers (0: off)
     * @param batch        prompts generated together
     * @param seed         seeds the sampled answers
     */
    public record Eval(String world, int questions, int maxNewTokens, float temperature, int topK, int batch, long seed) {
    }

    public static SftConfig defaults() {
        LoopConfig t = LoopConfig.defaults();
        return new SftConfig(new Model(""),
                new Data("", "", 0.05, 0, 16, true),
                new Eval("", 0, 48, 1.0f, 0, 64, 7),
                new LoopConfig(300, 1, 3e-4, 0.1, 20, "cosine", 0.0, t.beta1(), t.beta2(), 1.0, 100, 100, 100, 10,
                        t.maxBadSteps(), t.seed(), 0));
    }
}

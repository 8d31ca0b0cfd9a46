package rlhf4j.train.pretrain;

import java.util.List;
import rlhf4j.train.loop.LoopConfig;

/**
 * Everything {@code rlhf4j pretrain} reads from its config file (YAML or JSON, snake_case keys);
 * every key has a default and {@code --set section.key=value} overrides any of them.
 */
public record PretrainConfig(Model model, Data data, LoopConfig train, Sample sample) {

    /**
     * @param family     llama or gpt2
     * @param ffnHidden  MLP width; 0 picks the family's usual (4·d for gpt2, ≈8/3·d for llama)
     * @param kvHeads    key/value heads (llama); 0 means as many as heads
     * @param initFrom   an existing run folder to start from instead of random weights (empty: none)
     */
    public record Model(String family, int dModel, int layers, int heads, int kvHeads, int ffnHidden, int seqLen,
                        String initFrom) {
    }

    /**
     * @param dir         folder with train-*.bin and val-*.bin token shards (from `rlhf4j data prepare`)
     * @param tokenizer   tokenizer folder or tokenizer.json (used for samples and bits per byte)
     * @param batch       sequences per micro-batch
     * @param evalBatches micro-batches of held-out windows per evaluation
     */
    public record Data(String dir, String tokenizer, int batch, int evalBatches) {
    }

    public record Sample(List<String> prompts, int maxTokens, float temperature, int topK) {
    }

    public static PretrainConfig defaults() {
        return new PretrainConfig(
                new Model("llama", 256, 4, 4, 0, 0, 256, ""),
                new Data("", "", 16, 8),
                LoopConfig.defaults(),
                new Sample(List.of("The"), 48, 0.8f, 40));
    }
}

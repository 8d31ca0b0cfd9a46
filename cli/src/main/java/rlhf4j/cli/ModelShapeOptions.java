package rlhf4j.cli;

import picocli.CommandLine.Option;
import rlhf4j.model.Family;
import rlhf4j.model.TransformerConfig;

/** The model-shape flags shared by the bench commands (defaults: benchmark config A). */
final class ModelShapeOptions {
    @Option(names = "--family", defaultValue = "gpt2", description = "gpt2 or llama (default: ${DEFAULT-VALUE})")
    String family;
    @Option(names = "--vocab", defaultValue = "4096", description = "vocabulary size (default: ${DEFAULT-VALUE})")
    int vocab;
    @Option(names = "--d-model", defaultValue = "256", description = "residual width (default: ${DEFAULT-VALUE})")
    int dModel;
    @Option(names = "--layers", defaultValue = "4", description = "blocks (default: ${DEFAULT-VALUE})")
    int layers;
    @Option(names = "--heads", defaultValue = "4", description = "attention heads (default: ${DEFAULT-VALUE})")
    int heads;
    @Option(names = "--kv-heads", description = "key/value heads, llama only (default: same as --heads)")
    Integer kvHeads;
    @Option(names = "--seq", defaultValue = "256", description = "sequence length (default: ${DEFAULT-VALUE})")
    int seq;
    @Option(names = "--ffn-hidden", defaultValue = "0", description = "MLP width, llama only (default: about 8/3 of d-model)")
    int ffnHidden;

    TransformerConfig config(int maxSeqLen) {
        return switch (family.toLowerCase()) {
            case "gpt2" -> TransformerConfig.gpt2(vocab, dModel, layers, heads, maxSeqLen);
            case "llama" -> TransformerConfig.llama(vocab, dModel, layers, heads, kvHeads == null ? heads : kvHeads,
                    ffnHidden > 0 ? ffnHidden : llamaHidden(dModel), maxSeqLen);
            default -> throw new IllegalArgumentException("--family must be gpt2 or llama, got " + family);
        };
    }

    /** SwiGLU width as Llama sizes it: 2/3 of 4·d, rounded up to a multiple of 64. */
    static int llamaHidden(int d) {
        int h = 8 * d / 3;
        return (h + 63) / 64 * 64;
    }

    /** Parameters that do work per token: all but gpt2's position table (the peer's FLOP convention). */
    static long flopParams(rlhf4j.model.Transformer model) {
        long n = model.parameterCount();
        if (model.config().family() == Family.GPT2) n -= (long) model.config().maxSeqLen() * model.config().dModel();
        return n;
    }
}

package rlhf4j.train.sft;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import rlhf4j.model.Transformer;
import rlhf4j.model.TransformerConfig;
import rlhf4j.tensor.Rng;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.train.loop.LoopConfig;

/** A byte tokenizer with the chat tokens, tiny models and small learnable conversations. */
final class SftFixtures {
    static final int VOCAB = 262;

    private SftFixtures() {
    }

    static Tokenizer byteChatTokenizer() {
        byte[][] bytes = new byte[256][];
        for (int b = 0; b < 256; b++) bytes[b] = new byte[] {(byte) b};
        return new Tokenizer("bytes", "\\S+|\\s+", bytes, null, Map.of("<|endoftext|>", 256, ChatTemplate.BOS, 257,
                ChatTemplate.USER, 258, ChatTemplate.ASSISTANT, 259, ChatTemplate.SYSTEM, 260, ChatTemplate.END, 261));
    }

    static Transformer model(long seed) {
        return new Transformer(TransformerConfig.llama(VOCAB, 32, 2, 4, 2, 64, 64), new Rng(seed));
    }

    /** Questions whose answer is a fixed function of the question, so there is something to learn. */
    static Path writeConversations(Path file, int n, long seed) throws Exception {
        String[] colours = {"red", "blue", "green", "grey"};
        Rng rng = new Rng(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "" + (char) ('a' + rng.nextInt(8)) + (char) ('a' + rng.nextInt(8));
            String colour = colours[(name.charAt(0) + name.charAt(1)) % colours.length];
            lines.add(i % 3 == 0
                    ? "{\"prompt\": \"" + name + "?\", \"completion\": \"" + name + " likes " + colour + ".\"}"
                    : "{\"messages\": [{\"role\": \"user\", \"content\": \"" + name + "?\"}, {\"role\": \"assistant\", \"content\": \""
                    + name + " likes " + colour + ".\"}]}");
        }
        Files.write(file, lines);
        return file;
    }

    static SftConfig config(Path train, Path val, long steps, boolean pack) {
        return new SftConfig(new SftConfig.Model(""),
                new SftConfig.Data(train.toString(), val == null ? "" : val.toString(), 0.1, 64, 4, pack),
                new SftConfig.Eval("", 0, 16, 1f, 0, 8, 3),
                new LoopConfig(steps, 2, 3e-3, 0.1, 2, "cosine", 0.0, 0.9, 0.95, 1.0, 4, 0, 3, 1, 3, 11, 2));
    }
}

package rlhf4j.serve;

import java.io.IOException;
import java.nio.file.Path;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;

/**
 * A model as the server sees it: its name (what clients pass as {@code model}), the weights, the
 * tokenizer and chat template, and how many positions it can attend over.
 */
public record ServedModel(String name, Transformer model, Tokenizer tokenizer) {
    public ServedModel {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a served model needs a name");
        if (tokenizer.vocabSize() > model.config().vocabSize()) throw new IllegalArgumentException(
                "tokenizer has " + tokenizer.vocabSize() + " tokens but model '" + name + "' only "
                        + model.config().vocabSize() + " embeddings");
        for (String s : new String[] {ChatTemplate.BOS, ChatTemplate.USER, ChatTemplate.ASSISTANT, ChatTemplate.END}) {
            if (!tokenizer.specialTokens().containsKey(s)) throw new IllegalArgumentException(
                    "model '" + name + "': its tokenizer lacks the chat token " + s
                            + " (train the tokenizer with rlhf4j tokenizer train, which adds the chat tokens)");
        }
    }

    /** Loads config.json, model.safetensors and tokenizer.json from a run folder; the name is the folder's. */
    public static ServedModel load(Path runDir, String name) throws IOException {
        Path dir = runDir.toAbsolutePath().normalize();
        String n = name != null && !name.isBlank() ? name : dir.getFileName().toString();
        return new ServedModel(n, ModelIO.load(dir), Tokenizers.load(dir.toString()));
    }

    public ChatTemplate chatTemplate() {
        return new ChatTemplate(tokenizer);
    }

    /** Positions the model attends over: prompt plus answer must fit. */
    public int contextLength() {
        return model.config().maxSeqLen();
    }
}

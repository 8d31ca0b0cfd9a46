package rlhf4j.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Hugging Face's {@code tokenizer_config.json}, written next to tokenizer.json on export so that
 * {@code AutoTokenizer} finds the bos/eos tokens and, when the vocabulary has our chat markers,
 * a Jinja {@code chat_template} equal to {@link ChatTemplate}. rlhf4j itself never reads the
 * template back: it renders chats with {@link ChatTemplate} only.
 */
public final class HfTokenizerConfig {
    public static final String FILE = "tokenizer_config.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfTokenizerConfig() {}

    /** True when the tokenizer has every special token {@link ChatTemplate} needs. */
    public static boolean hasChatTokens(Tokenizer tok) {
        return tok.specialTokens().keySet().containsAll(ChatTemplate.SPECIALS);
    }

    /** The end-of-sequence token: our end-of-turn marker, else GPT-2's end of text, else null. */
    public static String eosToken(Tokenizer tok) {
        if (tok.specialTokens().containsKey(ChatTemplate.END)) return ChatTemplate.END;
        return tok.specialTokens().containsKey("<|endoftext|>") ? "<|endoftext|>" : null;
    }

    public static String bosToken(Tokenizer tok) {
        return tok.specialTokens().containsKey(ChatTemplate.BOS) ? ChatTemplate.BOS : null;
    }

    public static void write(Tokenizer tok, Path file, int modelMaxLength) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("tokenizer_class", "PreTrainedTokenizerFast");
        o.put("bos_token", bosToken(tok));
        o.put("eos_token", eosToken(tok));
        o.putNull("unk_token");
        o.put("add_bos_token", false);
        o.put("clean_up_tokenization_spaces", false);
        o.put("model_max_length", modelMaxLength);
        ObjectNode added = o.putObject("added_tokens_decoder");
        tok.specialTokens().forEach((text, id) -> {
            ObjectNode t = added.putObject(Integer.toString(id));
            t.put("content", text);
            t.put("lstrip", false);
            t.put("normalized", false);
            t.put("rstrip", false);
            t.put("single_word", false);
            t.put("special", true);
        });
        if (hasChatTokens(tok)) o.put("chat_template", ChatTemplate.JINJA);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

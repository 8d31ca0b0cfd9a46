package rlhf4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokenizer.json forms pretrained Hugging Face models ship, and how chat markers are added to them. */
class HfTokenizerFormsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    @Test
    void aPretrainedVocabularyWithoutChatMarkersSaysWhatIsMissingAndGainsThem() throws Exception {
        Tokenizer gpt2 = Fixtures.subsetTokenizer(Encoding.GPT2);
        assertThatThrownBy(() -> new ChatTemplate(gpt2)).hasMessageContaining("<|user|>")
                .hasMessageContaining("<|assistant|>").hasMessageContaining("<|end|>")
                .hasMessageContaining("chat_template").hasMessageContaining("--add-chat-tokens");

        Tokenizer chat = gpt2.withSpecialTokens(ChatTemplate.SPECIALS);
        assertThat(chat.vocabSize()).isEqualTo(gpt2.vocabSize() + 5);
        assertThat(chat.specialId(ChatTemplate.BOS)).isEqualTo(gpt2.vocabSize());
        assertThat(chat.specialId("<|endoftext|>")).isEqualTo(gpt2.specialId("<|endoftext|>"));
        String text = "Hello world, the cat's 12345 ünïcödé";
        assertThat(chat.encode(text)).isEqualTo(gpt2.encode(text));
        assertThat(chat.withSpecialTokens(ChatTemplate.SPECIALS).vocabSize()).isEqualTo(chat.vocabSize());

        // saved and read back by us and by Hugging Face's tokenizers: the same chat ids
        int[] rendered = new ChatTemplate(chat).renderPrompt(List.of(new ChatTemplate.Message("user", "Hi there")));
        Path file = Tokenizers.save(chat, dir.resolve("gpt2-chat"));
        Tokenizer back = Tokenizers.load(file.getParent().toString());
        assertThat(new ChatTemplate(back).renderPrompt(List.of(new ChatTemplate.Message("user", "Hi there"))))
                .isEqualTo(rendered);
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"))) {
            long[] ids = hf.encode("<|bos|><|user|>Hi there<|end|><|assistant|>").getIds();
            assertThat(Arrays.stream(ids).mapToInt(Math::toIntExact).toArray()).isEqualTo(rendered);
        }
    }

    @Test
    void tokenizerConfigCarriesAJinjaTemplateOnlyWhenTheMarkersExist() throws Exception {
        Tokenizer gpt2 = Fixtures.subsetTokenizer(Encoding.GPT2);
        Path plain = dir.resolve("plain.json"), chat = dir.resolve("chat.json");
        HfTokenizerConfig.write(gpt2, plain, 1024);
        HfTokenizerConfig.write(gpt2.withSpecialTokens(ChatTemplate.SPECIALS), chat, 1024);
        JsonNode p = JSON.readTree(plain.toFile()), c = JSON.readTree(chat.toFile());
        assertThat(p.has("chat_template")).isFalse();
        assertThat(p.get("eos_token").asText()).isEqualTo("<|endoftext|>");
        assertThat(c.get("chat_template").asText()).isEqualTo(ChatTemplate.JINJA);
        assertThat(c.get("eos_token").asText()).isEqualTo("<|end|>");
        assertThat(c.get("bos_token").asText()).isEqualTo("<|bos|>");
        assertThat(c.get("added_tokens_decoder").size()).isEqualTo(6);
    }

    @Test
    void llama3AndQwen2FormsLoadAndOtherFormsAreNamed() throws Exception {
        // our own writer produces the Llama 3 / Qwen2 form: Sequence[Split(regex), ByteLevel(use_regex=false)]
        Tokenizer cl = Fixtures.subsetTokenizer(Encoding.CL100K_BASE);
        Path ours = dir.resolve("cl100k.json");
        HfTokenizerJson.write(cl, ours);
        Path nfc = edit(ours, "nfc", root -> root.putObject("normalizer").put("type", "NFC"));
        assertThat(HfTokenizerJson.read(nfc).encode("Hello, world 123")).isEqualTo(cl.encode("Hello, world 123"));

        assertThatThrownBy(() -> HfTokenizerJson.read(edit(ours, "lower",
                root -> root.putObject("normalizer").put("type", "Lowercase")))).hasMessageContaining("Lowercase");
        assertThatThrownBy(() -> HfTokenizerJson.read(edit(ours, "prefix", root ->
                ((ObjectNode) root.get("pre_tokenizer").get("pretokenizers").get(1)).put("add_prefix_space", true))))
                .hasMessageContaining("add_prefix_space");
        assertThatThrownBy(() -> HfTokenizerJson.read(edit(ours, "digits", root ->
                ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("pre_tokenizer").get("pretokenizers"))
                        .insertObject(0).put("type", "Digits")))).hasMessageContaining("Digits");
        assertThatThrownBy(() -> HfTokenizerJson.read(edit(ours, "spm", root -> {
            root.putObject("pre_tokenizer").put("type", "Metaspace");
            ((ObjectNode) root.get("model")).put("byte_fallback", true);
        }))).hasMessageContaining("SentencePiece");
    }

    private Path edit(Path src, String name, Consumer<ObjectNode> change) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(src.toFile());
        change.accept(root);
        Path out = dir.resolve(name + ".json");
        JSON.writeValue(out.toFile(), root);
        return out;
    }
}

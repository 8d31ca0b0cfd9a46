package rlhf4j.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class HfTokenizerJsonTest {
    @TempDir Path dir;

    @Test
    void trainedTokenizerSurvivesWriteAndRead() throws Exception {
        Tokenizer tok = BpeTrainerTest.train(BpeTrainerTest.TEXT.repeat(10) + "héllo 世界 😀", 600);
        Tokenizer back = Tokenizers.load(Tokenizers.save(tok, dir.resolve("t")).getParent().toString());
        assertSameIds(tok, back, BpeTrainerTest.TEXT + " the cat's <|user|> héllo 世界 😀\n\n  x");
        assertThat(back.specialTokens()).isEqualTo(tok.specialTokens());
        assertThat(back.encode("<|user|>hi<|end|>", null)).isEqualTo(tok.encode("<|user|>hi<|end|>", null));
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void tiktokenEncodingsSurviveWriteAndRead(Encoding e) throws Exception {
        Tokenizer tok = Fixtures.subsetTokenizer(e);
        Path file = dir.resolve(e.id() + ".json");
        HfTokenizerJson.write(tok, file);
        Tokenizer back = HfTokenizerJson.read(file);
        for (Fixtures.Case c : Fixtures.cases(e))
            assertThat(c.allowSpecial() ? back.encode(c.text(), null) : back.encode(c.text())).isEqualTo(c.ids());
    }

    @Test
    void readsGpt2sOwnForm() throws Exception {
        Tokenizer tok = Fixtures.subsetTokenizer(Encoding.GPT2);
        Path file = dir.resolve("ours.json");
        HfTokenizerJson.write(tok, file);
        // rewrite into GPT-2's layout: ByteLevel pre-tokenizer with its built-in regex, merges as pairs
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(file.toFile());
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "ByteLevel");
        pre.put("add_prefix_space", false);
        pre.put("trim_offsets", true);
        ObjectNode model = (ObjectNode) root.get("model");
        ArrayNode pairs = json.createArrayNode();
        for (var m : model.get("merges")) pairs.addArray().add(m.asText().split(" ")[0]).add(m.asText().split(" ")[1]);
        model.set("merges", pairs);
        ((ObjectNode) model.get("vocab")).put("<|endoftext|>", 50256);
        Path gpt2 = dir.resolve("gpt2").resolve("tokenizer.json");
        Files.createDirectories(gpt2.getParent());
        json.writeValue(gpt2.toFile(), root);
        Tokenizer back = Tokenizers.load(gpt2.getParent().toString());
        for (Fixtures.Case c : Fixtures.cases(Encoding.GPT2)) {
            assertThat(c.allowSpecial() ? back.encode(c.text(), null) : back.encode(c.text())).isEqualTo(c.ids());
        }
    }

    @Test
    void loadsRankFilesByEncodingPrefix() throws Exception {
        Tokenizer tok = Fixtures.subsetTokenizer(Encoding.CL100K_BASE);
        Path f = dir.resolve("ranks.tiktoken");
        TiktokenFile.write(tok, f);
        Tokenizer back = Tokenizers.load("cl100k_base:" + f);
        assertThat(back.name()).isEqualTo("cl100k_base");
        assertSameIds(tok, back, "Hello, world! It's 2024.");
    }

    private static void assertSameIds(Tokenizer a, Tokenizer b, String text) {
        assertThat(b.encode(text)).isEqualTo(a.encode(text));
        assertThat(b.decode(a.encode(text))).isEqualTo(text);
    }
}

package rlhf4j.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Hugging Face's own tokenizers library (via DJL's JNI binding) loads our tokenizer.json and gives our ids. */
class HfInteropTest {
    @TempDir Path dir;

    @Test
    void huggingFaceGivesOurIdsForATrainedTokenizer() throws Exception {
        Tokenizer tok = BpeTrainerTest.train(BpeTrainerTest.TEXT.repeat(10) + " héllo 世界 😀 don't DON'T 12345", 700);
        Path file = Tokenizers.save(tok, dir.resolve("trained"));
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"))) {
            for (String text : new String[]{BpeTrainerTest.TEXT, "héllo 世界 😀  \n\n the  cat's 12345678 DON'T",
                    "<|user|>hi<|end|><|assistant|>", "tabs\tand\r\nCRLF   "}) {
                assertThat(ids(hf, text)).as(text).isEqualTo(tok.encode(text, null));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void huggingFaceGivesTiktokensIdsFromOurTokenizerJson(Encoding e) throws Exception {
        Tokenizer tok = Fixtures.subsetTokenizer(e);
        Path file = dir.resolve(e.id() + ".json");
        HfTokenizerJson.write(tok, file);
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"))) {
            for (Fixtures.Case c : Fixtures.cases(e)) {
                if (!c.allowSpecial() && c.text().contains("<|")) continue; // HF always matches added tokens
                if (!c.text().equals(Tokenizer.wellFormed(c.text()))) continue; // JNI string passing differs on lone surrogates
                assertThat(ids(hf, c.text())).as("%s %s", e.id(), c.text()).isEqualTo(c.ids());
            }
        }
    }

    private static int[] ids(HuggingFaceTokenizer hf, String text) {
        return Arrays.stream(hf.encode(text).getIds()).mapToInt(x -> (int) x).toArray();
    }
}

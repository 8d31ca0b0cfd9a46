package rlhf4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import rlhf4j.model.Transformer;
import rlhf4j.model.TransformerConfig;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tensor.Rng;
import rlhf4j.tokenizer.BpeTrainer;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.Encoding;
import rlhf4j.tokenizer.PreTokenCounter;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;

/** {@code rlhf4j export}: a pretrained-style folder (no chat markers) gains them and is written in HF layout. */
class ExportCommandTest {
    @TempDir Path dir;

    @Test
    void exportAddsChatTokensAndWritesWhatTransformersReads() throws Exception {
        PreTokenCounter counter = new PreTokenCounter(Encoding.GPT2.pattern());
        counter.addText("The cat sat on the mat. The dog sat on the log. ".repeat(50));
        Tokenizer tok = new BpeTrainer(counter.counts()).train("pre", Encoding.GPT2.pattern(), 280,
                List.of("<|endoftext|>"), null);
        Transformer model = new Transformer(TransformerConfig.gpt2(tok.vocabSize(), 16, 1, 2, 32), new Rng(7));
        Path src = dir.resolve("pretrained");
        ModelIO.save(model, src);
        Tokenizers.save(tok, src);

        Path out = dir.resolve("exported");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new Main()).execute("export", "--model", src.toString(), "--out", out.toString(),
                    "--add-chat-tokens");
        } finally {
            System.setErr(old);
        }
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("added 5 chat token(s)");

        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(out.resolve("config.json").toFile());
        assertThat(config.get("architectures").get(0).asText()).isEqualTo("GPT2LMHeadModel");
        assertThat(config.get("torch_dtype").asText()).isEqualTo("float32");
        assertThat(config.get("vocab_size").asInt()).isEqualTo(tok.vocabSize() + 5);
        JsonNode tokConfig = json.readTree(out.resolve("tokenizer_config.json").toFile());
        assertThat(tokConfig.get("chat_template").asText()).isEqualTo(ChatTemplate.JINJA);

        Tokenizer chat = Tokenizers.load(out.toString());
        assertThat(config.get("eos_token_id").asInt()).isEqualTo(chat.specialId("<|end|>"));
        int[] prompt = new ChatTemplate(chat).renderPrompt(List.of(new ChatTemplate.Message("user", "The cat?")));
        Transformer back = ModelIO.load(out);
        // the old vocabulary's logits are unchanged by the added rows
        int[] ids = tok.encode("The cat sat on the log.");
        float[] before = model.logits(model.hidden(ids, 1, ids.length, null)).data();
        float[] after = back.logits(back.hidden(ids, 1, ids.length, null)).data();
        int v0 = tok.vocabSize(), v1 = back.config().vocabSize();
        for (int t = 0; t < ids.length; t++) {
            assertThat(Arrays.copyOfRange(after, t * v1, t * v1 + v0)).containsExactly(Arrays.copyOfRange(before, t * v0, t * v0 + v0));
        }
        assertThat(back.forwardCached(prompt, 1, prompt.length, back.newCache(1, 32)).data()).hasSize(v1);
    }
}

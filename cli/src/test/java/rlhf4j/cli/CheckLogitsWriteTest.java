package rlhf4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import rlhf4j.model.Transformer;
import rlhf4j.model.TransformerConfig;
import rlhf4j.model.io.ModelIO;
import rlhf4j.model.io.Safetensors;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;
import rlhf4j.tokenizer.BpeTrainer;
import rlhf4j.tokenizer.Encoding;
import rlhf4j.tokenizer.PreTokenCounter;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;

/**
 * The options interop/bar.sh leans on: {@code check-logits --write} (a folder's own logits, to
 * compare another folder against exactly) and {@code export --tokenizer --fit-tokenizer} (a
 * vocabulary for a folder that has none, cut to the model's rows).
 */
class CheckLogitsWriteTest {
    @TempDir Path dir;

    @Test
    void writtenLogitsMatchTheSameModelExactlyAndNotAnother() {
        Path a = save(new Transformer(TransformerConfig.gpt2(40, 16, 1, 2, 16), new Rng(1)), "a");
        Path b = save(new Transformer(TransformerConfig.gpt2(40, 16, 1, 2, 16), new Rng(2)), "b");
        // a reference as Python writes it has I32 ids; ours stores them as F32, which check-logits also reads
        Path ids = dir.resolve("ids.safetensors");
        Map<String, Tensor> ref = new LinkedHashMap<>();
        ref.put("ids", Tensor.of(new float[] {3, 1, 4, 1, 5, 9, 2, 6, 5, 3}, 2, 5));
        ref.put("logits", Tensor.zeros(10, 40));
        Safetensors.write(ids, ref, null);

        Path written = dir.resolve("a-logits.safetensors");
        assertThat(run("check-logits", "--model", a.toString(), "--logits", ids.toString(), "--write", written.toString()))
                .isZero();
        try (Safetensors.Reader r = Safetensors.open(written)) {
            assertThat(r.entry("logits").shape()).containsExactly(10, 40);
            assertThat(r.floats("ids")).containsExactly(3, 1, 4, 1, 5, 9, 2, 6, 5, 3);
        }
        assertThat(run("check-logits", "--model", a.toString(), "--logits", written.toString(), "--tolerance", "0")).isZero();
        assertThat(run("check-logits", "--model", b.toString(), "--logits", written.toString(), "--tolerance", "0")).isOne();
    }

    @Test
    void exportGivesAFolderWithoutTokenizerOneCutToTheModel() throws Exception {
        PreTokenCounter counter = new PreTokenCounter(Encoding.GPT2.pattern());
        counter.addText("The cat sat on the mat. The dog sat on the log. ".repeat(50));
        Tokenizer tok = new BpeTrainer(counter.counts()).train("pre", Encoding.GPT2.pattern(), 290,
                List.of("<|endoftext|>"), null);
        Path tokDir = dir.resolve("tok");
        Tokenizers.save(tok, tokDir);
        int rows = tok.vocabSize() - 10;
        Path model = save(new Transformer(TransformerConfig.gpt2(rows, 16, 1, 2, 16), new Rng(3)), "model");

        Path out = dir.resolve("out");
        assertThat(run("export", "--model", model.toString(), "--out", out.toString(), "--tokenizer", tokDir.toString(),
                "--add-chat-tokens")).as("a tokenizer larger than the model needs --fit-tokenizer").isNotZero();
        assertThat(run("export", "--model", model.toString(), "--out", out.toString(), "--tokenizer", tokDir.toString(),
                "--fit-tokenizer", "--add-chat-tokens")).isZero();
        Tokenizer written = Tokenizers.load(out.toString());
        assertThat(written.vocabSize()).isEqualTo(rows + 5);
        assertThat(written.specialId("<|endoftext|>")).isEqualTo(rows - 1);
        assertThat(written.specialId("<|end|>")).isEqualTo(rows + 4);
        assertThat(ModelIO.load(out).config().vocabSize()).isEqualTo(rows + 5);
    }

    private Path save(Transformer m, String name) {
        Path p = dir.resolve(name);
        ModelIO.save(m, p);
        return p;
    }

    private static int run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        try {
            PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            System.setOut(sink);
            System.setErr(sink);
            return new CommandLine(new Main()).execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}

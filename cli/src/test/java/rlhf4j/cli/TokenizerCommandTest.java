package rlhf4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The tokenizer commands as a user runs them: train, then encode and decode through stdin/stdout. */
class TokenizerCommandTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    private static Run run(String stdin, String... args) {
        InputStream in = System.in;
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = new CommandLine(new Main()).execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(in);
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void trainThenEncodeAndDecodeRoundTrips() throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        Files.writeString(corpus, "The cat sat on the mat.\nThe dog sat on the log.\n".repeat(200));
        Path out = dir.resolve("tok");
        Run train = run("", "tokenizer", "train", "--input", corpus.toString(), "--vocab-size", "300", "--out", out.toString());
        assertThat(train.code()).as(train.err()).isZero();
        assertThat(train.out()).contains("\"vocab_size\": 281"); // 9 distinct pre-tokens run out of pairs
        assertThat(train.err()).contains("no pairs left after 19 merges");
        assertThat(out.resolve("tokenizer.json")).exists();

        Run enc = run("{\"text\": \"The cat sat.\"}\n{\"text\": \"on the log <|end|>\"}\n", "tokenizer", "encode", "--tokenizer", out.toString());
        assertThat(enc.code()).as(enc.err()).isZero();
        String[] lines = enc.out().split("\n");
        assertThat(lines).hasSize(2).allMatch(l -> l.startsWith("[") && l.endsWith("]"));

        Run dec = run(enc.out(), "tokenizer", "decode", "--tokenizer", out.toString());
        assertThat(dec.code()).as(dec.err()).isZero();
        assertThat(dec.out()).isEqualTo("The cat sat.\non the log <|end|>\n");
        Run plain = run("{ not json\nThe cat sat.\n", "tokenizer", "encode", "--tokenizer", out.toString());
        assertThat(plain.code()).as(plain.err()).isZero(); // first line is not JSONL: the stream is plain text
        assertThat(plain.out().split("\n")[1]).isEqualTo(lines[0]);
    }

    @Test
    void malformedInputNamesTheLine() throws Exception {
        Path corpus = dir.resolve("c.txt");
        Files.writeString(corpus, "hello world\n".repeat(50));
        Path out = dir.resolve("t");
        assertThat(run("", "tokenizer", "train", "--input", corpus.toString(), "--vocab-size", "270", "--out", out.toString()).code()).isZero();
        Run enc = run("{\"text\": \"fine\"}\n{\"text\": 1}\n", "tokenizer", "encode", "--tokenizer", out.toString());
        assertThat(enc.code()).isNotZero();
        assertThat(enc.err()).contains("stdin line 2");
        Run dec = run("[1,2]\n[3,\"x\"]\n", "tokenizer", "decode", "--tokenizer", out.toString());
        assertThat(dec.code()).isNotZero();
        assertThat(dec.err()).contains("stdin line 2");
    }
}

package rlhf4j.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Our encoder gives the ids OpenAI's tiktoken gives (fixtures from the npm package's Rust/WASM core). */
class TiktokenParityTest {

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void encodesEveryFixtureTextExactlyAsTiktoken(Encoding e) {
        checkAll(e, Fixtures.subsetTokenizer(e));
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void heapMergePathGivesTheSameIdsAsTheScanPath(Encoding e) {
        int saved = BpeMerger.heapThreshold;
        BpeMerger.heapThreshold = 2; // every multi-byte piece takes the heap path
        try {
            checkAll(e, Fixtures.subsetTokenizer(e));
        } finally {
            BpeMerger.heapThreshold = saved;
        }
    }

    /** With the full rank files: set RLHF4J_TIKTOKEN_DIR to a folder holding gpt2/cl100k_base/o200k_base.tiktoken. */
    @Test
    @EnabledIfEnvironmentVariable(named = "RLHF4J_TIKTOKEN_DIR", matches = ".+")
    void encodesEveryFixtureTextExactlyWithTheFullRankFiles() throws IOException {
        for (Encoding e : Encoding.values()) {
            Path file = Path.of(System.getenv("RLHF4J_TIKTOKEN_DIR"), e.id() + ".tiktoken");
            checkAll(e, Tokenizer.of(e, TiktokenFile.read(file)));
        }
    }

    private static void checkAll(Encoding e, Tokenizer tok) {
        for (Fixtures.Case c : Fixtures.cases(e)) {
            int[] ids = c.allowSpecial() ? tok.encode(c.text(), null) : tok.encode(c.text());
            assertThat(ids).as("%s %s", e.id(), quote(c.text())).containsExactly(c.ids());
            String wellFormed = Tokenizer.wellFormed(c.text());
            assertThat(tok.decode(ids)).isEqualTo(wellFormed);
            assertThat(tok.decodeBytes(ids)).isEqualTo(wellFormed.getBytes(StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void specialTokensAreTextUnlessAllowed(Encoding e) {
        Tokenizer tok = Fixtures.subsetTokenizer(e);
        int eot = tok.specialId("<|endoftext|>");
        String text = "a<|endoftext|>b";
        assertThat(tok.encode(text)).doesNotContain(eot);
        assertThat(tok.encode(text, Set.of())).doesNotContain(eot);
        assertThat(tok.encode(text, Set.of("<|endoftext|>"))).contains(eot);
        assertThat(tok.decode(tok.encode(text, null))).isEqualTo(text);
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void parallelEncodingOfALongTextEqualsSequential(Encoding e) {
        Tokenizer tok = Fixtures.subsetTokenizer(e);
        StringBuilder sb = new StringBuilder();
        for (Fixtures.Case c : Fixtures.cases(e)) sb.append(c.text()).append('\n');
        // newlines after white space, then a letter: where a careless cut would change the split
        for (int i = 0; i < 3000; i++) sb.append("word  \nNext \t\nX\n\nY z\n");
        while (sb.length() < 300_000) sb.append(sb, 0, Math.min(sb.length(), 300_000 - sb.length()));
        String text = sb.toString();
        assertThat(tok.encodeParallel(text, 2)).isEqualTo(tok.encode(text));
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(80).forEach(cp -> {
            if (cp < 0x20 || cp > 0x7e) sb.append(String.format("\\u{%x}", cp)); else sb.appendCodePoint(cp);
        });
        return sb.toString();
    }
}

package rlhf4j.tokenizer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * decode(encode(s)) == s for every well-formed string; the bytes round-trip exactly for every
 * string, lone surrogates standing for U+FFFD (as in tiktoken).
 */
class RoundTripTest {
    private static final Tokenizer[] TOKENIZERS = {
            Fixtures.subsetTokenizer(Encoding.GPT2),
            Fixtures.subsetTokenizer(Encoding.CL100K_BASE),
            Fixtures.subsetTokenizer(Encoding.O200K_BASE)};

    @Provide
    Arbitrary<String> wellFormed() {
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(60).map(Tokenizer::wellFormed);
        Arbitrary<String> emoji = Arbitraries.strings().withCharRange('\u2600', '\u27BF').ofMaxLength(10)
                .map(s -> s + "😀👍🏽👨‍👩‍👧" + s);
        Arbitrary<String> cjk = Arbitraries.strings().withCharRange('\u4E00', '\u9FFF').withChars(" ，。").ofMaxLength(40);
        Arbitrary<String> spaces = Arbitraries.strings().withChars(" \t\n\r\u00a0\u3000\u2028ab1'").ofMaxLength(40);
        Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMaxLength(80);
        return Arbitraries.oneOf(any, emoji, cjk, spaces, ascii);
    }

    @Property(tries = 1500)
    void decodeInvertsEncodeForWellFormedText(@ForAll("wellFormed") String s) {
        for (Tokenizer tok : TOKENIZERS) {
            assertThat(tok.decode(tok.encode(s))).isEqualTo(s);
        }
    }

    @Property(tries = 1500)
    void bytesRoundTripExactlyForAnyString(@ForAll String s) {
        byte[] utf8 = Tokenizer.wellFormed(s).getBytes(StandardCharsets.UTF_8);
        for (Tokenizer tok : TOKENIZERS) {
            assertThat(tok.decodeBytes(tok.encode(s))).isEqualTo(utf8);
        }
    }

    @Property(tries = 500)
    void loneSurrogatesDecodeAsReplacementCharacter(@ForAll("wellFormed") String a, @ForAll("wellFormed") String b) {
        String s = a + '\uD800' + b;
        for (Tokenizer tok : TOKENIZERS) {
            assertThat(tok.decode(tok.encode(s))).isEqualTo(a + '\uFFFD' + b);
        }
    }
}

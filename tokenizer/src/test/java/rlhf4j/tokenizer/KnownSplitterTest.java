package rlhf4j.tokenizer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written splitters cut text exactly where the split regexes do. */
class KnownSplitterTest {
    private static final String[] POOL = {
            "a", "b", "Z", "É", "é", "ß", "ǅ", "ʰ", "中", "語", "😀", "🏽", "𝐀", "𝐚", "\u0301", "\u0903", "\u20DD",
            " ", " ", " ", "\t", "\n", "\r", "\u000B", "\u00a0", "\u2028", "\u3000", "\u200b", "\u0085",
            "0", "7", "٣", "½", "Ⅻ", "'", "'", "s", "S", "ſ", "t", "re", "VE", "m", "lL", "D", "K",
            ".", ",", "!", "/", "\\", "<|", "|>", "\"", "-", "$", "€", "\u0000", "\u001f",
            "the", "The", "THE", " and", "ing", "HTTPServer", "don't", "I'M", "  ", "\r\n", "\n\n"};

    @Provide
    Arbitrary<String> tricky() {
        return Arbitraries.of(POOL).list().ofMaxSize(30).map(l -> String.join("", l));
    }

    @Property(tries = 3000)
    void gpt2SplitsLikeItsRegex(@ForAll("tricky") String s) { check(Encoding.GPT2, s); }

    @Property(tries = 3000)
    void cl100kSplitsLikeItsRegex(@ForAll("tricky") String s) { check(Encoding.CL100K_BASE, s); }

    @Property(tries = 3000)
    void o200kSplitsLikeItsRegex(@ForAll("tricky") String s) { check(Encoding.O200K_BASE, s); }

    @Property(tries = 1000)
    void splitsArbitraryStringsLikeTheRegex(@ForAll String s) {
        String w = Tokenizer.wellFormed(s);
        for (Encoding e : Encoding.values()) check(e, w);
    }

    private static void check(Encoding e, String s) {
        assertThat(known(e, s)).as("%s on %s", e.id(), s.codePoints().mapToObj(Integer::toHexString).toList())
                .isEqualTo(regex(e, s));
    }

    static List<String> regex(Encoding e, String s) {
        List<String> out = new ArrayList<>();
        Matcher m = Encoding.compile(e.pattern()).matcher(s);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) out.add("GAP:" + s.substring(last, m.start()));
            out.add(m.group());
            last = m.end();
        }
        return out;
    }

    static List<String> known(Encoding e, String s) {
        KnownSplitter k = KnownSplitter.forPattern(e.pattern());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.length(); ) {
            int j = k.next(s, i, s.length());
            out.add(s.substring(i, j));
            i = j;
        }
        return out;
    }
}

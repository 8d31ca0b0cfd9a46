package rlhf4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import rlhf4j.data.clean.QualityFilter;
import rlhf4j.data.clean.Rule;
import rlhf4j.data.clean.Verdict;
import rlhf4j.data.clean.Words;
import rlhf4j.data.prepare.PrepareConfig;

class QualityFilterTest {
    private final PrepareConfig.Filters defaults = PrepareConfig.defaults().filters();

    private Verdict check(String text) {
        return check(defaults, text);
    }

    private static Verdict check(PrepareConfig.Filters f, String text) {
        return new QualityFilter(f).check(text, new Words().split(text));
    }

    private static String repeatWords(String w, int n) {
        return (w + " ").repeat(n).strip();
    }

    @Test
    void ordinaryProseIsKept() {
        assertThat(check(TestDocs.prose(1, 20))).isNull();
        assertThat(check(TestDocs.prose(2, 6))).isNull();
    }

    @Test
    void emptyDocumentIsCut() {
        assertThat(check("").rule()).isEqualTo(Rule.EMPTY);
    }

    @Test
    void wordCountCutsTooShortAndTooLong() {
        assertThat(check("Far too short to keep.").rule()).isEqualTo(Rule.WORD_COUNT);
        var tight = new PrepareConfig.Filters(new PrepareConfig.WordCount(true, 50, 60), defaults.meanWordLength(), defaults.symbolRatio(),
                defaults.linePunctuation(), defaults.duplicateLines(), defaults.topNgrams(), defaults.duplicateNgrams());
        assertThat(check(tight, TestDocs.prose(3, 20)).rule()).isEqualTo(Rule.WORD_COUNT);
        var off = new PrepareConfig.Filters(new PrepareConfig.WordCount(false, 50, 60), defaults.meanWordLength(), defaults.symbolRatio(),
                defaults.linePunctuation(), defaults.duplicateLines(), defaults.topNgrams(), defaults.duplicateNgrams());
        assertThat(check(off, TestDocs.prose(3, 20))).isNull();
    }

    @Test
    void meanWordLengthCutsShortAndLongWords() {
        StringBuilder tiny = new StringBuilder(), huge = new StringBuilder();
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < 80; i++) {
            tiny.append((char) ('a' + r.nextInt(26))).append((char) ('a' + r.nextInt(26))).append(i % 10 == 9 ? ".\n" : " ");
            huge.append(TestDocs.word(r)).append(TestDocs.word(r)).append(TestDocs.word(r)).append(i % 10 == 9 ? ".\n" : " ");
        }
        assertThat(check(tiny.toString()).rule()).isEqualTo(Rule.MEAN_WORD_LENGTH);
        assertThat(check(huge.toString()).rule()).isEqualTo(Rule.MEAN_WORD_LENGTH);
    }

    @Test
    void symbolRatioCutsHashtagsAndEllipses() {
        String prose = TestDocs.prose(7, 8);
        int words = new Words().split(prose).count();
        String hashtags = prose + "\n" + "#tag ".repeat(words / 5) + "end.";
        String ellipses = prose.replace(".\n", "... …\n");
        assertThat(check(hashtags).rule()).isEqualTo(Rule.SYMBOL_RATIO);
        assertThat(check(ellipses).rule()).isEqualTo(Rule.SYMBOL_RATIO);
        assertThat(check(prose + "\nOne #tag and one pause... fine.")).isNull();
    }

    @Test
    void linePunctuationCutsListsWithoutSentences() {
        String list = TestDocs.prose(9, 12).replace(".", "");
        assertThat(check(list).rule()).isEqualTo(Rule.LINE_PUNCTUATION);
    }

    @Test
    void duplicateLinesCutsRepeatedBoilerplate() {
        String prose = TestDocs.prose(11, 6);
        String boiler = prose + "\n" + "Click here to subscribe to our newsletter today.\n".repeat(6);
        assertThat(check(boiler).rule()).isEqualTo(Rule.DUPLICATE_LINES);
    }

    @Test
    void topNgramCutsOneDominantPhrase() {
        // "lorem ipsum" repeated inside otherwise distinct lines: no line repeats, but one 2-gram dominates
        String[] lines = TestDocs.prose(13, 10).split("\n");
        StringBuilder sb = new StringBuilder();
        for (String l : lines) sb.append(l, 0, l.length() - 1).append(" lorem ipsum lorem ipsum lorem ipsum.\n");
        Verdict v = check(sb.toString());
        assertThat(v.rule()).isEqualTo(Rule.TOP_NGRAMS);
        assertThat(v.detail()).contains("lorem ipsum");
    }

    @Test
    void duplicateNgramCutsRepeatedPassages() {
        // a 12-word passage appears three times, each time inside a different line
        String passage = "the quick brown fox jumps over a lazy sleeping dog near home";
        String[] lines = TestDocs.prose(17, 6).split("\n");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            sb.append(lines[i], 0, lines[i].length() - 1);
            if (i % 2 == 0) sb.append(' ').append(passage);
            sb.append(".\n");
        }
        var noTop = new PrepareConfig.Filters(defaults.wordCount(), defaults.meanWordLength(), defaults.symbolRatio(),
                defaults.linePunctuation(), defaults.duplicateLines(), new PrepareConfig.TopNgrams(false, List.of(0.2, 0.18, 0.16)), defaults.duplicateNgrams());
        Verdict v = check(noTop, sb.toString());
        assertThat(v).isNotNull();
        assertThat(v.rule()).isEqualTo(Rule.DUPLICATE_NGRAMS);
        assertThat(check(noTop, TestDocs.prose(17, 6))).isNull();
    }

    @Test
    void everyRuleCanBeSwitchedOff() {
        var off = new PrepareConfig.Filters(new PrepareConfig.WordCount(false, 50, 100_000), new PrepareConfig.MeanWordLength(false, 3, 10),
                new PrepareConfig.SymbolRatio(false, 0.1), new PrepareConfig.LinePunctuation(false, 0.12),
                new PrepareConfig.DuplicateLines(false, 0.3, 0.2), new PrepareConfig.TopNgrams(false, List.of(0.2, 0.18, 0.16)),
                new PrepareConfig.DuplicateNgrams(false, List.of(0.15, 0.14, 0.13, 0.12, 0.11, 0.10)));
        assertThat(check(off, "# # # spam spam spam spam spam spam\n# # # spam spam spam spam spam spam")).isNull();
    }
}

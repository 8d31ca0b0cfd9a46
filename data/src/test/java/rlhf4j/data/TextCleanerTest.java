package rlhf4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import rlhf4j.data.clean.TextCleaner;

class TextCleanerTest {
    private final TextCleaner cleaner = new TextCleaner(true, true, true);

    @Test
    void composesToNfc() {
        assertThat(cleaner.clean("cafe\u0301")).isEqualTo("caf\u00E9");
    }

    @Test
    void removesControlCharactersButKeepsNewlinesAndTabs() {
        assertThat(cleaner.clean("a\u0000b\u0007c\u009Fd\uFEFF")).isEqualTo("abcd");
        assertThat(cleaner.clean("line one\r\n\tindented\rthree")).isEqualTo("line one\n\tindented\nthree");
    }

    @Test
    void normalizesWhitespace() {
        assertThat(cleaner.clean("  a \u00A0\u3000 b   c  \n\n\n\n  d  \t")).isEqualTo("a b c\n\n  d");
        assertThat(cleaner.clean("x\n   \n \n\ny")).isEqualTo("x\n\ny");
        assertThat(cleaner.clean(" \n \t ")).isEmpty();
    }

    @Test
    void switchesTurnStepsOff() {
        assertThat(new TextCleaner(false, false, false).clean("cafe\u0301  \u0000")).isEqualTo("cafe\u0301  \u0000");
        assertThat(new TextCleaner(false, true, false).clean("a  b\u0000")).isEqualTo("a  b");
    }
}

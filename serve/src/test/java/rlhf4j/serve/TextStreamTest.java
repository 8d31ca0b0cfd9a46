package rlhf4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextStreamTest {
    @Test
    void aCharacterSplitAcrossTokensIsSentWhole() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // 3 bytes
        TextStream s = new TextStream(List.of());
        assertThat(s.add(new byte[] {euro[0]})).isEmpty();
        assertThat(s.add(new byte[] {euro[1]})).isEmpty();
        assertThat(s.add(new byte[] {euro[2], 'a'})).isEqualTo("€a");
        assertThat(s.finish()).isEmpty();
    }

    @Test
    void invalidBytesBecomeReplacementCharactersAtTheEnd() {
        TextStream s = new TextStream(List.of());
        assertThat(s.add(new byte[] {'o', 'k', (byte) 0xE2})).isEqualTo("ok");
        assertThat(s.finish()).isEqualTo("\uFFFD");
    }

    @Test
    void aStopStringAcrossTokensEndsTheTextBeforeIt() {
        TextStream s = new TextStream(List.of("END"));
        StringBuilder sent = new StringBuilder();
        for (String piece : new String[] {"hel", "lo E", "N", "D more"}) {
            sent.append(s.add(piece.getBytes(StandardCharsets.UTF_8)));
            if (s.stopped()) break;
        }
        sent.append(s.finish());
        assertThat(s.stopped()).isTrue();
        assertThat(sent.toString()).isEqualTo("hello ");
        assertThat(s.text()).isEqualTo("hello ");
    }

    @Test
    void aHeldBackPrefixThatNeverBecomesAStopIsSentAtTheEnd() {
        TextStream s = new TextStream(List.of("STOP"));
        StringBuilder sent = new StringBuilder();
        sent.append(s.add("abcST".getBytes(StandardCharsets.UTF_8)));
        assertThat(sent.toString()).isEqualTo("ab"); // "cST" may still become "STOP"... only 3 chars held
        sent.append(s.finish());
        assertThat(sent.toString()).isEqualTo("abcST");
        assertThat(s.stopped()).isFalse();
    }
}

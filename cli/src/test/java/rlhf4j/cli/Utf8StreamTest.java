package rlhf4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8StreamTest {
    @Test
    void charactersSplitAcrossTokensAreHeldUntilComplete() {
        byte[] text = "né 🙂!".getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= text.length; cut++) {
            for (int cut2 = cut; cut2 <= text.length; cut2++) {
                Utf8Stream s = new Utf8Stream();
                StringBuilder out = new StringBuilder();
                out.append(s.push(java.util.Arrays.copyOfRange(text, 0, cut)));
                out.append(s.push(java.util.Arrays.copyOfRange(text, cut, cut2)));
                out.append(s.push(java.util.Arrays.copyOfRange(text, cut2, text.length)));
                out.append(s.flush());
                assertThat(out.toString()).isEqualTo("né 🙂!");
                assertThat(out.toString()).doesNotContain("\uFFFD");
            }
        }
    }
}

package rlhf4j.data.preference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreferenceFilesTest {
    @Test
    void readsPairsAndKWiseRowsWithTiesAndGold(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("p.jsonl");
        Files.writeString(f, """
                {"prompt": "q1", "chosen": "good", "rejected": "bad"}

                {"prompt": "q2", "responses": ["a", "b", "c", "d"], "ranking": [2, [0, 3], 1], "gold_ranking": [2, 0, 3, 1]}
                """);
        List<Comparison> cs = PreferenceFiles.read(f);
        assertThat(cs).hasSize(2);
        assertThat(cs.get(0).responses()).containsExactly("good", "bad");
        assertThat(cs.get(0).pairs()).containsExactly(new int[] {0, 1});
        Comparison k = cs.get(1);
        assertThat(k.k()).isEqualTo(4);
        // tiers {2} > {0,3} > {1}: 2 beats three, 0 and 3 beat 1; 0 and 3 tie
        assertThat(k.pairs()).containsExactly(new int[] {2, 0}, new int[] {2, 3}, new int[] {2, 1}, new int[] {0, 1}, new int[] {3, 1});
        assertThat(k.ties()).containsExactly(new int[] {0, 3});
        assertThat(k.goldPairs()).hasSize(6);
        assertThat(k.ranking()).containsExactly(2, 0, 3, 1);
    }

    @Test
    void writtenRowsReadBackEqual(@TempDir Path tmp) throws Exception {
        Comparison c = new Comparison("q", List.of("x", "y", "z"), List.of(new int[] {1}, new int[] {0, 2}), Comparison.strict(1, 0, 2));
        Path f = tmp.resolve("p.jsonl");
        Files.writeString(f, PreferenceFiles.toJson(c).toString() + "\n");
        Comparison back = PreferenceFiles.read(f).get(0);
        assertThat(back.pairs()).containsExactlyElementsOf(c.pairs());
        assertThat(back.goldPairs()).containsExactlyElementsOf(c.goldPairs());
        assertThat(back.responses()).isEqualTo(c.responses());
    }

    @Test
    void malformedLinesAreNamedByFileAndLine(@TempDir Path tmp) throws Exception {
        String[][] cases = {
                {"{\"prompt\": \"q\", \"chosen\": \"a\"", "line 2: not valid JSON"},
                {"{\"prompt\": \"q\", \"chosen\": \"a\"}", "line 2: missing 'rejected'"},
                {"{\"chosen\": \"a\", \"rejected\": \"b\"}", "line 2: missing 'prompt'"},
                {"{\"prompt\": \"q\", \"responses\": [\"a\", \"b\"], \"ranking\": [0]}", "line 2: ranking ranks 1 of the 2"},
                {"{\"prompt\": \"q\", \"responses\": [\"a\", \"b\"], \"ranking\": [0, 0]}", "line 2: ranking names response 0 twice"},
                {"{\"prompt\": \"q\", \"responses\": [\"a\", \"b\"], \"ranking\": [0, 5]}", "line 2: ranking names response 5 but there are 2"},
                {"{\"prompt\": \"q\", \"responses\": [\"a\"], \"ranking\": [0]}", "line 2: a comparison needs at least 2"},
                {"{\"prompt\": \"q\", \"responses\": [\"a\", 3], \"ranking\": [0, 1]}", "line 2: responses[1] must be a string"},
                {"{\"prompt\": \"q\", \"responses\": [\"a\", \"b\"]}", "line 2: a K-wise row needs 'ranking'"},
                {"{\"prompt\": \"q\", \"text\": \"a\"}", "line 2: expected 'chosen' and 'rejected'"},
                {"[1, 2]", "line 2: expected a JSON object"},
        };
        for (String[] c : cases) {
            Path f = tmp.resolve("bad.jsonl");
            Files.writeString(f, "{\"prompt\": \"ok\", \"chosen\": \"a\", \"rejected\": \"b\"}\n" + c[0] + "\n");
            assertThatThrownBy(() -> PreferenceFiles.read(f)).as(c[0])
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(f.toString())
                    .hasMessageContaining(c[1]);
        }
    }

    @Test
    void anEmptyFileIsAnError(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("empty.jsonl");
        Files.writeString(f, "\n");
        assertThatThrownBy(() -> PreferenceFiles.read(f)).hasMessageContaining("holds no comparisons");
    }
}

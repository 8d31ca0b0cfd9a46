package rlhf4j.data.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.data.prepare.PrepareConfig;

class ConfigTreeTest {
    @TempDir
    Path dir;

    private static PrepareConfig load(Path file, String... sets) {
        return ConfigTree.resolve(PrepareConfig.defaults(), file, List.of(sets), PrepareConfig.class);
    }

    @Test
    void defaultsThenFileThenOverrides() throws IOException {
        Path json = Files.writeString(dir.resolve("c.json"), "{\"dedup\": {\"num_perm\": 64}, \"filters\": {\"word_count\": {\"min\": 10}}}");
        PrepareConfig c = load(json, "filters.word_count.min=20", "filters.top_ngrams.max=[0.3,0.2,0.1]", "input.text_unit=line");
        assertThat(c.dedup().numPerm()).isEqualTo(64);
        assertThat(c.dedup().threshold()).isEqualTo(0.8);
        assertThat(c.filters().wordCount().min()).isEqualTo(20);
        assertThat(c.filters().wordCount().max()).isEqualTo(100_000);
        assertThat(c.filters().topNgrams().max()).containsExactly(0.3, 0.2, 0.1);
        assertThat(c.input().textUnit()).isEqualTo("line");
        assertThat(load(null)).isEqualTo(PrepareConfig.defaults());
    }

    @Test
    void yamlFilesReadTheSameKeys() throws IOException {
        Path yaml = Files.writeString(dir.resolve("c.yaml"), "dedup:\n  num_perm: 32\nfilters:\n  word_count:\n    enabled: false\n");
        PrepareConfig c = load(yaml);
        assertThat(c.dedup().numPerm()).isEqualTo(32);
        assertThat(c.filters().wordCount().enabled()).isFalse();
    }

    @Test
    void unknownKeysAndBadValuesAreClearErrors() throws IOException {
        assertThatThrownBy(() -> load(null, "filters.wordcount.min=3"))
                .hasMessageContaining("unknown key 'filters.wordcount'").hasMessageContaining("filters.word_count");
        assertThatThrownBy(() -> load(null, "dedup.threshold=2")).hasMessageContaining("dedup.threshold must be in (0, 1)");
        assertThatThrownBy(() -> load(null, "filters=3")).hasMessageContaining("is a section");
        assertThatThrownBy(() -> load(null, "seed")).hasMessageContaining("key=value");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "dedup:\n  nmu_perm: 3\n");
        assertThatThrownBy(() -> load(bad)).hasMessageContaining("bad.yaml").hasMessageContaining("dedup.nmu_perm");
    }
}

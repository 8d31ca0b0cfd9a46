package rlhf4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.data.prepare.ConfigLoader;
import rlhf4j.data.prepare.PrepareConfig;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsThenFileThenOverrides() throws IOException {
        Path file = Files.writeString(dir.resolve("c.json"), "{\"dedup\": {\"numPerm\": 64}, \"filters\": {\"wordCount\": {\"min\": 10}}}");
        PrepareConfig c = ConfigLoader.load(file, List.of("filters.wordCount.min=20", "filters.topNgrams.max=[0.3,0.2,0.1]", "input.textUnit=line"));
        assertThat(c.dedup().numPerm()).isEqualTo(64);
        assertThat(c.dedup().threshold()).isEqualTo(0.8);
        assertThat(c.filters().wordCount().min()).isEqualTo(20);
        assertThat(c.filters().wordCount().max()).isEqualTo(100_000);
        assertThat(c.filters().topNgrams().max()).containsExactly(0.3, 0.2, 0.1);
        assertThat(c.input().textUnit()).isEqualTo("line");
        assertThat(ConfigLoader.load(null, List.of())).isEqualTo(PrepareConfig.defaults());
    }

    @Test
    void unknownKeysAndBadValuesAreClearErrors() {
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("filters.wordcount.min=3")))
                .hasMessageContaining("unknown key 'filters.wordcount'").hasMessageContaining("filters.wordCount");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("dedup.threshold=2"))).hasMessageContaining("dedup.threshold must be in (0, 1)");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("input.textUnit=page"))).hasMessageContaining("textUnit");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("seed"))).hasMessageContaining("key=value");
    }
}

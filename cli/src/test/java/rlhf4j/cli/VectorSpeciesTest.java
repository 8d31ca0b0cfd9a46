package rlhf4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Main sources use only the preferred vector species. Once a second FloatVector class (a half-width
 * species, say) has run, C2 can no longer tell which class some of a kernel's loop-carried vectors
 * have, and every kernel compiled afterwards boxes them on the heap: a steady training step then
 * allocated megabytes instead of kilobytes, depending on what had run before.
 */
class VectorSpeciesTest {
    private static final Pattern OTHER_SPECIES =
            Pattern.compile("VectorSpecies\\.of\\(|SPECIES_(64|128|256|512|MAX)\\b|VectorShape\\.|withShape\\(");

    @Test
    void mainSourcesUseOnlyThePreferredSpecies() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent(); // tests run in the cli module's folder
        List<String> violations = new ArrayList<>();
        int files = 0;
        for (String module : List.of("tensor", "tokenizer", "model", "data", "train", "serve", "cli")) {
            try (Stream<Path> walk = Files.walk(root.resolve(module).resolve("src/main/java"))) {
                for (Path file : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        if (OTHER_SPECIES.matcher(lines.get(i)).find()) violations.add(root.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(files).isGreaterThan(100);
        assertThat(violations).isEmpty();
    }
}

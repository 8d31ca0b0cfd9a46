package rlhf4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The module layering of DESIGN.md: no main-source import reaches a module its module may not use. */
class LayeringTest {
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "tensor", Set.of(),
            "tokenizer", Set.of(),
            "model", Set.of("tensor"),
            "data", Set.of("tokenizer"),
            "train", Set.of("model", "data", "tokenizer", "tensor"),
            "serve", Set.of("model", "data", "tokenizer"),
            "cli", Set.of("tensor", "tokenizer", "data", "model", "train", "serve"));
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?rlhf4j\\.(\\w+)\\.", Pattern.MULTILINE);

    @Test
    void importsFollowTheLayers() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent(); // tests run in the cli module's folder
        List<String> violations = new ArrayList<>();
        int files = 0;
        for (var entry : ALLOWED.entrySet()) {
            String module = entry.getKey();
            Path sources = root.resolve(module).resolve("src/main/java");
            assertThat(sources).as("sources of module %s", module).isDirectory();
            List<Path> javaFiles;
            try (Stream<Path> walk = Files.walk(sources)) {
                javaFiles = walk.filter(p -> p.toString().endsWith(".java")).toList();
            }
            for (Path file : javaFiles) {
                files++;
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String target = m.group(1);
                    if (!target.equals(module) && !entry.getValue().contains(target)) {
                        violations.add(root.relativize(file) + " imports rlhf4j." + target);
                    }
                }
            }
        }
        assertThat(files).isGreaterThan(100);
        assertThat(violations).isEmpty();
    }
}

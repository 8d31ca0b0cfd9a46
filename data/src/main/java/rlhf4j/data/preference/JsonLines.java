package rlhf4j.data.preference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The JSONL loop {@link PromptFiles} and {@link PreferenceFiles} share: one JSON value a line,
 * blank lines skipped, and any line the parser rejects (with an IllegalArgumentException) fails the
 * read with "FILE line N: what is wrong". An empty file is an error too: {@code what} names what it
 * should have held.
 */
final class JsonLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLines() {
    }

    static <T> List<T> read(Path file, Function<JsonNode, T> parser, String what) {
        List<T> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) continue;
                try {
                    out.add(parser.apply(JSON.readTree(line)));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": not valid JSON (" + e.getOriginalMessage() + ")");
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new IllegalArgumentException(file + " holds no " + what);
        return out;
    }
}

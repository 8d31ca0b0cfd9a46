package rlhf4j.data.sft;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Reads a JSONL file one object a line and hands each to a parser with its line number. Blank
 * lines are allowed (editors add them); anything else that is not a JSON object, or that the parser
 * rejects, fails the whole read with {@code file:line: what is wrong} — a line is never dropped.
 */
final class JsonlFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonlFile() {
    }

    /** A line's problem; the reader adds the file and line number. */
    static final class LineError extends RuntimeException {
        LineError(String message) {
            super(message);
        }
    }

    static <T> List<T> read(Path file, BiFunction<JsonNode, Integer, T> parser) {
        List<T> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(file + ":" + number + ": not valid JSON: " + e.getOriginalMessage());
                }
                if (node == null || !node.isObject()) {
                    throw new IllegalArgumentException(file + ":" + number + ": expected a JSON object, got "
                            + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
                }
                try {
                    out.add(parser.apply(node, number));
                } catch (LineError e) {
                    throw new IllegalArgumentException(file + ":" + number + ": " + e.getMessage());
                }
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new IllegalArgumentException(file + ": no examples (the file is empty)");
        return out;
    }

    /** A required string field. */
    static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw new LineError(where + "'" + field + "' is missing");
        if (!v.isTextual()) throw new LineError(where + "'" + field + "' must be a string, got " + v.getNodeType().toString().toLowerCase());
        return v.asText();
    }
}

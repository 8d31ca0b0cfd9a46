package rlhf4j.train.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.jsonl}: one JSON object per logged step. On resume, lines past the checkpoint's
 * step are dropped first, so the file reads as if the run had never stopped.
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final BufferedWriter writer;

    public MetricsLog(Path file, long resumeStep) {
        this.file = file;
        try {
            if (resumeStep >= 0 && Files.exists(file)) {
                List<String> kept = new ArrayList<>();
                for (String line : Files.readAllLines(file)) {
                    if (line.isBlank()) continue;
                    if (JSON.readTree(line).path("step").asLong() <= resumeStep) kept.add(line);
                }
                Files.write(file, kept);
            } else {
                Files.deleteIfExists(file);
            }
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    public void log(long step, Map<String, ?> values) {
        ObjectNode o = JSON.createObjectNode();
        o.put("step", step);
        values.forEach((k, v) -> o.set(k, JSON.valueToTree(v)));
        try {
            writer.write(JSON.writeValueAsString(o));
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Every logged object, oldest first (for plots and the report). */
    public static List<JsonNode> read(Path file) {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(file)) return out;
        try {
            for (String line : Files.readAllLines(file)) if (!line.isBlank()) out.add(JSON.readTree(line));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

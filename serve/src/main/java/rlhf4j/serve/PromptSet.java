package rlhf4j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prompts for the comparison page, from a JSONL file of {@code {"prompt": "..."}} or
 * {@code {"messages": [...]}} (ending with a user turn) lines, as the RL stages read them.
 */
public record PromptSet(List<Prompt> prompts) {
    /** @param json the prompt as JSON text (a string or a message list); source says file and line */
    public record Prompt(String json, String source) {}

    public PromptSet {
        prompts = List.copyOf(prompts);
    }

    public static PromptSet empty() {
        return new PromptSet(List.of());
    }

    public static PromptSet read(Path file) throws IOException {
        List<Prompt> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            String where = file + " line " + (i + 1);
            JsonNode o;
            try {
                o = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                throw new IOException(where + ": not valid JSON: " + e.getMessage());
            }
            JsonNode p = o.get("prompt"), m = o.get("messages");
            if (p != null && p.isTextual()) {
                if (p.asText().isBlank()) throw new IOException(where + ": 'prompt' is empty");
                out.add(new Prompt(p.toString(), where));
            } else if (m != null && m.isArray() && !m.isEmpty()) {
                JsonNode last = m.get(m.size() - 1);
                if (!last.isObject() || !"user".equals(last.path("role").asText()) || !last.path("content").isTextual())
                    throw new IOException(where + ": 'messages' must end with a user turn {\"role\": \"user\", \"content\": ...}");
                out.add(new Prompt(m.toString(), where));
            } else {
                throw new IOException(where + ": expected {\"prompt\": \"...\"} or {\"messages\": [...]}");
            }
        }
        return new PromptSet(out);
    }
}

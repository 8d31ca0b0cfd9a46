package rlhf4j.data.preference;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * Prompts to sample answers for, JSONL: {@code {"prompt": ...}} (the world's rl_prompts.jsonl and
 * eval.jsonl), or {@code {"messages": [...]}} whose last user turn is taken as the prompt (so an
 * SFT file's questions can be reused; a trailing assistant turn is ignored).
 */
public final class PromptFiles {
    private PromptFiles() {
    }

    public static List<String> read(Path file) {
        return JsonLines.read(file, PromptFiles::prompt, "prompts");
    }

    static String prompt(JsonNode o) {
        if (!o.isObject()) throw new IllegalArgumentException("expected a JSON object");
        JsonNode p = o.get("prompt");
        if (p != null) {
            if (!p.isTextual()) throw new IllegalArgumentException("'prompt' must be a string");
            return p.asText();
        }
        JsonNode ms = o.get("messages");
        if (ms == null || !ms.isArray()) throw new IllegalArgumentException("expected 'prompt' or a 'messages' list");
        for (int i = ms.size() - 1; i >= 0; i--) {
            JsonNode m = ms.get(i);
            if ("user".equals(m.path("role").asText()) && m.path("content").isTextual()) return m.get("content").asText();
        }
        throw new IllegalArgumentException("'messages' has no user turn");
    }
}

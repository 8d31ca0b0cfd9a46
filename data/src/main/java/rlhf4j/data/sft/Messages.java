package rlhf4j.data.sft;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import rlhf4j.tokenizer.ChatTemplate.Message;

/** Parses TRL's conversational form: a list of {@code {"role", "content"}} objects. */
final class Messages {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private Messages() {
    }

    static List<Message> parse(JsonNode list, String field) {
        if (!list.isArray()) throw new JsonlFile.LineError("'" + field + "' must be a list of {\"role\", \"content\"} objects, got "
                + list.getNodeType().toString().toLowerCase());
        if (list.isEmpty()) throw new JsonlFile.LineError("'" + field + "' is an empty list");
        List<Message> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            String where = field + "[" + i + "]: ";
            if (!m.isObject()) throw new JsonlFile.LineError(where + "must be an object with 'role' and 'content'");
            String role = JsonlFile.text(m, "role", where);
            if (!ROLES.contains(role)) throw new JsonlFile.LineError(where + "role must be system, user or assistant, got '" + role + "'");
            if (role.equals("system") && i > 0) throw new JsonlFile.LineError(where + "a system message may only come first");
            out.add(new Message(role, JsonlFile.text(m, "content", where)));
        }
        return out;
    }

    /** A string becomes one message of {@code role}; a list is parsed as messages. */
    static List<Message> textOrMessages(JsonNode node, String field, String role) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw new JsonlFile.LineError("'" + field + "' is missing");
        if (v.isTextual()) return List.of(new Message(role, v.asText()));
        if (v.isArray()) return parse(v, field);
        throw new JsonlFile.LineError("'" + field + "' must be a string or a list of messages, got " + v.getNodeType().toString().toLowerCase());
    }
}

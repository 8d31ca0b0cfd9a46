package rlhf4j.data.preference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Preference data as JSONL, one comparison a line, in either of TRL's forms:
 * <pre>
 *   {"prompt": ..., "chosen": ..., "rejected": ...}                                   a pair
 *   {"prompt": ..., "responses": [r0, ..., rK-1], "ranking": [best, ..., worst]}      K-wise
 * </pre>
 * In a K-wise ranking an entry may itself be a list of indices that are tied ({@code [2, [0, 3], 1]}).
 * An optional {@code "gold_ranking"} of the same form is the noise-free order the synthetic labeler
 * started from. Blank lines are skipped; any other malformed line is an error naming file and line.
 */
public final class PreferenceFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PreferenceFiles() {
    }

    public static List<Comparison> read(Path file) {
        return JsonLines.read(file, PreferenceFiles::parse, "comparisons");
    }

    /** One line's object, in either form. */
    public static Comparison parse(JsonNode o) {
        if (!o.isObject()) throw new IllegalArgumentException("expected a JSON object");
        String prompt = text(o, "prompt");
        if (o.has("responses")) {
            JsonNode rs = o.get("responses");
            if (!rs.isArray()) throw new IllegalArgumentException("'responses' must be a list of strings");
            List<String> responses = new ArrayList<>();
            for (int i = 0; i < rs.size(); i++) {
                if (!rs.get(i).isTextual()) throw new IllegalArgumentException("responses[" + i + "] must be a string");
                responses.add(rs.get(i).asText());
            }
            if (!o.has("ranking")) throw new IllegalArgumentException("a K-wise row needs 'ranking' (best index first)");
            List<int[]> tiers = tiers(o.get("ranking"), "ranking");
            List<int[]> gold = o.hasNonNull("gold_ranking") ? tiers(o.get("gold_ranking"), "gold_ranking") : null;
            return new Comparison(prompt, responses, tiers, gold);
        }
        if (o.has("chosen") || o.has("rejected")) return Comparison.pair(prompt, text(o, "chosen"), text(o, "rejected"));
        throw new IllegalArgumentException("expected 'chosen' and 'rejected', or 'responses' and 'ranking'");
    }

    /** The K-wise JSON object of a comparison (what `rlhf4j label` writes). */
    public static ObjectNode toJson(Comparison c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("prompt", c.prompt());
        ArrayNode rs = o.putArray("responses");
        c.responses().forEach(rs::add);
        writeTiers(o.putArray("ranking"), c.tiers());
        if (c.goldTiers() != null) writeTiers(o.putArray("gold_ranking"), c.goldTiers());
        return o;
    }

    private static void writeTiers(ArrayNode a, List<int[]> tiers) {
        for (int[] t : tiers) {
            if (t.length == 1) {
                a.add(t[0]);
            } else {
                ArrayNode tie = a.addArray();
                for (int i : t) tie.add(i);
            }
        }
    }

    private static List<int[]> tiers(JsonNode n, String field) {
        if (!n.isArray()) throw new IllegalArgumentException("'" + field + "' must be a list of response indices");
        List<int[]> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (e.isInt()) {
                out.add(new int[] {e.asInt()});
            } else if (e.isArray() && !e.isEmpty()) {
                int[] tie = new int[e.size()];
                for (int i = 0; i < tie.length; i++) {
                    if (!e.get(i).isInt()) throw new IllegalArgumentException("'" + field + "' entries must be indices or lists of tied indices");
                    tie[i] = e.get(i).asInt();
                }
                out.add(tie);
            } else {
                throw new IllegalArgumentException("'" + field + "' entries must be indices or lists of tied indices, got " + e);
            }
        }
        return out;
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) throw new IllegalArgumentException("missing '" + field + "'");
        if (!v.isTextual()) throw new IllegalArgumentException("'" + field + "' must be a string");
        return v.asText();
    }
}

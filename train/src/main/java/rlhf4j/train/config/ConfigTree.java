package rlhf4j.train.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A stage's configuration as a tree: defaults (from the stage's record), then the user's file
 * (YAML or JSON), then {@code --set a.b=value} overrides, bound to the stage's config record at the
 * end. Unknown keys are errors that name the key, so a typo never silently does nothing.
 */
public final class ConfigTree {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private ConfigTree() {
    }

    /** Resolves the final config: defaults ← file (may be null) ← overrides ("key.path=value"). */
    public static <T> T resolve(T defaults, Path file, List<String> overrides, Class<T> type) {
        ObjectNode tree = JSON.valueToTree(defaults);
        if (file != null) merge(tree, read(file), file.toString(), "");
        for (String o : overrides) set(tree, o);
        try {
            return JSON.treeToValue(tree, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid config" + (file != null ? " " + file : "") + ": "
                    + e.getMessage(), e);
        }
    }

    /** Pretty JSON of a resolved config (saved in the run folder). */
    public static String toJson(Object config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        ObjectMapper m = name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON;
        try {
            JsonNode n = m.readTree(Files.readString(file));
            if (n == null || !n.isObject()) throw new IllegalArgumentException(file + ": the config must be a mapping of keys");
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read config: " + e.getMessage(), e);
        }
    }

    private static void merge(ObjectNode into, JsonNode from, String source, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> it = from.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            JsonNode existing = into.get(e.getKey());
            if (existing == null) throw new IllegalArgumentException(source + ": unknown config key '" + key
                    + "' (known here: " + String.join(", ", iterable(into.fieldNames())) + ")");
            if (existing.isObject() && e.getValue().isObject()) {
                merge((ObjectNode) existing, e.getValue(), source, key + ".");
            } else {
                into.set(e.getKey(), e.getValue());
            }
        }
    }

    /** Applies one {@code a.b.c=value}; the value is parsed as YAML (numbers, booleans, lists, strings). */
    static void set(ObjectNode tree, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("--set needs key=value, got '" + assignment + "'");
        String path = assignment.substring(0, eq).trim();
        String raw = assignment.substring(eq + 1);
        JsonNode value;
        try {
            value = raw.isEmpty() ? JsonNodeFactory.instance.textNode("") : YAML.readTree(raw);
        } catch (IOException e) {
            value = JsonNodeFactory.instance.textNode(raw);
        }
        if (value == null || value.isMissingNode()) value = JsonNodeFactory.instance.nullNode();
        String[] parts = path.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (child == null || !child.isObject()) throw new IllegalArgumentException("--set " + path
                    + ": '" + parts[i] + "' is not a section of the config");
            node = (ObjectNode) child;
        }
        String last = parts[parts.length - 1];
        if (!node.has(last)) throw new IllegalArgumentException("--set " + path + ": unknown key '" + last
                + "' (known here: " + String.join(", ", iterable(node.fieldNames())) + ")");
        node.set(last, value);
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}

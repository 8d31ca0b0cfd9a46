package rlhf4j.data.config;

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
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private ConfigTree() {
    }

    /** Resolves the final config: defaults ← file (may be null) ← overrides ("key.path=value"). */
    public static <T> T resolve(T defaults, Path file, List<String> overrides, Class<T> type) {
        return resolve(defaults, List.of(), file, overrides, type);
    }

    /**
     * Resolves with layers between the defaults and the user's file: each a named YAML/JSON text
     * (e.g. a preset bundled in the jar), applied in order, as strictly as the file.
     */
    public static <T> T resolve(T defaults, List<Layer> layers, Path file, List<String> overrides, Class<T> type) {
        ObjectNode tree = JSON.valueToTree(defaults);
        for (Layer l : layers) merge(tree, parseLayer(l), l.name(), "");
        if (file != null) merge(tree, read(file), file.toString(), "");
        for (String o : overrides) set(tree, o);
        try {
            return JSON.treeToValue(tree, type);
        } catch (IOException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("bad config" + (file != null ? " " + file : "") + ": " + cause.getMessage(), e);
        }
    }

    /** A named config text (YAML or JSON) applied as one layer. */
    public record Layer(String name, String text) {
    }

    private static JsonNode parseLayer(Layer l) {
        try {
            JsonNode n = YAML.readTree(l.text());
            if (n == null || n.isMissingNode() || n.isNull()) return JsonNodeFactory.instance.objectNode();
            if (!n.isObject()) throw new IllegalArgumentException(l.name() + ": the config must be a mapping of keys");
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException(l.name() + ": cannot read config: " + e.getMessage(), e);
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
                    + "'; known here: " + names(into, prefix));
            if (existing.isObject() && e.getValue().isObject()) {
                merge((ObjectNode) existing, e.getValue(), source, key + ".");
            } else {
                into.set(e.getKey(), e.getValue());
            }
        }
    }

    /** Applies one {@code a.b.c=value}; the value is parsed as YAML (numbers, booleans, lists), else kept as a string. */
    static void set(ObjectNode tree, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("--set needs key=value, got '" + assignment + "'");
        String key = assignment.substring(0, eq).trim();
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            JsonNode child = node.get(parts[i]);
            if (child == null) throw new IllegalArgumentException("--set " + key + ": unknown key '" + path + parts[i]
                    + "'; known here: " + names(node, path.toString()));
            if (i == parts.length - 1) {
                if (child.isObject()) throw new IllegalArgumentException("--set " + key + ": is a section; set one of "
                        + names((ObjectNode) child, key + "."));
                node.set(parts[i], parse(assignment.substring(eq + 1)));
            } else {
                if (!child.isObject()) throw new IllegalArgumentException("--set " + key + ": '" + path + parts[i] + "' is not a section");
                node = (ObjectNode) child;
                path.append(parts[i]).append('.');
            }
        }
    }

    private static JsonNode parse(String raw) {
        if (raw.isEmpty()) return JsonNodeFactory.instance.textNode("");
        try {
            JsonNode n = YAML.readTree(raw);
            return n == null || n.isMissingNode() ? JsonNodeFactory.instance.textNode(raw) : n;
        } catch (IOException e) {
            return JsonNodeFactory.instance.textNode(raw);
        }
    }

    private static String names(ObjectNode node, String prefix) {
        List<String> out = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(n -> out.add(prefix + n));
        return String.join(", ", out);
    }

}

package rlhf4j.data.prepare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Defaults, then a JSON file, then {@code key=value} overrides (dotted keys); unknown keys are errors. */
public final class ConfigLoader {
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ConfigLoader() {}

    public static PrepareConfig load(Path file, List<String> overrides) throws IOException {
        ObjectNode tree = JSON.valueToTree(PrepareConfig.defaults());
        if (file != null) {
            JsonNode user;
            try {
                user = JSON.readTree(file.toFile());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage());
            }
            if (!(user instanceof ObjectNode obj)) throw new IllegalArgumentException(file + ": the config must be a JSON object");
            merge(tree, obj, "", file.toString());
        }
        for (String kv : overrides) set(tree, kv);
        try {
            return JSON.treeToValue(tree, PrepareConfig.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String msg = cause instanceof JsonProcessingException j ? j.getOriginalMessage() : cause.getMessage();
            throw new IllegalArgumentException("bad config: " + msg);
        }
    }

    /** Copies {@code from} into {@code into}; every key must already exist there (i.e. in the defaults). */
    private static void merge(ObjectNode into, ObjectNode from, String prefix, String origin) {
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            JsonNode current = into.get(e.getKey());
            if (current == null) throw new IllegalArgumentException(origin + ": unknown config key '" + key + "'; known here: " + names(into, prefix));
            if (current instanceof ObjectNode c && e.getValue() instanceof ObjectNode v) merge(c, v, key + ".", origin);
            else into.set(e.getKey(), e.getValue());
        }
    }

    /** {@code a.b.c=value}: value is read as JSON when it parses (numbers, booleans, lists), else as a string. */
    static void set(ObjectNode tree, String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("--set expects key=value, got '" + kv + "'");
        String key = kv.substring(0, eq).trim();
        String raw = kv.substring(eq + 1);
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            JsonNode child = node.get(parts[i]);
            if (child == null) throw new IllegalArgumentException("--set " + key + ": unknown key '" + path + parts[i] + "'; known here: " + names(node, path.toString()));
            if (i == parts.length - 1) {
                if (child instanceof ObjectNode) throw new IllegalArgumentException("--set " + key + ": is a section; set one of " + names((ObjectNode) child, key + "."));
                node.set(parts[i], parse(raw));
            } else {
                if (!(child instanceof ObjectNode obj)) throw new IllegalArgumentException("--set " + key + ": '" + path + parts[i] + "' is not a section");
                node = obj;
                path.append(parts[i]).append('.');
            }
        }
    }

    private static JsonNode parse(String raw) {
        try {
            JsonNode n = JSON.readTree(raw);
            return n == null || n.isMissingNode() ? JSON.getNodeFactory().textNode(raw) : n;
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(raw);
        }
    }

    private static String names(ObjectNode node, String prefix) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(n -> out.add(prefix + n));
        return String.join(", ", out);
    }

    public static String toJson(PrepareConfig config) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

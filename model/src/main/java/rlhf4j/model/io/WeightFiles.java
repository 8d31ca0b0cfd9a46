package rlhf4j.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of a model folder, in one {@code model.safetensors} or sharded as Hugging Face shards
 * them: {@code model.safetensors.index.json} whose {@code weight_map} names, for each tensor, the
 * shard file that holds it. Every shard is memory-mapped; values are read on demand.
 */
final class WeightFiles implements AutoCloseable {
    static final String INDEX = "model.safetensors.index.json";

    private final String description;
    private final List<Safetensors.Reader> readers = new ArrayList<>();
    private final Map<String, Safetensors.Reader> owner = new LinkedHashMap<>();
    private final Map<String, Safetensors.Entry> entries = new LinkedHashMap<>();

    private WeightFiles(String description) {
        this.description = description;
    }

    /** One safetensors file. */
    static WeightFiles ofFile(Path file) {
        WeightFiles w = new WeightFiles(file.toString());
        w.add(Safetensors.open(file));
        return w;
    }

    /** The folder's model.safetensors, or else the shards its index lists. */
    static WeightFiles ofFolder(Path dir) {
        Path single = dir.resolve(ModelIO.WEIGHTS);
        Path index = dir.resolve(INDEX);
        if (Files.exists(single) || !Files.exists(index)) {
            if (!Files.exists(single)) throw new IllegalArgumentException(dir + " has neither " + ModelIO.WEIGHTS
                    + " nor " + INDEX + " (other weight formats, such as pytorch_model.bin, are not read)");
            return ofFile(single);
        }
        Map<String, String> weightMap = readIndex(index);
        WeightFiles w = new WeightFiles(index.toString());
        try {
            Map<String, Safetensors.Reader> shards = new LinkedHashMap<>();
            for (String shard : new java.util.LinkedHashSet<>(weightMap.values())) {
                Path file = dir.resolve(shard).normalize();
                if (!file.startsWith(dir.normalize())) throw new IllegalArgumentException(
                        index + " names shard '" + shard + "' outside the folder");
                Safetensors.Reader r = Safetensors.open(file);
                shards.put(shard, r);
                w.add(r);
            }
            weightMap.forEach((name, shard) -> {
                if (!shards.get(shard).contains(name)) throw new IllegalArgumentException(
                        index + " places tensor '" + name + "' in " + shard + ", which does not hold it");
            });
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    private static Map<String, String> readIndex(Path index) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(index.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + index + ": " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) throw new IllegalArgumentException(index + " has no 'weight_map' object");
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            var e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private void add(Safetensors.Reader r) {
        readers.add(r);
        for (Safetensors.Entry e : r.entries().values()) {
            Safetensors.Reader before = owner.put(e.name(), r);
            if (before != null) throw new IllegalArgumentException("tensor '" + e.name() + "' is in both "
                    + before.file() + " and " + r.file());
            entries.put(e.name(), e);
        }
    }

    /** Where these weights come from (a file or an index), for messages. */
    String description() {
        return description;
    }

    Map<String, Safetensors.Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }

    boolean contains(String name) {
        return entries.containsKey(name);
    }

    Safetensors.Entry entry(String name) {
        Safetensors.Entry e = entries.get(name);
        if (e == null) throw new IllegalArgumentException(description + " has no tensor '" + name + "'");
        return e;
    }

    /** The file holding a tensor. */
    Path file(String name) {
        entry(name);
        return owner.get(name).file();
    }

    /** A tensor's values converted to float32 into out (F32, F16, BF16 or F64 on disk). */
    void readInto(Safetensors.Entry e, float[] out) {
        owner.get(e.name()).readInto(e, out);
    }

    @Override
    public void close() {
        for (Safetensors.Reader r : readers) r.close();
    }
}

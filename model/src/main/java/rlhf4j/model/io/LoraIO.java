package rlhf4j.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import rlhf4j.model.Family;
import rlhf4j.model.LoraAdapter;
import rlhf4j.model.LoraConfig;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;

/**
 * A LoRA run folder, laid out as PEFT lays one out: {@code adapter_model.safetensors} holds only
 * the adapters, named {@code base_model.model.<module>.lora_A.weight} [r, in] and
 * {@code ...lora_B.weight} [out, r] (plus {@code base_model.model.score.weight} for a reward or
 * value model), and {@code adapter_config.json} records r, alpha, the targets and the base folder
 * ({@code base_model_name_or_path}, relative to the run folder so runs/ can move as a whole).
 * {@code config.json} is the base's, so the folder reads like any model folder; {@link ModelIO#load}
 * loads the base and merges the adapters in.
 */
public final class LoraIO {
    public static final String ADAPTER_CONFIG = "adapter_config.json";
    public static final String ADAPTER_WEIGHTS = "adapter_model.safetensors";
    /** PEFT's prefix: the PeftModel's {@code base_model} (a LoraModel) wrapping the HF {@code model}. */
    public static final String PREFIX = "base_model.model.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoraIO() {
    }

    /** True when {@code dir} holds adapters rather than full weights. */
    public static boolean isAdapterFolder(Path dir) {
        return Files.exists(dir.resolve(ADAPTER_CONFIG));
    }

    // ---- save ----

    /** Writes a LoRA model's adapters (and the scalar head, when not null), its adapter config and its base's config.json. */
    public static void save(Transformer model, ScalarHead head, Path dir) {
        LoraConfig lora = model.lora();
        if (lora == null) throw new IllegalArgumentException("the model has no LoRA adapters to save");
        if (model.baseDir() == null) throw new IllegalArgumentException(
                "the LoRA model does not know its base folder; create it with withLora(..., baseDir)");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (LoraAdapter a : model.adapters().values()) {
            tensors.put(PREFIX + a.a().name(), a.a());
            tensors.put(PREFIX + a.b().name(), a.b());
        }
        if (head != null) tensors.put(PREFIX + ScalarHead.NAME, head.weight());
        Safetensors.write(dir.resolve(ADAPTER_WEIGHTS), tensors, Map.of("format", "pt"));

        ObjectNode adapter = JSON.createObjectNode();
        adapter.put("peft_type", "LORA");
        adapter.put("task_type", head != null ? "SEQ_CLS" : "CAUSAL_LM");
        adapter.put("base_model_name_or_path", relativeBase(dir, model.baseDir()));
        adapter.put("r", lora.r());
        if (lora.alpha() == Math.rint(lora.alpha())) adapter.put("lora_alpha", (long) lora.alpha()); // PEFT writes an int
        else adapter.put("lora_alpha", lora.alpha());
        ArrayNode targets = adapter.putArray("target_modules");
        lora.targets().forEach(targets::add);
        adapter.put("lora_dropout", 0.0);
        adapter.put("bias", "none");
        adapter.put("fan_in_fan_out", model.config().family() == Family.GPT2); // GPT-2's Conv1D base weights are [in, out]
        if (head != null) adapter.putArray("modules_to_save").add("score");
        AtomicFiles.writeString(dir.resolve(ADAPTER_CONFIG), adapter.toPrettyString() + "\n");

        ObjectNode config = model.config().toJson();
        if (head != null) {
            config.putArray("architectures").add(model.config().family() == Family.GPT2
                    ? "GPT2ForSequenceClassification" : "LlamaForSequenceClassification");
            config.put("num_labels", 1);
        }
        AtomicFiles.writeString(dir.resolve(ModelIO.CONFIG), config.toPrettyString() + "\n");
    }

    private static String relativeBase(Path dir, Path base) {
        Path from = dir.toAbsolutePath().normalize(), to = base.toAbsolutePath().normalize();
        try {
            return from.relativize(to).toString().replace('\\', '/');
        } catch (IllegalArgumentException e) {
            return to.toString(); // another drive or root: keep it absolute
        }
    }

    // ---- load ----

    /** The adapter settings in {@code dir}'s adapter_config.json. */
    public static LoraConfig readConfig(Path dir) {
        JsonNode o = readAdapterJson(dir);
        List<String> targets = new ArrayList<>();
        o.path("target_modules").forEach(t -> targets.add(t.asText()));
        return new LoraConfig(o.path("r").asInt(), o.path("lora_alpha").asDouble(), targets);
    }

    /** The base folder the adapters in {@code dir} were trained on. */
    public static Path baseDir(Path dir) {
        String base = readAdapterJson(dir).path("base_model_name_or_path").asText("");
        if (base.isEmpty()) throw new IllegalArgumentException(dir.resolve(ADAPTER_CONFIG) + " names no base_model_name_or_path");
        Path p = Path.of(base);
        Path resolved = p.isAbsolute() ? p : dir.resolve(p).normalize();
        if (!Files.isDirectory(resolved)) throw new IllegalArgumentException(dir.resolve(ADAPTER_CONFIG)
                + ": the base model folder '" + base + "' (" + resolved + ") is missing; the adapters need the weights they were trained on");
        return resolved;
    }

    /** The base (itself merged, when it was a LoRA run too) with this folder's adapters attached and trainable. */
    public static Transformer loadWithAdapters(Path dir) {
        Path base = baseDir(dir);
        Transformer model = ModelIO.load(base).withLora(readConfig(dir), new Rng(0), base);
        loadAdapters(model, dir);
        return model;
    }

    /** A plain model: base weights + (alpha/r)·B·A. */
    public static Transformer loadMerged(Path dir) {
        return loadWithAdapters(dir).merged();
    }

    /** Fills a LoRA model's adapters from {@code dir} (resume), checking every name and shape. */
    public static void loadAdapters(Transformer model, Path dir) {
        Path file = dir.resolve(ADAPTER_WEIGHTS);
        try (Safetensors.Reader r = Safetensors.open(file)) {
            Map<String, Safetensors.Entry> unused = new LinkedHashMap<>(r.entries());
            unused.remove(PREFIX + ScalarHead.NAME);
            for (LoraAdapter a : model.adapters().values()) {
                for (Tensor t : new Tensor[] {a.a(), a.b()}) {
                    String name = PREFIX + t.name();
                    if (!r.contains(name)) throw new IllegalArgumentException(file + " lacks '" + name
                            + "'; its adapter_config.json targets differ from this model's");
                    Safetensors.Entry e = r.entry(name);
                    if (!Arrays.equals(e.shape(), t.shape())) throw new IllegalArgumentException(file + ": tensor '" + name
                            + "' has shape " + Arrays.toString(e.shape()) + ", the adapter needs " + Arrays.toString(t.shape()));
                    r.readInto(e, t.data());
                    unused.remove(name);
                }
            }
            if (!unused.isEmpty()) throw new IllegalArgumentException(file + " has tensor '" + unused.keySet().iterator().next()
                    + "' that this model's adapters do not have (all unexpected: " + unused.keySet() + ")");
        }
    }

    private static JsonNode readAdapterJson(Path dir) {
        Path file = dir.resolve(ADAPTER_CONFIG);
        try {
            JsonNode o = JSON.readTree(file.toFile());
            if (!"LORA".equals(o.path("peft_type").asText("LORA"))) throw new IllegalArgumentException(
                    file + ": peft_type '" + o.path("peft_type").asText() + "' is not supported, only LORA");
            return o;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}

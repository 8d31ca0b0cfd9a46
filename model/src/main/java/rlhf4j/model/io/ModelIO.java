package rlhf4j.model.io;

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
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.model.TransformerConfig;
import rlhf4j.tensor.Tensor;

/**
 * A model folder as Hugging Face lays it out: {@code config.json} and {@code model.safetensors}
 * with HF's tensor names (GPT-2's Conv1D weights stored [in, out]; a tied LM head stored once).
 * Loading checks every name and shape and names the offending tensor when one is wrong. Besides
 * our own run folders it reads folders {@code transformers} writes for GPT2LMHeadModel,
 * LlamaForCausalLM, MistralForCausalLM (no sliding window) and Qwen2ForCausalLM: weights in F32,
 * F16 or BF16 (converted to float32), in one file or sharded with {@code model.safetensors.index.json}.
 */
public final class ModelIO {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";

    private ModelIO() {
    }

    // ---- save ----

    public static void save(Transformer model, Path dir) {
        save(model, null, dir);
    }

    /** Saves a model, with a scalar head (reward/value model, as HF *ForSequenceClassification) when not null. */
    public static void save(Transformer model, ScalarHead head, Path dir) {
        TransformerConfig config = model.config();
        ObjectNode json = config.toJson();
        if (head != null) {
            json.putArray("architectures").add(sequenceClassification(config));
            json.put("num_labels", 1);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            tensors.put(e.getKey(), model.storedTransposed(e.getKey()) ? transpose(e.getValue()) : e.getValue());
        }
        if (head != null) tensors.put(ScalarHead.NAME, head.weight());
        Safetensors.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
        // the config goes last: a folder with a config.json is a complete one
        AtomicFiles.writeString(dir.resolve(CONFIG), json.toPrettyString() + "\n");
    }

    private static String sequenceClassification(TransformerConfig config) {
        return config.architecture().replace("LMHeadModel", "ForSequenceClassification").replace("ForCausalLM", "ForSequenceClassification");
    }

    // ---- load ----

    public static TransformerConfig readConfig(Path dir) {
        Path file = dir.resolve(CONFIG);
        try {
            return TransformerConfig.fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads config.json and the weights (model.safetensors, or the shards of its index) from {@code dir};
     * a LoRA run folder (adapter_config.json) gives its base with the adapters merged in (see {@link LoraIO}).
     */
    public static Transformer load(Path dir) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + " is not a model folder (no such directory)");
        if (LoraIO.isAdapterFolder(dir)) return LoraIO.loadMerged(dir);
        Transformer model = Transformer.uninitialized(readConfig(dir));
        try (WeightFiles w = WeightFiles.ofFolder(dir)) {
            loadWeights(model, w);
        }
        return model;
    }

    /** The {@code score.weight} head saved next to a model by {@link #save(Transformer, ScalarHead, Path)}. */
    public static ScalarHead loadScalarHead(Path dir, int dModel) {
        // a LoRA run keeps its head beside the adapters, under PEFT's prefix
        boolean lora = LoraIO.isAdapterFolder(dir);
        String name = lora ? LoraIO.PREFIX + ScalarHead.NAME : ScalarHead.NAME;
        try (Safetensors.Reader r = Safetensors.open(dir.resolve(lora ? LoraIO.ADAPTER_WEIGHTS : WEIGHTS))) {
            if (!r.contains(name)) throw new IllegalArgumentException(
                    r.file() + " has no '" + name + "': it is not a reward or value model");
            ScalarHead head = new ScalarHead(dModel);
            readParameter(r, r.entry(name), head.weight(), false);
            return head;
        }
    }

    /**
     * Fills every parameter of {@code model} from a safetensors file. Names may lack the
     * {@code transformer.}/{@code model.} prefix (checkpoints saved from a bare GPT2Model/LlamaModel).
     * Known non-parameter buffers, a duplicate of a tied head and {@code score.weight} are skipped;
     * any other extra tensor, a missing one or a wrong shape is an error naming the tensor.
     */
    public static void loadWeights(Transformer model, Path file) {
        try (WeightFiles w = WeightFiles.ofFile(file)) {
            loadWeights(model, w);
        }
    }

    private static void loadWeights(Transformer model, WeightFiles r) {
        String file = r.description();
        Map<String, Safetensors.Entry> unused = new LinkedHashMap<>(r.entries());
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            String name = e.getKey();
            String stored = storedName(r, name);
            if (stored == null) {
                missing.add(name);
                continue;
            }
            readParameter(r, r.entry(stored), e.getValue(), model.storedTransposed(name));
            unused.remove(stored);
        }
        if (!missing.isEmpty()) throw new IllegalArgumentException(file + " lacks " + missing.size()
                + " tensor(s) the " + model.config().modelType() + " config needs, e.g. '" + missing.get(0)
                + "'" + (missing.size() > 1 ? " (all: " + missing + ")" : ""));
        if (model.config().tiedEmbeddings()) {
            Safetensors.Entry head = unused.remove("lm_head.weight");
            if (head != null && !Arrays.equals(head.shape(), model.lmHead().shape())) throw new IllegalArgumentException(
                    file + ": tensor 'lm_head.weight' has shape " + Arrays.toString(head.shape())
                            + " but the tied head is " + Arrays.toString(model.lmHead().shape()));
        }
        unused.keySet().removeIf(ModelIO::ignorable);
        if (!unused.isEmpty()) throw new IllegalArgumentException(file + " has tensor '" + unused.keySet().iterator().next()
                + "' that this " + model.config().modelType() + " model does not have"
                + (unused.size() > 1 ? " (all unexpected: " + unused.keySet() + ")" : "")
                + "; check config.json against the weights");
    }

    private static String storedName(WeightFiles r, String name) {
        if (r.contains(name)) return name;
        for (String prefix : new String[] {"transformer.", "model."}) {
            if (name.startsWith(prefix) && r.contains(name.substring(prefix.length()))) return name.substring(prefix.length());
        }
        return null;
    }

    /** Buffers some exporters save that are not parameters (GPT-2's causal mask, Llama's inverse frequencies). */
    private static boolean ignorable(String name) {
        return name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias") || name.endsWith("rotary_emb.inv_freq")
                || name.equals(ScalarHead.NAME);
    }

    private static void readParameter(Safetensors.Reader r, Safetensors.Entry e, Tensor p, boolean transposed) {
        readParameter(r.file().toString(), r::readInto, e, p, transposed);
    }

    private static void readParameter(WeightFiles r, Safetensors.Entry e, Tensor p, boolean transposed) {
        readParameter(r.file(e.name()).toString(), r::readInto, e, p, transposed);
    }

    /** Reads one tensor into a parameter, transposing GPT-2's Conv1D [in, out] layout on the way. */
    private static void readParameter(String file, java.util.function.BiConsumer<Safetensors.Entry, float[]> read,
                                      Safetensors.Entry e, Tensor p, boolean transposed) {
        checkShape(file, e, p, transposed);
        if (!transposed) {
            read.accept(e, p.data());
        } else {
            float[] tmp = new float[e.size()];
            read.accept(e, tmp);
            transposeInto(tmp, e.shape()[0], e.shape()[1], p.data());
        }
    }

    private static void checkShape(String file, Safetensors.Entry e, Tensor p, boolean transposed) {
        int[] want = p.shape();
        int[] onDisk = transposed ? new int[] {want[1], want[0]} : want;
        if (!Arrays.equals(e.shape(), onDisk)) throw new IllegalArgumentException(file + ": tensor '" + e.name()
                + "' has shape " + Arrays.toString(e.shape()) + ", the config needs " + Arrays.toString(onDisk)
                + (transposed ? " (GPT-2 Conv1D layout [in, out])" : ""));
    }

    /** [rows, cols] → a new [cols, rows] tensor. */
    public static Tensor transpose(Tensor t) {
        if (t.rank() != 2) throw new IllegalArgumentException("transpose needs a matrix, got " + Arrays.toString(t.shape()));
        float[] out = new float[t.size()];
        transposeInto(t.data(), t.dim(0), t.dim(1), out);
        return Tensor.of(out, t.dim(1), t.dim(0));
    }

    private static void transposeInto(float[] src, int rows, int cols, float[] dst) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) dst[j * rows + i] = src[i * cols + j];
        }
    }
}

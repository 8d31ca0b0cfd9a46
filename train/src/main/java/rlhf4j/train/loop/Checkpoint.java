package rlhf4j.train.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.io.AtomicFiles;
import rlhf4j.model.io.LoraIO;
import rlhf4j.model.io.ModelIO;
import rlhf4j.model.io.Safetensors;
import rlhf4j.tensor.Tensor;
import rlhf4j.train.optim.AdamW;

/**
 * A run folder's resumable state: model.safetensors (with the stage's scalar head, if any) + config.json, optimizer.safetensors (AdamW
 * moments) and trainer_state.json. Each file is written atomically; trainer_state.json goes last
 * and records the checksums of the other two, so a checkpoint cut short by a crash is detected
 * on resume instead of silently mixing two steps.
 */
public final class Checkpoint {
    public static final String STATE = "trainer_state.json";
    public static final String OPTIMIZER = "optimizer.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What trainer_state.json holds besides the checksums. */
    public record State(long step, long optimizerSteps, int badSteps, JsonNode stageState) {
    }

    private Checkpoint() {
    }

    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve(STATE));
    }

    public static void save(Path dir, Stage stage, AdamW optimizer, State state) {
        boolean lora = stage.model().lora() != null;
        if (lora) {
            LoraIO.save(stage.model(), stage.scalarHead(), dir); // only the adapters (and head); the base stays where it is
        } else {
            deleteIfExists(dir.resolve(LoraIO.ADAPTER_CONFIG)); // a stale one would make loaders read adapters instead
            ModelIO.save(stage.model(), stage.scalarHead(), dir);
        }
        Map<String, Tensor> moments = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Tensor p : optimizer.params()) shapes.put(p.name(), p.shape());
        for (Map.Entry<String, float[]> e : optimizer.state().entrySet()) {
            String param = e.getKey().substring(e.getKey().indexOf('.') + 1);
            moments.put(e.getKey(), Tensor.of(e.getValue(), shapes.get(param)));
        }
        Safetensors.write(dir.resolve(OPTIMIZER), moments, Map.of("step", Long.toString(state.step())));
        ObjectNode o = JSON.createObjectNode();
        o.put("step", state.step());
        o.put("optimizer_steps", state.optimizerSteps());
        o.put("bad_steps", state.badSteps());
        o.put("stage", stage.name());
        o.set("stage_state", state.stageState());
        ObjectNode sums = o.putObject("checksums");
        sums.put(weightsFile(lora), crc(dir.resolve(weightsFile(lora))));
        sums.put(OPTIMIZER, crc(dir.resolve(OPTIMIZER)));
        try {
            AtomicFiles.writeString(dir.resolve(STATE), JSON.writeValueAsString(o));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads weights into the stage's model and moments into the optimizer; returns the saved state. */
    public static State load(Path dir, Stage stage, AdamW optimizer) {
        JsonNode o;
        try {
            o = JSON.readTree(dir.resolve(STATE).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(STATE), e);
        }
        boolean lora = stage.model().lora() != null;
        if (lora != LoraIO.isAdapterFolder(dir)) throw new IllegalStateException(dir + " holds a "
                + (lora ? "full model" : "LoRA adapter") + " checkpoint but this run " + (lora ? "uses" : "does not use")
                + " LoRA; resume with the same lora settings or start a new run folder");
        for (String f : List.of(weightsFile(lora), OPTIMIZER)) {
            long want = o.path("checksums").path(f).asLong(-1);
            if (want != crc(dir.resolve(f))) throw new IllegalStateException(dir.resolve(f)
                    + " does not match trainer_state.json (the last checkpoint was cut short); "
                    + "start the run again without --resume or restore the folder from a backup");
        }
        if (lora) LoraIO.loadAdapters(stage.model(), dir);
        else ModelIO.loadWeights(stage.model(), dir.resolve(ModelIO.WEIGHTS));
        ScalarHead head = stage.scalarHead();
        if (head != null) {
            float[] saved = ModelIO.loadScalarHead(dir, head.dModel()).weight().data();
            System.arraycopy(saved, 0, head.weight().data(), 0, saved.length);
        }
        Map<String, float[]> moments = new LinkedHashMap<>();
        try (Safetensors.Reader r = Safetensors.open(dir.resolve(OPTIMIZER))) {
            for (String name : r.entries().keySet()) moments.put(name, r.floats(name));
        }
        long optSteps = o.path("optimizer_steps").asLong();
        optimizer.restore(moments, optSteps);
        return new State(o.path("step").asLong(), optSteps, o.path("bad_steps").asInt(), o.path("stage_state"));
    }

    private static String weightsFile(boolean lora) {
        return lora ? LoraIO.ADAPTER_WEIGHTS : ModelIO.WEIGHTS;
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }

    static long crc(Path file) {
        if (!Files.exists(file)) return -2;
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) crc.update(buf, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return crc.getValue();
    }
}

package rlhf4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.ModelIO;
import rlhf4j.model.io.Safetensors;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/**
 * {@code rlhf4j check-logits}: loads a model folder and compares its logits for fixed token ids
 * with reference logits computed elsewhere (interop/make_hf_fixtures.py writes them as
 * logits.safetensors: ids [B, T] and logits [B·T, V]). Prints one JSON line: the largest absolute
 * and relative difference, load and forward time, peak RSS. With {@code --write} it instead saves
 * its own logits for the reference's ids in the same layout, to compare another folder against
 * (a LoRA run and its export, say).
 */
@Command(name = "check-logits", mixinStandardHelpOptions = true,
        description = "Compare a model folder's logits with reference logits (ids and logits in a safetensors file).")
final class CheckLogitsCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model folder")
    Path model;
    @Option(names = "--logits", description = "reference file (default: MODEL/logits.safetensors)")
    Path logits;
    @Option(names = "--tolerance", defaultValue = "1e-3", description = "fail above this max abs difference (default: ${DEFAULT-VALUE})")
    double tolerance;
    @Option(names = "--write", paramLabel = "FILE", description = "instead of comparing, write the reference's ids "
            + "and this model's logits for them to FILE (the same layout), to check another folder against later")
    Path write;

    @Override
    public Integer call() {
        Path reference = logits != null ? logits : model.resolve("logits.safetensors");
        long t0 = System.nanoTime();
        Transformer m = ModelIO.load(model);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        int[] ids;
        int batch, seqLen;
        float[] expected;
        try (Safetensors.Reader r = Safetensors.open(reference)) {
            ids = ids(r);
            batch = r.entry("ids").shape()[0];
            seqLen = r.entry("ids").shape()[1];
            expected = r.floats("logits");
        }
        long t1 = System.nanoTime();
        float[] actual;
        try (AutoCloseable ignored = Tape.noGrad()) {
            Tensor out = m.logits(m.hidden(ids, batch, seqLen, null));
            actual = out.data();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        double forwardSeconds = (System.nanoTime() - t1) / 1e9;
        if (write != null) {
            float[] idValues = new float[ids.length];
            for (int i = 0; i < ids.length; i++) idValues[i] = ids[i];
            Map<String, Tensor> out = new LinkedHashMap<>();
            out.put("ids", Tensor.of(idValues, batch, seqLen));
            out.put("logits", Tensor.of(actual, batch * seqLen, actual.length / (batch * seqLen)));
            Safetensors.write(write, out, Map.of("ids", "token ids stored as F32 (exact below 2^24)"));
            System.out.printf("{\"model\": \"%s\", \"architecture\": \"%s\", \"parameters\": %d, \"tokens\": %d, "
                            + "\"wrote\": \"%s\", \"load_s\": %.2f, \"forward_s\": %.2f, \"peak_rss_mb\": %d}%n",
                    model, m.config().architecture(), m.parameterCount(), ids.length, write, loadSeconds, forwardSeconds,
                    Rss.peakMb());
            return 0;
        }
        if (actual.length != expected.length) throw new IllegalArgumentException("the model gives " + actual.length
                + " logits, the reference holds " + expected.length);
        double maxAbs = 0, maxRel = 0, maxRef = 0;
        for (int i = 0; i < actual.length; i++) {
            double diff = Math.abs((double) actual[i] - expected[i]);
            maxAbs = Math.max(maxAbs, diff);
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
            maxRel = Math.max(maxRel, diff / Math.max(1e-3, Math.abs(expected[i])));
        }
        System.out.printf("{\"model\": \"%s\", \"architecture\": \"%s\", \"parameters\": %d, \"tokens\": %d, "
                        + "\"max_abs_diff\": %.3e, \"max_rel_diff\": %.3e, \"max_abs_logit\": %.3f, \"load_s\": %.2f, "
                        + "\"forward_s\": %.2f, \"peak_rss_mb\": %d}%n",
                model, m.config().architecture(), m.parameterCount(), ids.length, maxAbs, maxRel, maxRef, loadSeconds,
                forwardSeconds, Rss.peakMb());
        return maxAbs <= tolerance ? 0 : 1;
    }

    /** The reference's token ids: I32 or I64 as Python writes them, or F32 as {@code --write} does. */
    private static int[] ids(Safetensors.Reader r) {
        if (!r.entry("ids").dtype().equals("F32")) return r.ints("ids");
        float[] values = r.floats("ids");
        int[] ids = new int[values.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) values[i];
            if (ids[i] != values[i]) throw new IllegalArgumentException(r.file() + ": id " + values[i] + " is not an integer");
        }
        return ids;
    }
}

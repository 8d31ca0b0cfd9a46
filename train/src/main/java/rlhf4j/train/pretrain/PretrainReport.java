package rlhf4j.train.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.AtomicFiles;
import rlhf4j.train.loop.Charts;
import rlhf4j.train.loop.MetricsLog;
import rlhf4j.train.loop.Trainer;

/** The run folder's report.md and loss chart: what a person opens after pretraining. */
public final class PretrainReport {
    private PretrainReport() {
    }

    public static void write(Path dir, Transformer model, PretrainConfig cfg, Trainer.Outcome outcome, List<String> samples) {
        Path metrics = dir.resolve("metrics.jsonl");
        boolean lossChart = Charts.lines(metrics, dir.resolve("loss.png"), "Pretraining loss", "loss (nats/token)", "loss", "val_loss");
        Charts.lines(metrics, dir.resolve("throughput.png"), "Training throughput", "tokens/s", "tokens_per_s");
        // the first window includes JIT warm-up, so it is left out of the median
        double[] windows = MetricsLog.read(metrics).stream().map(r -> r.get("tokens_per_s")).filter(v -> v != null && v.isNumber())
                .mapToDouble(JsonNode::asDouble).skip(1).sorted().toArray();
        double tokS = windows.length == 0 ? Double.NaN : windows[windows.length / 2];
        StringBuilder md = new StringBuilder();
        md.append("# Pretraining report\n\n");
        md.append(String.format("- model: %s, %,d parameters (d_model %d, %d layers, %d heads), vocabulary %d%n",
                model.config().family().toString().toLowerCase(), model.parameterCount(), model.config().dModel(),
                model.config().nLayers(), model.config().nHeads(), model.config().vocabSize()));
        md.append(String.format("- data: %s, batch %d × %d tokens × %d accumulation%n", cfg.data().dir(),
                cfg.data().batch(), cfg.model().seqLen(), cfg.train().gradAccum()));
        md.append(String.format("- steps: %d in %.0f s, %,.0f tokens/s on %d threads (median of logged windows after the first)%n",
                outcome.steps(), outcome.seconds(), tokS, rlhf4j.tensor.Parallel.threads()));
        for (Map.Entry<String, Double> e : outcome.finalEval().entrySet()) {
            md.append(String.format("- %s: %.4f%n", e.getKey(), e.getValue()));
        }
        if (lossChart) md.append("\n![loss](loss.png)\n");
        md.append("\n## Samples\n\n");
        for (String s : samples) md.append("> ").append(s.replace("\n", "\n> ")).append("\n\n");
        md.append("Config: `pretrain_config.json`; per-step metrics: `metrics.jsonl`.\n");
        AtomicFiles.writeString(dir.resolve("report.md"), md.toString());
    }
}

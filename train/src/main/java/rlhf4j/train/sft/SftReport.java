package rlhf4j.train.sft;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.AtomicFiles;
import rlhf4j.train.eval.ChatEval;
import rlhf4j.train.loop.Charts;
import rlhf4j.train.loop.Trainer;

/** The sft run folder's report.md: the model before and after fine-tuning, side by side. */
public final class SftReport {
    private SftReport() {
    }

    private static final String[][] ROWS = {
            {"val_loss", "held-out SFT loss (nats/token)"},
            {"greedy_accuracy", "greedy: exact-fact accuracy, all questions"},
            {"greedy_stated_accuracy", "greedy: accuracy on facts the corpus states"},
            {"greedy_score", "greedy: judge's mean score"},
            {"greedy_stop_rate", "greedy: stop rate (said <\\|end\\|>)"},
            {"sampled_accuracy", "sampled: exact-fact accuracy, all questions"},
            {"sampled_stated_accuracy", "sampled: accuracy on facts the corpus states"},
            {"sampled_score", "sampled: judge's mean score"},
            {"sampled_stop_rate", "sampled: stop rate"},
    };

    /**
     * @param base  the init model's evaluation (flat, with "greedy_accuracy.TYPE" entries)
     * @param after the fine-tuned model's evaluation, same keys
     */
    public static void write(Path dir, Transformer model, SftConfig cfg, SftStage stage, Trainer.Outcome outcome,
                             Map<String, Double> base, Map<String, Double> after, ChatEval.Result last) {
        Charts.lines(dir.resolve("metrics.jsonl"), dir.resolve("loss.png"), "SFT loss", "loss (nats/token)", "loss", "val_loss");
        StringBuilder md = new StringBuilder("# Supervised fine-tuning report\n\n");
        md.append(String.format("- from: %s (%,d parameters, d_model %d, %d layers)%n", cfg.model().initFrom(),
                model.parameterCount(), model.config().dModel(), model.config().nLayers()));
        md.append(String.format("- data: %s — %d conversations trained on, %d held out%s; %s rows of %d tokens, batch %d × %d accumulation%n",
                cfg.data().train(), stage.trainExamples(), stage.valExamples(),
                stage.truncatedExamples() > 0 ? ", " + stage.truncatedExamples() + " cut to fit a row" : "",
                cfg.data().pack() ? "packed" : "one conversation per", stage.seqLen(), cfg.data().batch(), cfg.train().gradAccum()));
        md.append(String.format("- steps: %d in %.0f s (lr %.1e, %s schedule)%n", outcome.steps(), outcome.seconds(),
                cfg.train().lr(), cfg.train().schedule()));
        if (!cfg.eval().world().isEmpty()) {
            md.append(String.format("- evaluation: held-out questions of %s, answers up to %d tokens, sampled at temperature %.2f%s%n",
                    cfg.eval().world(), cfg.eval().maxNewTokens(), cfg.eval().temperature(),
                    cfg.eval().topK() > 0 ? ", top-k " + cfg.eval().topK() : ""));
        }
        md.append("\n| | base (pretrained) | after SFT |\n|---|---:|---:|\n");
        for (String[] row : ROWS) {
            if (!base.containsKey(row[0]) && !after.containsKey(row[0])) continue;
            md.append("| ").append(row[1]).append(" | ").append(fmt(row[0], base.get(row[0]))).append(" | ")
                    .append(fmt(row[0], after.get(row[0]))).append(" |\n");
        }
        TreeSet<String> types = new TreeSet<>();
        for (String k : after.keySet()) if (k.startsWith("greedy_accuracy.")) types.add(k.substring("greedy_accuracy.".length()));
        if (!types.isEmpty()) {
            md.append("\nGreedy accuracy by question type:\n\n| type | base | after SFT |\n|---|---:|---:|\n");
            for (String t : types) {
                String k = "greedy_accuracy." + t;
                md.append("| ").append(t).append(ChatEval.DERIVED.contains(t) ? " (arithmetic)" : "")
                        .append(" | ").append(fmt(k, base.get(k))).append(" | ").append(fmt(k, after.get(k))).append(" |\n");
            }
        }
        md.append("\n![loss](loss.png)\n");
        if (last != null) {
            md.append("\n## Answers after SFT\n\n");
            List<String[]> shown = new ArrayList<>(last.greedy().examples());
            for (String[] qa : shown) md.append("- **").append(qa[0]).append("** (greedy) ").append(qa[1]).append('\n');
            for (String[] qa : last.sampled().examples()) md.append("- **").append(qa[0]).append("** (sampled) ").append(qa[1]).append('\n');
        }
        md.append("\nConfig: `sft_config.json`; base model's evaluation: `base_eval.json`; per-step metrics: `metrics.jsonl`.\n");
        AtomicFiles.writeString(dir.resolve("report.md"), md.toString());
    }

    private static String fmt(String key, Double v) {
        if (v == null) return "—";
        return key.equals("val_loss") ? String.format("%.3f", v) : String.format("%.1f%%", 100 * v);
    }
}

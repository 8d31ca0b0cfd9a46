package rlhf4j.train.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import rlhf4j.model.io.AtomicFiles;
import rlhf4j.tensor.Parallel;
import rlhf4j.train.loop.Charts;
import rlhf4j.train.loop.MetricsLog;

/**
 * What a person opens after {@code rlhf4j pipeline}: {@code report.md} and {@code report.html}
 * (the table of what each stage added on the gold judge, the reward model's accuracy, PPO over
 * time, answers side by side, every stage's curves and speed, the machine and the config) and
 * {@code summary.json}, the same numbers for a program. Read from the stage folders, so it can be
 * written again at any time.
 */
public final class PipelineReport {
    /** The policies in the order the table shows them, with their names in the report. */
    private static final List<String[]> ROWS = List.of(new String[] {"base", "base (pretrained only)"},
            new String[] {"sft", "SFT"}, new String[] {"best_of_n", "best-of-n (SFT + reward model)"},
            new String[] {"ppo", "PPO (RLHF)"}, new String[] {"dpo", "DPO"}, new String[] {"grpo", "GRPO"});
    private static final ObjectMapper JSON = new ObjectMapper();

    private PipelineReport() {
    }

    /** Writes report.md, report.html, summary.json and charts/ under {@code out}; returns the summary. */
    public static ObjectNode write(Path out, Map<String, Double> seconds, String preset, String configJson) {
        JsonNode results = readJson(out.resolve("eval").resolve(PipelineEval.RESULTS));
        JsonNode stages = results.path("stages");
        JsonNode rm = lastWith(out.resolve("reward"), "val_gold_acc");
        JsonNode ppo = lastWith(out.resolve("ppo"), "kl");
        ObjectNode summary = summary(stages, rm, ppo, seconds, results);
        AtomicFiles.writeString(out.resolve("summary.json"), summary.toPrettyString() + "\n");

        charts(out);
        ReportDoc doc = new ReportDoc();
        double total = seconds.values().stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).sum();
        doc.heading(1, "rlhf4j pipeline report");
        doc.bullets(List.of("preset `" + preset + "`, folder `" + out + "`",
                String.format(Locale.ROOT, "time: %.0f s in all (stages' own times; see below)", total),
                "every stage's folder has its own report.md, config and metrics.jsonl"));

        doc.heading(2, "What each stage added");
        doc.para(String.format(Locale.ROOT, "The world's gold judge scores answers to the same %d held-out questions "
                        + "(score in [0, 1]: the right fact 0.6, a well-formed sentence 0.15, concise 0.15, a clean stop 0.1; "
                        + "accuracy: the right fact). Sampled at temperature %.1f, as best-of-n must be; greedy beside it.",
                results.path("questions").asInt(), results.path("temperature").asDouble()));
        List<List<String>> rows = new ArrayList<>();
        for (String[] r : ROWS) {
            JsonNode s = stages.get(r[0]);
            if (s == null) continue;
            String name = r[0].equals("best_of_n") ? "best-of-" + results.path("best_of_n").asInt() + " (SFT + reward model)" : r[1];
            rows.add(List.of(name, pct(s.path("sampled_score")), pct(s.path("sampled_accuracy")),
                    pct(s.path("greedy_score")), pct(s.path("greedy_accuracy"))));
        }
        doc.table(List.of("stage", "gold score (sampled)", "accuracy (sampled)", "gold score (greedy)", "accuracy (greedy)"), rows);
        doc.bullets(verdicts(stages));
        List<String> facts = new ArrayList<>();
        if (rm != null) facts.add(String.format(Locale.ROOT, "reward model: held-out accuracy %.1f%% against the gold ranking, "
                + "%.1f%% against the labelers' (noisy) ranking", 100 * rm.path("val_gold_acc").asDouble(), 100 * rm.path("val_acc").asDouble()));
        if (ppo != null) facts.add(String.format(Locale.ROOT, "PPO, last iteration: KL to the SFT model %.3f nats per answer, "
                + "reward-model score %.3f, gold score of its rollouts %.3f", ppo.path("kl").asDouble(),
                ppo.path("rm_score").asDouble(), ppo.path("gold_score").asDouble()));
        doc.bullets(facts);

        doc.heading(2, "The same questions, answered at each stage (greedy; best-of-n: its pick)");
        for (JsonNode ex : results.path("examples")) {
            List<List<String>> ans = new ArrayList<>();
            for (String[] r : ROWS) if (ex.path("answers").has(r[0])) ans.add(List.of(r[0], ex.path("answers").path(r[0]).asText()));
            doc.para("**" + ex.path("prompt").asText() + "**");
            doc.table(List.of("stage", "answer"), ans);
        }

        doc.heading(2, "Stages");
        List<List<String>> timing = new ArrayList<>();
        for (Map.Entry<String, Double> e : seconds.entrySet()) {
            timing.add(List.of(e.getKey(), Double.isFinite(e.getValue()) ? String.format(Locale.ROOT, "%.1f", e.getValue()) : "",
                    speed(out.resolve(e.getKey()))));
        }
        doc.table(List.of("stage", "seconds", "speed"), timing);
        stageSection(doc, out, "Pretraining", "pretrain", "val_loss", "charts/pretrain_loss.png");
        stageSection(doc, out, "Supervised fine-tuning", "sft", "val_loss", "charts/sft_loss.png");
        doc.heading(3, "Reward model");
        doc.image(out, "charts/reward_accuracy.png", "reward model accuracy");
        doc.heading(3, "PPO");
        doc.para("RM score: the reward model's (normalized) score of the rollouts; gold: the judge on the same answers. "
                + "When the RM score climbs while gold stalls, the policy is over-optimizing the reward model.");
        doc.image(out, "charts/ppo_reward.png", "PPO reward and gold score");
        doc.image(out, "charts/ppo_kl.png", "PPO KL");
        stageSection(doc, out, "DPO", "dpo", "val_loss", "charts/dpo.png");
        stageSection(doc, out, "GRPO", "grpo", "gold_score", "charts/grpo.png");

        doc.heading(2, "Machine, config, versions");
        Runtime rt = Runtime.getRuntime();
        doc.bullets(List.of(String.format(Locale.ROOT, "%d cores (%d compute threads), %.1f GiB heap limit, %s %s",
                        rt.availableProcessors(), Parallel.threads(), rt.maxMemory() / (1024.0 * 1024 * 1024),
                        System.getProperty("os.name"), System.getProperty("os.arch")),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), "
                        + "JVM flags " + ManagementFactory.getRuntimeMXBean().getInputArguments(),
                "rlhf4j " + version() + "; seed " + parse(configJson).path("seed").asText()
                        + "; the whole config: `pipeline_config.json` (each stage's: `configs/`)"));
        AtomicFiles.writeString(out.resolve("report.md"), doc.markdown());
        AtomicFiles.writeString(out.resolve("report.html"), doc.html("rlhf4j pipeline report", out));
        return summary;
    }

    private static ObjectNode summary(JsonNode stages, JsonNode rm, JsonNode ppo, Map<String, Double> seconds, JsonNode results) {
        ObjectNode s = JSON.createObjectNode();
        ObjectNode st = s.putObject("stages");
        for (String[] r : ROWS) {
            JsonNode v = stages.get(r[0]);
            if (v == null) continue;
            ObjectNode o = st.putObject(r[0]);
            o.put("gold_score", v.path("sampled_score").asDouble());
            o.put("accuracy", v.path("sampled_accuracy").asDouble());
            if (v.has("greedy_score")) {
                o.put("greedy_gold_score", v.path("greedy_score").asDouble());
                o.put("greedy_accuracy", v.path("greedy_accuracy").asDouble());
            }
        }
        ObjectNode r = s.putObject("reward_model");
        if (rm != null) {
            r.put("heldout_accuracy", rm.path("val_gold_acc").asDouble());
            r.put("heldout_accuracy_vs_labelers", rm.path("val_acc").asDouble());
        }
        ObjectNode p = s.putObject("ppo");
        if (ppo != null) p.put("kl", ppo.path("kl").asDouble());
        ObjectNode secs = s.putObject("seconds");
        // milliseconds kept: the quick stages (world, tokenizer) take well under a tenth of a second
        seconds.forEach((k, v) -> secs.put(k, Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : null));
        ObjectNode eval = s.putObject("eval");
        eval.put("questions", results.path("questions").asInt());
        eval.put("decoding", "sampled, temperature " + results.path("temperature").asDouble());
        eval.put("best_of_n", results.path("best_of_n").asInt());
        return s;
    }

    /** The three claims the pipeline exists to show, each with its numbers. */
    private static List<String> verdicts(JsonNode stages) {
        List<String> out = new ArrayList<>();
        verdict(out, stages, "sft", "base", "SFT beats the base model");
        verdict(out, stages, "best_of_n", "sft", "best-of-n beats SFT (the reward model points the right way)");
        verdict(out, stages, "ppo", "sft", "PPO beats SFT");
        verdict(out, stages, "dpo", "sft", "DPO beats SFT");
        verdict(out, stages, "grpo", "sft", "GRPO beats SFT");
        return out;
    }

    private static void verdict(List<String> out, JsonNode stages, String a, String b, String claim) {
        if (!stages.has(a) || !stages.has(b)) return;
        double x = stages.path(a).path("sampled_score").asDouble(), y = stages.path(b).path("sampled_score").asDouble();
        // a point or less is within the noise of a few hundred sampled answers
        String verdict = x - y > 0.01 ? "yes" : y - x > 0.01 ? "no" : "no clear difference";
        out.add(String.format(Locale.ROOT, "%s: **%s** (%.1f%% vs %.1f%%, sampled gold score)", claim, verdict, 100 * x, 100 * y));
    }

    private static void stageSection(ReportDoc doc, Path out, String title, String stage, String key, String chart) {
        if (!Files.exists(out.resolve(stage))) return;
        doc.heading(3, title);
        JsonNode last = lastWith(out.resolve(stage), key);
        if (last != null) doc.para(String.format(Locale.ROOT, "last %s: %.4f (step %d)", key, last.path(key).asDouble(), last.path("step").asLong()));
        doc.image(out, chart, title);
    }

    private static void charts(Path out) {
        Path c = out.resolve("charts");
        plot(out, "pretrain", c.resolve("pretrain_loss.png"), "Pretraining loss", "nats/token", "loss", "val_loss");
        plot(out, "sft", c.resolve("sft_loss.png"), "SFT loss (assistant tokens)", "nats/token", "loss", "val_loss");
        plot(out, "reward", c.resolve("reward_accuracy.png"), "Reward model: pairwise accuracy", "accuracy",
                "train_acc", "val_acc", "val_gold_acc");
        plot(out, "ppo", c.resolve("ppo_reward.png"), "PPO rollouts: reward-model score and gold score", "score", "rm_score", "gold_score");
        plot(out, "ppo", c.resolve("ppo_kl.png"), "PPO: KL to the SFT model", "nats per answer", "kl");
        plot(out, "dpo", c.resolve("dpo.png"), "DPO: loss and preference accuracy", "", "loss", "reward_accuracy");
        plot(out, "grpo", c.resolve("grpo.png"), "GRPO: reward, gold score and KL", "", "reward_mean", "gold_score", "kl");
    }

    private static void plot(Path out, String stage, Path png, String title, String y, String... metrics) {
        Path m = out.resolve(stage).resolve("metrics.jsonl");
        if (Files.exists(m)) Charts.lines(m, png, title, y, metrics);
    }

    /** The median of a stage's logged throughput (after the first window, which holds JIT warm-up). */
    private static String speed(Path dir) {
        Path m = dir.resolve("metrics.jsonl");
        if (!Files.exists(m)) return "";
        for (String key : List.of("tokens_per_s", "train_tokens_per_s")) {
            double[] v = MetricsLog.read(m).stream().map(r -> r.get(key)).filter(x -> x != null && x.isNumber())
                    .mapToDouble(JsonNode::asDouble).skip(1).sorted().toArray();
            if (v.length > 0) return String.format(Locale.ROOT, "%,.0f %s", v[v.length / 2], key.startsWith("train") ? "trained tokens/s" : "tokens/s");
        }
        return "";
    }

    /** The last metrics.jsonl row of a run folder that has {@code key}, or null. */
    static JsonNode lastWith(Path dir, String key) {
        Path m = dir.resolve("metrics.jsonl");
        if (!Files.exists(m)) return null;
        JsonNode last = null;
        for (JsonNode r : MetricsLog.read(m)) if (r.has(key) && r.get(key).isNumber()) last = r;
        return last;
    }

    private static JsonNode readJson(Path f) {
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + " (has the eval stage run?)", e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pct(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%.1f%%", 100 * v.asDouble()) : "";
    }

    private static String version() {
        String v = PipelineReport.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}

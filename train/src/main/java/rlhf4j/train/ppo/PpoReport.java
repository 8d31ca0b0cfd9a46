package rlhf4j.train.ppo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import rlhf4j.model.io.AtomicFiles;
import rlhf4j.train.loop.Charts;
import rlhf4j.train.loop.MetricsLog;

/** The ppo run folder's report.md and charts: SFT vs PPO on held-out questions, the KL paid, where the time went. */
public final class PpoReport {
    private PpoReport() {
    }

    private static final String[][] ROWS = {
            {"greedy_score", "greedy: judge's mean score"},
            {"greedy_accuracy", "greedy: exact-fact accuracy"},
            {"greedy_stated_accuracy", "greedy: accuracy on facts the corpus states"},
            {"greedy_stop_rate", "greedy: stop rate"},
            {"sampled_score", "sampled: judge's mean score"},
            {"sampled_accuracy", "sampled: exact-fact accuracy"},
            {"sampled_stated_accuracy", "sampled: accuracy on facts the corpus states"},
            {"sampled_stop_rate", "sampled: stop rate"},
    };

    public static void write(Path dir, PpoConfig cfg, PpoTrainer.Outcome outcome, long peakRssMb) {
        Path metrics = dir.resolve("metrics.jsonl");
        List<JsonNode> rows = MetricsLog.read(metrics);
        Charts.lines(metrics, dir.resolve("reward.png"), "reward of the rollouts", "score", "rm_score", "gold_score");
        Charts.lines(metrics, dir.resolve("kl.png"), "KL to the reference (nats per answer)", "nats", "kl");
        Charts.lines(metrics, dir.resolve("eval.png"), "held-out questions: gold judge", "score", "greedy_score", "sampled_score");
        Charts.lines(metrics, dir.resolve("ppo.png"), "PPO diagnostics", "value", "clip_fraction", "approx_kl", "entropy",
                "explained_variance");
        overOptimization(rows, dir.resolve("reward_vs_kl.png"));

        JsonNode base = null, last = null, lastIter = null;
        double gen = 0, train = 0, genTok = 0, trainTok = 0;
        int n = 0;
        for (JsonNode r : rows) {
            if (r.has("greedy_score")) {
                if (base == null) base = r;
                last = r;
            }
            if (r.has("rm_score")) {
                lastIter = r;
                gen = r.path("gen_seconds_total").asDouble();
                train = r.path("train_seconds_total").asDouble();
                genTok += r.path("gen_tokens_per_s").asDouble();
                trainTok += r.path("train_tokens_per_s").asDouble();
                n++;
            }
        }
        StringBuilder md = new StringBuilder("# PPO report\n\n");
        md.append(String.format("- policy: %s (reference: a frozen copy of it); reward model: %s (value model starts from it)%n",
                cfg.model().policy(), cfg.model().reward()));
        md.append(String.format("- %d iterations of %d prompts (%s), answers up to %d tokens at temperature %.2f%n",
                outcome.iterations(), cfg.rollout().prompts(), cfg.data().prompts(), cfg.rollout().maxNew(), cfg.rollout().temperature()));
        md.append(String.format("- PPO: %d epochs × minibatches of %d answers, ε %.2f, value ε %.2f, γ %.2f, λ %.2f, lr %.1e (policy) / %.1e (value)%n",
                cfg.ppo().epochs(), cfg.ppo().minibatch(), cfg.ppo().clip(), cfg.ppo().valueClip(), cfg.ppo().gamma(),
                cfg.ppo().lambda(), cfg.ppo().policyLr(), cfg.ppo().valueLr()));
        if (cfg.ppo().valueWarmup() > 0) md.append(String.format("- value warm-up: the policy waited %d iterations while the value model learned%n", cfg.ppo().valueWarmup()));
        md.append(String.format("- KL penalty: β %.3f%s; reward normalized: %s, clip ±%.1f, unfinished answer penalty %.2f%n",
                cfg.kl().beta(), cfg.kl().target() > 0 ? String.format(" adaptive toward %.2f nats", cfg.kl().target()) : " fixed",
                cfg.reward().normalize(), cfg.reward().clip(), cfg.reward().unfinishedPenalty()));
        md.append(String.format("- time: %.0f s in all; generation %.0f s (%.0f%%), training %.0f s (%.0f%%); mean %.0f generated tokens/s, %.0f trained tokens/s%n",
                outcome.seconds(), gen, 100 * gen / Math.max(1e-9, gen + train), train, 100 * train / Math.max(1e-9, gen + train),
                genTok / Math.max(1, n), trainTok / Math.max(1, n)));
        if (peakRssMb > 0) md.append(String.format("- peak RSS: %d MiB (four models)%n", peakRssMb));
        if (lastIter != null) {
            md.append(String.format("- last iteration: RM score %.3f, gold score %.3f, KL %.3f nats/answer, entropy %.3f, clip fraction %.3f, "
                            + "approx KL %.4f, value loss %.4f, explained variance %.3f, answer length %.1f, β %.4f%n",
                    lastIter.path("rm_score").asDouble(), lastIter.path("gold_score").asDouble(Double.NaN), lastIter.path("kl").asDouble(),
                    lastIter.path("entropy").asDouble(), lastIter.path("clip_fraction").asDouble(), lastIter.path("approx_kl").asDouble(),
                    lastIter.path("value_loss").asDouble(), lastIter.path("explained_variance").asDouble(),
                    lastIter.path("answer_length").asDouble(), lastIter.path("beta").asDouble()));
        }
        if (base != null && last != null && base != last) {
            md.append("\nHeld-out questions (the world's eval.jsonl), gold judge:\n\n| | SFT (start) | after PPO |\n|---|---:|---:|\n");
            for (String[] row : ROWS) {
                if (!base.has(row[0])) continue;
                md.append(String.format("| %s | %.1f%% | %.1f%% |%n", row[1], 100 * base.path(row[0]).asDouble(), 100 * last.path(row[0]).asDouble()));
            }
        }
        md.append("\n![reward](reward.png)\n\n![reward vs KL](reward_vs_kl.png)\n\n![KL](kl.png)\n\n![held-out](eval.png)\n\n![diagnostics](ppo.png)\n\n");
        md.append("RM score: the reward model's score of the rollouts, normalized by reward_norm.json (0 ≈ the SFT policy's mean) "
                + "and clipped; gold score: the world's judge on the same answers (what the reward model stands in for). "
                + "KL: Σ over answer tokens of log π − log π_ref, averaged over answers. When the RM score keeps rising while "
                + "the gold score stalls or falls, the policy is over-optimizing the reward model.\n");
        AtomicFiles.writeString(dir.resolve("report.md"), md.toString());
    }

    /** RM score and gold score of each iteration's rollouts against the KL to the reference. */
    static void overOptimization(List<JsonNode> rows, Path png) {
        XYChart chart = new XYChartBuilder().width(800).height(450).title("reward vs KL (over-optimization)")
                .xAxisTitle("KL to the reference (nats per answer)").yAxisTitle("score").build();
        chart.getStyler().setMarkerSize(5);
        boolean any = false;
        for (String m : List.of("rm_score", "gold_score")) {
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            for (JsonNode r : rows) {
                if (r.has(m) && r.has("kl") && Double.isFinite(r.get(m).asDouble())) {
                    xs.add(r.get("kl").asDouble());
                    ys.add(r.get(m).asDouble());
                }
            }
            if (xs.isEmpty()) continue;
            chart.addSeries(m, xs, ys).setMarker(SeriesMarkers.CIRCLE);
            any = true;
        }
        if (!any) return;
        chart.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        try {
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }
}

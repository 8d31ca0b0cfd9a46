package rlhf4j.train.reward;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import rlhf4j.data.preference.Comparison;
import rlhf4j.model.io.AtomicFiles;
import rlhf4j.train.loop.Charts;
import rlhf4j.train.loop.Trainer;

/** The reward run's report.md, loss/accuracy charts and a histogram of held-out rewards. */
public final class RewardReport {
    private RewardReport() {
    }

    public static void write(Path dir, RewardConfig cfg, Trainer.Outcome outcome, RewardEval.Result val, List<Comparison> valData,
                             RewardNorm norm, int trainCount, int dropped) {
        Path metrics = dir.resolve("metrics.jsonl");
        boolean loss = Charts.lines(metrics, dir.resolve("loss.png"), "Reward model loss", "−log σ(r_w − r_l)", "loss", "train_loss", "val_loss");
        boolean acc = Charts.lines(metrics, dir.resolve("accuracy.png"), "Pairwise accuracy", "accuracy", "train_acc", "val_acc", "val_gold_acc");
        boolean hist = val != null && histogram(dir.resolve("reward_hist.png"), val, valData);
        StringBuilder md = new StringBuilder("# Reward model report\n\n");
        md.append(String.format("- initialised from: %s; data: %s (%d comparisons trained on, %d all-tied left out), held out: %d%n",
                cfg.model().initFrom(), cfg.data().train(), trainCount, dropped, valData.size()));
        md.append(String.format("- %d steps in %.0f s, %d prompts × all their answers per micro-batch, lr %.2e, ties: %s%n",
                outcome.steps(), outcome.seconds(), cfg.data().promptsPerBatch(), cfg.train().lr(), cfg.data().ties()));
        for (Map.Entry<String, Double> e : outcome.finalEval().entrySet()) md.append(String.format("- %s: %.4f%n", e.getKey(), e.getValue()));
        if (val != null) md.append(String.format("- held-out pairs: %d labeled, %d gold%n", val.pairs(), val.goldPairs()));
        if (norm != null) md.append(String.format("- reward_norm.json: offset %.4f, scale %.4f from %d answers of %s%n",
                norm.offset(), norm.scale(), norm.samples(), norm.policy()));
        if (loss) md.append("\n![loss](loss.png)\n");
        if (acc) md.append("\n![accuracy](accuracy.png)\n");
        if (hist) md.append("\n![held-out rewards](reward_hist.png)\n");
        md.append("\nAccuracy: the share of (winner, loser) pairs scored in that order; `val_gold_acc` against the noise-free gold ranking.\n");
        AtomicFiles.writeString(dir.resolve("report.md"), md.toString());
    }

    /** Held-out rewards in bins, split into each comparison's gold-best answers and the rest. */
    static boolean histogram(Path png, RewardEval.Result val, List<Comparison> data) {
        float[] s = val.scores();
        if (s.length == 0) return false;
        float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
        for (float x : s) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        int bins = 30;
        double width = Math.max(1e-6, (hi - lo) / bins);
        double[] best = new double[bins], rest = new double[bins];
        int at = 0;
        for (Comparison c : data) {
            boolean[] top = new boolean[c.k()];
            List<int[]> order = c.goldTiers() != null ? c.goldTiers() : c.tiers();
            for (int i : order.get(0)) top[i] = true;
            for (int j = 0; j < c.k(); j++, at++) {
                int b = Math.min(bins - 1, (int) ((s[at] - lo) / width));
                (top[j] ? best : rest)[b]++;
            }
        }
        List<String> xs = new ArrayList<>();
        for (int b = 0; b < bins; b++) xs.add(String.format("%.2f", lo + (b + 0.5) * width));
        CategoryChart chart = new CategoryChartBuilder().width(900).height(450).title("Held-out rewards")
                .xAxisTitle("reward").yAxisTitle("answers").build();
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setXAxisLabelRotation(60);
        chart.addSeries("gold-best answers", xs, toList(best));
        chart.addSeries("other answers", xs, toList(rest));
        try {
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
        return true;
    }

    private static List<Double> toList(double[] a) {
        List<Double> out = new ArrayList<>();
        for (double x : a) out.add(x);
        return out;
    }
}

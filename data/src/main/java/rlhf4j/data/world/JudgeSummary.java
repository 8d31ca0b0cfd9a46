package rlhf4j.data.world;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Means of many {@link GoldJudge.Score}s: what a stage's eval prints. {@code accuracy} is the mean
 * of {@code correct}; {@code accuracyByType} breaks it down by question type.
 */
public record JudgeSummary(int n, double meanTotal, double accuracy, double meanWellFormed, double meanConcise,
                           double meanCleanStop, Map<String, Double> accuracyByType) {

    public static JudgeSummary of(List<GoldJudge.Score> scores) {
        int n = scores.size();
        double t = 0, c = 0, f = 0, k = 0, s = 0;
        Map<String, double[]> byType = new TreeMap<>();
        for (GoldJudge.Score x : scores) {
            t += x.total();
            c += x.correct();
            f += x.wellFormed();
            k += x.concise();
            s += x.cleanStop();
            double[] acc = byType.computeIfAbsent(x.type(), key -> new double[2]);
            acc[0] += x.correct();
            acc[1]++;
        }
        Map<String, Double> acc = new TreeMap<>();
        byType.forEach((key, v) -> acc.put(key, v[0] / v[1]));
        double d = Math.max(1, n);
        return new JudgeSummary(n, t / d, c / d, f / d, k / d, s / d, acc);
    }
}

package rlhf4j.train.reward;

import java.util.List;
import rlhf4j.data.preference.Comparison;
import rlhf4j.tensor.Tape;

/** Held-out numbers of a reward model on comparisons: loss, pairwise accuracy (labels and gold), score spread. */
public final class RewardEval {
    /**
     * @param loss         the training loss over these comparisons (mean over prompts)
     * @param accuracy     share of labeled (winner, loser) pairs the model scores in that order (a tie in score counts ½)
     * @param goldAccuracy the same against the noise-free gold ranking (NaN when the data has none)
     * @param scores       every answer's reward, comparison after comparison
     */
    public record Result(double loss, double accuracy, double goldAccuracy, long pairs, long goldPairs, float[] scores) {
        public double scoreMean() {
            double s = 0;
            for (float x : scores) s += x;
            return s / Math.max(1, scores.length);
        }

        public double scoreStd() {
            double m = scoreMean(), s = 0;
            for (float x : scores) s += (x - m) * (x - m);
            return Math.sqrt(s / Math.max(1, scores.length));
        }
    }

    private RewardEval() {
    }

    public static Result run(RewardModel rm, List<Comparison> data, boolean trainOnTies, int promptsPerBatch) {
        int total = 0;
        for (Comparison c : data) total += c.k();
        float[] all = new float[total];
        double lossSum = 0, correct = 0, goldCorrect = 0;
        long pairs = 0, goldPairs = 0, prompts = 0;
        int at = 0;
        try (AutoCloseable ignored = Tape.noGrad()) {
            for (int from = 0; from < data.size(); from += promptsPerBatch) {
                List<Comparison> batch = data.subList(from, Math.min(data.size(), from + promptsPerBatch));
                float[] s = rm.scores(RewardStage.rows(rm, batch)).data().clone();
                System.arraycopy(s, 0, all, at, s.length);
                at += s.length;
                PairwiseLoss.Pairs p = PairwiseLoss.pairs(batch, trainOnTies);
                int offset = 0;
                for (Comparison c : batch) {
                    if (PairwiseLoss.trainable(c, trainOnTies)) prompts++;
                    for (int[] q : c.pairs()) {
                        correct += agree(s[offset + q[0]], s[offset + q[1]]);
                        pairs++;
                    }
                    for (int[] q : c.goldPairs()) {
                        goldCorrect += agree(s[offset + q[0]], s[offset + q[1]]);
                        goldPairs++;
                    }
                    offset += c.k();
                }
                // Σ over prompts of each prompt's mean pair loss (weights sum to 1 per prompt)
                for (int i = 0; i < p.size(); i++) {
                    double m = s[p.winners()[i]] - s[p.losers()[i]];
                    lossSum += p.weights()[i] * softplus(-m);
                }
            }
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        return new Result(lossSum / Math.max(1, prompts), correct / Math.max(1, pairs),
                goldPairs == 0 ? Double.NaN : goldCorrect / goldPairs, pairs, goldPairs, all);
    }

    private static double agree(float winner, float loser) {
        return winner > loser ? 1 : winner == loser ? 0.5 : 0;
    }

    /** log(1 + e^x), stable: −log σ(m) = softplus(−m). */
    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }
}

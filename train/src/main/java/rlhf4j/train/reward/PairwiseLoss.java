package rlhf4j.train.reward;

import java.util.ArrayList;
import java.util.List;
import rlhf4j.data.preference.Comparison;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tensor;

/**
 * InstructGPT's reward-model loss (Ouyang et al. 2022, Eq. 1):
 * <pre>
 *   loss(θ) = −1/C(K,2) · E_(x, y_w, y_l) [ log σ(r_θ(x, y_w) − r_θ(x, y_l)) ]
 * </pre>
 * Every comparison contributes all the (winner, loser) pairs its ranking implies, each weighted
 * 1/(its pair count), so each prompt counts once however many answers it has; the batch loss is
 * the mean over prompts. A tie, when trained on, is the two pairs (i, j) and (j, i) at half weight
 * each (a Bradley–Terry target of ½). Pairwise TRL rows are comparisons with K = 2.
 *
 * <p>The scores come in as one vector over all answers of the batch, each answer forwarded once;
 * the pairs only index into it.
 */
public final class PairwiseLoss {
    /** Pairs over a batch's flattened answers: indices into the score vector and a weight each. */
    public record Pairs(int[] winners, int[] losers, float[] weights) {
        public int size() {
            return winners.length;
        }
    }

    private PairwiseLoss() {
    }

    /** −Σ wₚ·log σ(r[winnerₚ] − r[loserₚ]) / Σ wₚ, as a composition of ops. scores [N] → scalar. */
    public static Tensor loss(Tensor scores, Pairs pairs) {
        int n = scores.size();
        Tensor column = scores.reshape(n, 1);                                              // [N, 1]
        Tensor margin = Ops.sub(Ops.gatherRows(column, pairs.winners()), Ops.gatherRows(column, pairs.losers())); // [P, 1]
        return Ops.neg(Ops.maskedMean(Ops.logSigmoid(margin), pairs.weights()));
    }

    /**
     * The pairs of a batch of comparisons whose answers are laid out one comparison after another
     * (answer j of comparison g at index offset(g) + j).
     *
     * @param trainOnTies add each tie as two half-weight pairs; otherwise ties are left out
     */
    public static Pairs pairs(List<Comparison> batch, boolean trainOnTies) {
        List<int[]> idx = new ArrayList<>();
        List<Float> w = new ArrayList<>();
        int offset = 0;
        for (Comparison c : batch) {
            List<int[]> strict = c.pairs();
            List<int[]> ties = trainOnTies ? c.ties() : List.of();
            int count = strict.size() + ties.size();
            for (int[] p : strict) {
                idx.add(new int[] {offset + p[0], offset + p[1]});
                w.add(1f / count);
            }
            for (int[] t : ties) {
                idx.add(new int[] {offset + t[0], offset + t[1]});
                w.add(0.5f / count);
                idx.add(new int[] {offset + t[1], offset + t[0]});
                w.add(0.5f / count);
            }
            offset += c.k();
        }
        int[] win = new int[idx.size()], lose = new int[idx.size()];
        float[] weights = new float[idx.size()];
        for (int i = 0; i < win.length; i++) {
            win[i] = idx.get(i)[0];
            lose[i] = idx.get(i)[1];
            weights[i] = w.get(i);
        }
        return new Pairs(win, lose, weights);
    }

    /** True when a comparison gives the loss anything to learn from. */
    public static boolean trainable(Comparison c, boolean trainOnTies) {
        return !c.pairs().isEmpty() || (trainOnTies && !c.ties().isEmpty());
    }
}

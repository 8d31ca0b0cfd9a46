package rlhf4j.train.reward;

import java.util.ArrayList;
import java.util.List;
import rlhf4j.data.preference.Comparison;
import rlhf4j.data.world.GoldJudge;
import rlhf4j.tensor.Rng;

/**
 * A synthetic labeler: ranks a prompt's answers by the world's gold judge, then disagrees the way
 * people do. Answers with equal gold scores form one tier (a tie). With probability {@code noise}
 * each adjacent pair of tiers is swapped, in one pass from best to worst (so an answer can slide
 * down more than one place, as a hurried labeler's would).
 *
 * <p>What noise means as agreement: a labeler agrees with gold on every pair at noise 0; as noise
 * grows it mostly confuses neighbours. {@link #agreement} measures the share of strictly ordered
 * pairs two orders put the same way; `rlhf4j label` reports it between the noisy labeler and gold
 * and between two independent noisy labelers (what InstructGPT reports, 72.6–77.3% for its
 * contractors). For K = 4 these come out near 1 − 0.4·noise against gold (measured by the label
 * command, not assumed).
 */
public final class Labeler {
    private final GoldJudge judge;
    private final double noise;
    private final Rng rng;

    public Labeler(GoldJudge judge, double noise, long seed) {
        if (noise < 0 || noise > 1) throw new IllegalArgumentException("noise must be in [0, 1], got " + noise);
        this.judge = judge;
        this.noise = noise;
        this.rng = new Rng(seed);
    }

    /** Gold scores of each answer. */
    public double[] goldScores(String prompt, List<String> responses) {
        double[] s = new double[responses.size()];
        for (int i = 0; i < s.length; i++) s[i] = judge.score(prompt, responses.get(i)).total();
        return s;
    }

    /** The comparison a labeler writes: a noisy ranking, with the gold one kept next to it. */
    public Comparison label(String prompt, List<String> responses) {
        List<int[]> gold = tiers(goldScores(prompt, responses));
        return new Comparison(prompt, responses, perturb(gold), gold);
    }

    /** Another independent draw of the noisy order from the same gold order. */
    public List<int[]> perturb(List<int[]> gold) {
        List<int[]> t = new ArrayList<>(gold);
        for (int i = 0; i + 1 < t.size(); i++) {
            if (noise > 0 && rng.nextDouble() < noise) {
                int[] a = t.get(i);
                t.set(i, t.get(i + 1));
                t.set(i + 1, a);
            }
        }
        return t;
    }

    /** Indices grouped by equal score (to 1e-9), best group first; within a group by index. */
    public static List<int[]> tiers(double[] scores) {
        Integer[] idx = new Integer[scores.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> a.equals(b) ? 0 : Double.compare(scores[b], scores[a]) != 0
                ? Double.compare(scores[b], scores[a]) : Integer.compare(a, b));
        List<int[]> out = new ArrayList<>();
        List<Integer> cur = new ArrayList<>();
        for (int i : idx) {
            if (!cur.isEmpty() && Math.abs(scores[cur.get(0)] - scores[i]) > 1e-9) {
                out.add(cur.stream().mapToInt(Integer::intValue).toArray());
                cur.clear();
            }
            cur.add(i);
        }
        out.add(cur.stream().mapToInt(Integer::intValue).toArray());
        return out;
    }

    /** Over the pairs {@code reference} orders strictly: the share {@code other} orders the same way (a tie counts ½). */
    public static double[] agreementCounts(List<int[]> reference, List<int[]> other, int k) {
        int[] rank = new int[k];
        for (int t = 0; t < other.size(); t++) for (int i : other.get(t)) rank[i] = t;
        double agree = 0;
        int pairs = 0;
        for (int a = 0; a < reference.size(); a++) {
            for (int b = a + 1; b < reference.size(); b++) {
                for (int w : reference.get(a)) {
                    for (int l : reference.get(b)) {
                        pairs++;
                        agree += rank[w] < rank[l] ? 1 : rank[w] == rank[l] ? 0.5 : 0;
                    }
                }
            }
        }
        return new double[] {agree, pairs};
    }

    public static double agreement(List<int[]> reference, List<int[]> other, int k) {
        double[] c = agreementCounts(reference, other, k);
        return c[1] == 0 ? Double.NaN : c[0] / c[1];
    }
}

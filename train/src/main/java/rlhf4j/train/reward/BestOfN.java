package rlhf4j.train.reward;

import java.util.ArrayList;
import java.util.List;

/**
 * Best-of-n (rejection) sampling: n answers per prompt from the policy, the reward model's
 * favourite returned. The simplest use of a reward model, and a check that it points the right way.
 */
public final class BestOfN {
    /** The chosen answer, its reward, and every candidate with its reward (candidate 0 is a plain sample). */
    public record Pick(String prompt, String best, float reward, List<String> candidates, float[] rewards) {
    }

    private final AnswerSampler policy;
    private final RewardModel rm;

    public BestOfN(AnswerSampler policy, RewardModel rm) {
        this.policy = policy;
        this.rm = rm;
    }

    public List<Pick> run(List<String> prompts, int n, float temperature, int topK, long seed) {
        List<List<String>> answers = policy.sample(prompts, n, temperature, topK, seed);
        List<String> ps = new ArrayList<>(), rs = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            for (String a : answers.get(i)) {
                ps.add(prompts.get(i));
                rs.add(a);
            }
        }
        float[] r = rm.score(ps, rs, 32);
        List<Pick> out = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            float[] mine = java.util.Arrays.copyOfRange(r, i * n, (i + 1) * n);
            int best = 0;
            for (int j = 1; j < n; j++) if (mine[j] > mine[best]) best = j;
            out.add(new Pick(prompts.get(i), answers.get(i).get(best), mine[best], answers.get(i), mine));
        }
        return out;
    }
}

package rlhf4j.train.ppo;

import java.util.ArrayList;
import java.util.List;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tensor;
import rlhf4j.train.rl.AnswerBatch;

/**
 * One iteration's experience: the sampled answers and, per answer token (flat, answer after
 * answer, as {@link AnswerBatch} lays them out), the policy's and the reference's log-probs, the
 * value model's values, the rewards, advantages (whitened) and returns. Built without a tape: every
 * array here is a constant of the update that follows.
 */
public final class Rollout {
    final List<String> prompts;
    final List<int[]> promptIds, answers;
    final List<String> texts;
    final boolean[] finished;
    final float[] scores;        // the reward-model score each answer was given (normalized, clipped, penalized)
    final float[] logp, refLogp, values, entropy, rewards, advantages, returns;
    final int[] offsets;         // answer i's tokens are [offsets[i], offsets[i+1])
    final int tokensForwarded;

    /** Scores each answer (prompt index, answer) → the score added at its last token. */
    @FunctionalInterface
    public interface Scorer {
        float[] score(List<String> prompts, List<String> answers, List<int[]> answerIds, boolean[] finished);
    }

    Rollout(List<String> prompts, List<int[]> promptIds, List<int[]> answers, List<String> texts, boolean[] finished,
            float[] scores, Transformer policy, Transformer reference, Transformer value, ScalarHead valueHead,
            double beta, double gamma, double lambda) {
        this.prompts = prompts;
        this.promptIds = promptIds;
        this.answers = answers;
        this.texts = texts;
        this.finished = finished;
        this.scores = scores;
        AnswerBatch batch = new AnswerBatch(promptIds, answers);
        tokensForwarded = batch.tokens();
        Tensor logits = batch.answerLogits(policy);                  // [N, V]
        logp = Ops.tokenLogProbs(logits, batch.targets()).data().clone();
        entropy = Ops.entropy(logits).data().clone();
        refLogp = batch.logProbs(reference).data().clone();
        values = valueHead.values(batch.answerHidden(value)).data().clone(); // [N, 1] → N values
        int n = batch.count(), b = batch.batch();
        offsets = new int[b + 1];
        for (int i = 0; i <= b; i++) offsets[i] = i < b ? batch.offset(i) : n;
        rewards = new float[n];
        advantages = new float[n];
        returns = new float[n];
        for (int i = 0; i < b; i++) {
            int from = offsets[i], to = offsets[i + 1];
            float[] lp = slice(logp, from, to), rlp = slice(refLogp, from, to), v = slice(values, from, to);
            float[] r = Gae.rewards(lp, rlp, scores[i], beta);
            float[] adv = Gae.advantages(r, v, gamma, lambda);
            float[] ret = Gae.returns(adv, v);
            System.arraycopy(r, 0, rewards, from, r.length);
            System.arraycopy(adv, 0, advantages, from, adv.length);
            System.arraycopy(ret, 0, returns, from, ret.length);
        }
        Gae.whiten(advantages);
    }

    int size() {
        return answers.size();
    }

    int tokens() {
        return logp.length;
    }

    /** Σ_t (log π_old − log π_ref) per answer, averaged over answers: the sequence-level KL estimate. */
    double klPerAnswer() {
        double s = 0;
        for (int t = 0; t < logp.length; t++) s += (double) logp[t] - refLogp[t];
        return s / size();
    }

    double mean(float[] x) {
        double s = 0;
        for (float a : x) s += a;
        return x.length == 0 ? Double.NaN : s / x.length;
    }

    /** The constants of a minibatch of answers (by index), laid out as an AnswerBatch of them would be. */
    float[] gather(float[] perToken, int[] which) {
        int n = 0;
        for (int i : which) n += offsets[i + 1] - offsets[i];
        float[] out = new float[n];
        int k = 0;
        for (int i : which) {
            int len = offsets[i + 1] - offsets[i];
            System.arraycopy(perToken, offsets[i], out, k, len);
            k += len;
        }
        return out;
    }

    AnswerBatch batchOf(int[] which) {
        List<int[]> p = new ArrayList<>(which.length), a = new ArrayList<>(which.length);
        for (int i : which) {
            p.add(promptIds.get(i));
            a.add(answers.get(i));
        }
        return new AnswerBatch(p, a);
    }

    static float[] slice(float[] x, int from, int to) {
        return java.util.Arrays.copyOfRange(x, from, to);
    }
}

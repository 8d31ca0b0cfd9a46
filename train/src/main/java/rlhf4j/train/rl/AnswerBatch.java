package rlhf4j.train.rl;

import java.util.Arrays;
import java.util.List;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tensor;

/**
 * Prompt + answer token sequences laid out for one teacher-forced forward: rows right-padded to
 * the longest (padding is segment −1, never attended), and the flat indices of the positions
 * that PREDICT each answer token — position t's logits give token t+1, so answer token j of a row
 * whose prompt has p tokens is read at position p − 1 + j. Everything RL needs per answer token
 * (log-probs under the policy and the reference, values, the entropy) is read at those
 * {@link #count()} positions, in row order, answer token after answer token.
 */
public final class AnswerBatch {
    private final int batch, seqLen;
    private final int[] ids, segments, rows, targets, offsets;

    /** prompts.get(i) then answers.get(i) is row i; every answer needs at least one token. */
    public AnswerBatch(List<int[]> prompts, List<int[]> answers) {
        if (prompts.size() != answers.size()) throw new IllegalArgumentException(
                prompts.size() + " prompts but " + answers.size() + " answers");
        batch = prompts.size();
        int t = 1, n = 0;
        for (int i = 0; i < batch; i++) {
            if (prompts.get(i).length == 0) throw new IllegalArgumentException("prompt " + i + " is empty");
            if (answers.get(i).length == 0) throw new IllegalArgumentException("answer " + i + " is empty");
            t = Math.max(t, prompts.get(i).length + answers.get(i).length);
            n += answers.get(i).length;
        }
        seqLen = t;
        ids = new int[batch * t];
        segments = new int[batch * t];
        Arrays.fill(segments, -1);
        rows = new int[n];
        targets = new int[n];
        offsets = new int[batch + 1];
        int k = 0;
        for (int i = 0; i < batch; i++) {
            int[] p = prompts.get(i), a = answers.get(i);
            System.arraycopy(p, 0, ids, i * t, p.length);
            System.arraycopy(a, 0, ids, i * t + p.length, a.length);
            Arrays.fill(segments, i * t, i * t + p.length + a.length, 0);
            offsets[i] = k;
            for (int j = 0; j < a.length; j++, k++) {
                rows[k] = i * t + p.length - 1 + j;
                targets[k] = a[j];
            }
        }
        offsets[batch] = k;
    }

    /** Answer tokens in all. */
    public int count() {
        return rows.length;
    }

    public int batch() {
        return batch;
    }

    /** Row i's answer tokens are entries [offset(i), offset(i+1)) of every per-token array. */
    public int offset(int i) {
        return offsets[i];
    }

    public int answerLength(int i) {
        return offsets[i + 1] - offsets[i];
    }

    /** Tokens forwarded (padding excluded). */
    public int tokens() {
        int s = 0;
        for (int g : segments) if (g >= 0) s++;
        return s;
    }

    public int[] targets() {
        return targets;
    }

    /** model's final hidden states at the answer-predicting positions: [count, D] (on the active tape, if any). */
    public Tensor answerHidden(Transformer model) {
        Tensor h = model.hidden(ids, batch, seqLen, segments); // [B, T, D]
        return Ops.gatherRows(h.reshape(batch * seqLen, model.config().dModel()), rows);
    }

    /** Logits of the answer tokens' predictions: [count, V] (the LM head runs on those rows only). */
    public Tensor answerLogits(Transformer model) {
        return model.logits(answerHidden(model));
    }

    /** log π(answer token) at each answer position: [count]. */
    public Tensor logProbs(Transformer model) {
        return Ops.tokenLogProbs(answerLogits(model), targets);
    }
}

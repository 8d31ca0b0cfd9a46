package rlhf4j.train.rl;

import java.util.Arrays;
import java.util.List;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tensor;

/**
 * Log-probabilities of answer tokens under a causal LM, for DPO and GRPO. A row is a whole
 * sequence (prompt then answer) with a mask saying which tokens belong to the answer; rows are
 * right-padded to the longest (padding marked segment −1, never attended) and forwarded in ONE
 * hidden() call. Token t is predicted from position t − 1, so the log-prob of answer token t is read
 * from the logits at t − 1.
 */
public final class AnswerLogProbs {
    private AnswerLogProbs() {
    }

    /** One sequence: ids and, per id, whether it is an answer token (scored). */
    public record Row(int[] ids, boolean[] answer) {
        public Row {
            if (ids.length != answer.length) throw new IllegalArgumentException(
                    "row has " + ids.length + " ids but " + answer.length + " mask entries");
        }

        /** Prompt ids followed by answer ids (the answer tokens are scored). */
        public static Row of(int[] prompt, int[] answerIds) {
            int[] ids = Arrays.copyOf(prompt, prompt.length + answerIds.length);
            System.arraycopy(answerIds, 0, ids, prompt.length, answerIds.length);
            boolean[] m = new boolean[ids.length];
            Arrays.fill(m, prompt.length, ids.length, true);
            return new Row(ids, m);
        }

        public int answerTokens() {
            int n = 0;
            for (int i = 1; i < answer.length; i++) if (answer[i]) n++;
            return n;
        }
    }

    /**
     * The padded batch: ids [B·T], segments [B·T], targets [B·T] (the next token, 0 where
     * unscored) and mask [B·T] (1 where position p predicts an answer token p + 1).
     */
    public record Batch(int rows, int seqLen, int[] ids, int[] segments, int[] targets, float[] mask) {
        public int tokens() {
            int c = 0;
            for (int s : segments) if (s >= 0) c++;
            return c;
        }
    }

    public static Batch batch(List<Row> rows) {
        int b = rows.size(), t = 1;
        for (Row r : rows) t = Math.max(t, r.ids().length);
        int[] ids = new int[b * t], segments = new int[b * t], targets = new int[b * t];
        float[] mask = new float[b * t];
        Arrays.fill(segments, -1);
        for (int i = 0; i < b; i++) {
            Row r = rows.get(i);
            int n = r.ids().length;
            System.arraycopy(r.ids(), 0, ids, i * t, n);
            Arrays.fill(segments, i * t, i * t + n, 0);
            for (int p = 0; p + 1 < n; p++) {
                if (!r.answer()[p + 1]) continue;
                targets[i * t + p] = r.ids()[p + 1];
                mask[i * t + p] = 1f;
            }
        }
        return new Batch(b, t, ids, segments, targets, mask);
    }

    /**
     * Per-position log-probs of the next token, zero where the mask is 0: [B, T] (recorded on the
     * active tape, if any).
     */
    public static Tensor tokenLogProbs(Transformer model, Batch b) {
        Tensor hidden = model.hidden(b.ids(), b.rows(), b.seqLen(), b.segments()); // [B, T, D]
        Tensor lp = Ops.tokenLogProbs(model.logits(hidden), b.targets());         // [B·T]
        return Ops.mul(lp, Tensor.of(b.mask().clone(), b.rows() * b.seqLen())).reshape(b.rows(), b.seqLen());
    }

    /** Runs {@code body} with no tape recording (reference and rollout log-probs). */
    public static <T> T noGrad(java.util.function.Supplier<T> body) {
        try (AutoCloseable ignored = rlhf4j.tensor.Tape.noGrad()) {
            return body.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Summed log-prob of each row's answer tokens: [B]. */
    public static Tensor sequenceLogProbs(Transformer model, Batch b) {
        return Ops.sumLastDim(tokenLogProbs(model, b));
    }
}

package rlhf4j.train.reward;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;

/**
 * A reward model: a {@link Transformer} with a {@link ScalarHead}. An answer's reward is the
 * head's value at the last token of the chat-rendered conversation — the {@code <|end|>} that
 * closes the assistant's turn, the one position that has read the whole answer.
 */
public final class RewardModel {
    private final Transformer model;
    private final ScalarHead head;
    private final ChatTemplate template;
    private final int maxLen;
    private long forwardCalls, rowsForwarded;

    public RewardModel(Transformer model, ScalarHead head, Tokenizer tokenizer, int maxLen) {
        if (head.dModel() != model.config().dModel()) throw new IllegalArgumentException(
                "scalar head width " + head.dModel() + " does not match the model's " + model.config().dModel());
        this.model = model;
        this.head = head;
        this.template = new ChatTemplate(tokenizer);
        this.maxLen = Math.min(maxLen > 0 ? maxLen : Integer.MAX_VALUE, model.config().maxSeqLen());
    }

    /** A trained reward model's run folder (config.json, model.safetensors with score.weight, tokenizer.json). */
    public static RewardModel load(Path dir) {
        try {
            Transformer m = ModelIO.load(dir);
            ScalarHead h = ModelIO.loadScalarHead(dir, m.config().dModel());
            Path tok = Files.exists(dir.resolve("tokenizer.json")) ? dir : dir.getParent();
            return new RewardModel(m, h, Tokenizers.load(tok.toString()), 0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    public Transformer model() {
        return model;
    }

    public ScalarHead head() {
        return head;
    }

    public int maxLen() {
        return maxLen;
    }

    /**
     * The ids the reward model reads for one answer: {@code <|bos|><|user|>prompt<|end|><|assistant|>answer<|end|>}.
     * Too long, it keeps the first maxLen − 1 tokens and the closing {@code <|end|>}.
     */
    public int[] encode(String prompt, String response) {
        int[] ids = template.render(List.of(new ChatTemplate.Message("user", prompt),
                new ChatTemplate.Message("assistant", response))).ids();
        if (ids.length <= maxLen) return ids;
        int[] cut = Arrays.copyOf(ids, maxLen);
        cut[maxLen - 1] = template.endId();
        return cut;
    }

    /**
     * Rewards of a batch of encoded answers in ONE forward: rows right-padded to the longest, the
     * padding marked with segment −1 (never attended), the head read at each row's last token.
     * rows → [B] (recorded on the active tape, if any).
     */
    public Tensor scores(List<int[]> rows) {
        int b = rows.size(), t = 0;
        for (int[] r : rows) t = Math.max(t, r.length);
        int[] ids = new int[b * t], segments = new int[b * t], last = new int[b];
        Arrays.fill(segments, -1);
        for (int i = 0; i < b; i++) {
            int[] r = rows.get(i);
            System.arraycopy(r, 0, ids, i * t, r.length);
            Arrays.fill(segments, i * t, i * t + r.length, 0);
            last[i] = r.length - 1;
        }
        forwardCalls++;
        rowsForwarded += b;
        Tensor hidden = model.hidden(ids, b, t, segments); // [B, T, D]
        return head.scores(hidden, last);                  // [B]
    }

    /** Rewards without a tape, in chunks of {@code chunk} answers. */
    public float[] score(List<String> prompts, List<String> responses, int chunk) {
        if (prompts.size() != responses.size()) throw new IllegalArgumentException(
                prompts.size() + " prompts but " + responses.size() + " responses");
        float[] out = new float[prompts.size()];
        try (AutoCloseable ignored = Tape.noGrad()) {
            for (int from = 0; from < out.length; from += chunk) {
                int to = Math.min(out.length, from + chunk);
                List<int[]> rows = new ArrayList<>();
                for (int i = from; i < to; i++) rows.add(encode(prompts.get(i), responses.get(i)));
                float[] s = scores(rows).data();
                System.arraycopy(s, 0, out, from, to - from);
            }
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        return out;
    }

    /** hidden() calls so far (tests check each answer is forwarded once, not once per pair). */
    public long forwardCalls() {
        return forwardCalls;
    }

    /** Rows forwarded so far. */
    public long rowsForwarded() {
        return rowsForwarded;
    }
}

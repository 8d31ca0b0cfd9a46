package rlhf4j.model.generate;

import java.util.Arrays;
import rlhf4j.model.Family;
import rlhf4j.model.KvCache;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Tensor;

/**
 * Batched autoregressive generation with a KV cache: prompts of different lengths are left-padded,
 * prefilled in one forward, then decoded one token per step for every row until each has produced
 * {@code maxNew} tokens or its stop token.
 */
public final class Generator {
    private final Transformer model;

    public Generator(Transformer model) {
        this.model = model;
    }

    /**
     * The tokens generated after each prompt (the stop token included when it was produced).
     * stopToken < 0 means none: every row gets exactly maxNew tokens.
     */
    public int[][] generate(int[][] prompts, int maxNew, SamplingParams params, int stopToken) {
        int batch = prompts.length;
        if (batch == 0) return new int[0][];
        if (maxNew <= 0) throw new IllegalArgumentException("maxNew must be positive, got " + maxNew);
        int longest = 0;
        for (int[] p : prompts) {
            if (p.length == 0) throw new IllegalArgumentException("a prompt is empty; it needs at least one token (e.g. BOS)");
            longest = Math.max(longest, p.length);
        }
        // the last sampled token is never fed back, so the cache needs longest + maxNew - 1 positions
        int capacity = longest + maxNew - 1;
        if (model.config().family() == Family.GPT2 && capacity > model.config().maxSeqLen()) {
            throw new IllegalArgumentException("prompt of " + longest + " tokens + " + maxNew + " new exceeds gpt2's "
                    + model.config().maxSeqLen() + " positions");
        }
        KvCache cache = model.newCache(batch, capacity);

        // left-pad to the longest prompt so every row's last prompt token sits at the same index
        int[] ids = new int[batch * longest], padding = new int[batch];
        for (int b = 0; b < batch; b++) {
            padding[b] = longest - prompts[b].length;
            System.arraycopy(prompts[b], 0, ids, b * longest + padding[b], prompts[b].length);
        }
        cache.setLeftPadding(padding);
        Tensor logits = model.forwardCached(ids, batch, longest, cache);

        int vocab = model.config().vocabSize();
        Sampler sampler = new Sampler(params);
        int[][] out = new int[batch][maxNew];
        int[] produced = new int[batch], next = new int[batch];
        boolean[] done = new boolean[batch];
        for (int step = 0; step < maxNew; step++) {
            boolean allDone = true;
            for (int b = 0; b < batch; b++) {
                if (done[b]) continue;
                int token = sampler.sample(logits.data(), b * vocab, vocab);
                out[b][produced[b]++] = token;
                next[b] = token;
                done[b] = token == stopToken || produced[b] == maxNew;
                allDone &= done[b];
            }
            if (allDone) break;
            // finished rows keep feeding their last token; their outputs are ignored
            logits = model.forwardCached(next, batch, 1, cache);
        }
        for (int b = 0; b < batch; b++) out[b] = Arrays.copyOf(out[b], produced[b]);
        return out;
    }

    /** One prompt. */
    public int[] generate(int[] prompt, int maxNew, SamplingParams params, int stopToken) {
        return generate(new int[][] {prompt}, maxNew, params, stopToken)[0];
    }
}

package rlhf4j.model.generate;

import java.util.Arrays;
import java.util.Set;
import rlhf4j.model.DecodeArena;
import rlhf4j.model.Family;
import rlhf4j.model.KvCache;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Tensor;

/**
 * Batched autoregressive generation with a KV cache: prompts of different lengths are left-padded,
 * prefilled in one forward, then decoded one token per step for every row until each has produced
 * {@code maxNew} tokens or one of its stop tokens. Options (stop tokens, repetition penalty,
 * per-row seeds, streaming) are in {@link GenerationConfig}.
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
        if (maxNew <= 0) throw new IllegalArgumentException("maxNew must be positive, got " + maxNew);
        Set<Integer> stops = stopToken >= 0 ? Set.of(stopToken) : Set.of();
        Generation[] gens = generate(prompts, new GenerationConfig(maxNew, params, stops, 1f, null, null));
        int[][] out = new int[gens.length][];
        for (int b = 0; b < gens.length; b++) {
            int[] t = gens[b].tokens();
            out[b] = gens[b].stopped() ? Arrays.copyOf(t, t.length + 1) : t;
            if (gens[b].stopped()) out[b][t.length] = gens[b].stopToken();
        }
        return out;
    }

    /**
     * Answers every prompt in one batch: each row ends at one of the config's stop tokens or after
     * {@code maxNewTokens} draws. Tokens are streamed to the config's listener as they are drawn.
     */
    public Generation[] generate(int[][] prompts, GenerationConfig config) {
        int batch = prompts.length;
        if (batch == 0) return new Generation[0];
        int maxNew = config.maxNewTokens();
        int longest = 0;
        for (int[] p : prompts) {
            if (p.length == 0) throw new IllegalArgumentException("a prompt is empty; it needs at least one token (e.g. BOS)");
            longest = Math.max(longest, p.length);
        }
        if (config.rowSeeds() != null && config.rowSeeds().length != batch) throw new IllegalArgumentException(
                config.rowSeeds().length + " row seeds for " + batch + " prompts");
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
        // op outputs come from an arena recycled every step once its logits are read (the cache
        // was made above, on the heap)
        try (DecodeArena arena = DecodeArena.open()) {
            Tensor logits = model.forwardCached(ids, batch, longest, cache);

            int vocab = model.config().vocabSize();
            Sampler[] samplers = new Sampler[batch];
            Sampler shared = config.rowSeeds() == null ? new Sampler(config.sampling()) : null;
            for (int b = 0; b < batch; b++) {
                samplers[b] = shared != null ? shared : new Sampler(config.sampling().withSeed(config.rowSeeds()[b]));
            }
            boolean[] isStop = new boolean[vocab];
            for (int s : config.stopTokens()) if (s >= 0 && s < vocab) isStop[s] = true;
            RepetitionPenalty penalty = config.repetitionPenalty() == 1f ? null
                    : new RepetitionPenalty(config.repetitionPenalty(), prompts, vocab);
            TokenStream stream = config.stream();

            int[][] out = new int[batch][maxNew];
            int[] produced = new int[batch], next = new int[batch], stoppedBy = new int[batch];
            Arrays.fill(stoppedBy, -1);
            boolean[] done = new boolean[batch];
            for (int step = 0; step < maxNew; step++) {
                boolean allDone = true;
                for (int b = 0; b < batch; b++) {
                    if (done[b]) continue;
                    if (penalty != null) penalty.apply(logits.data(), b * vocab, b);
                    int token = samplers[b].sample(logits.data(), b * vocab, vocab);
                    if (stream != null) stream.onToken(b, token);
                    next[b] = token;
                    if (isStop[token]) {
                        stoppedBy[b] = token;
                        done[b] = true;
                    } else {
                        out[b][produced[b]++] = token;
                        if (penalty != null) penalty.see(b, token);
                        done[b] = produced[b] == maxNew;
                    }
                    allDone &= done[b];
                }
                if (allDone) break;
                // finished rows keep feeding their last token; their outputs are ignored
                arena.nextStep();
                logits = model.forwardCached(next, batch, 1, cache);
            }
            Generation[] result = new Generation[batch];
            for (int b = 0; b < batch; b++) result[b] = new Generation(Arrays.copyOf(out[b], produced[b]), stoppedBy[b]);
            return result;
        }
    }

    /** One prompt. */
    public Generation generate(int[] prompt, GenerationConfig config) {
        return generate(new int[][] {prompt}, config)[0];
    }

    /** One prompt. */
    public int[] generate(int[] prompt, int maxNew, SamplingParams params, int stopToken) {
        return generate(new int[][] {prompt}, maxNew, params, stopToken)[0];
    }
}

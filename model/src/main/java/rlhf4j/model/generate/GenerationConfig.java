package rlhf4j.model.generate;

import java.util.Set;

/**
 * Everything one call of {@link Generator#generate(int[][], GenerationConfig)} needs besides the prompts.
 *
 * @param maxNewTokens      the most tokens drawn per prompt (the stop token counts as one)
 * @param sampling          how each token is drawn (greedy, temperature, top-k, top-p, seed)
 * @param stopTokens        a row ends when it draws any of these (the token is not part of the text)
 * @param repetitionPenalty θ of Keskar et al. 2019 (CTRL, §4.1): every token already in the prompt or
 *                          the answer has its logit divided by θ when positive and multiplied by θ
 *                          when negative; 1 turns it off
 * @param rowSeeds          one seed per prompt, so a row's sample does not depend on what else is in
 *                          the batch; null: one sampler seeded by {@code sampling.seed()} draws for all rows
 * @param stream            told of every token as it is drawn; null for none
 */
public record GenerationConfig(int maxNewTokens, SamplingParams sampling, Set<Integer> stopTokens,
                               float repetitionPenalty, long[] rowSeeds, TokenStream stream) {
    public GenerationConfig {
        if (maxNewTokens <= 0) throw new IllegalArgumentException("maxNewTokens must be positive, got " + maxNewTokens);
        if (sampling == null) throw new IllegalArgumentException("sampling params are missing");
        stopTokens = stopTokens == null ? Set.of() : Set.copyOf(stopTokens);
        if (!(repetitionPenalty > 0)) throw new IllegalArgumentException("repetitionPenalty must be positive, got " + repetitionPenalty);
    }

    /** maxNewTokens tokens drawn as {@code sampling} says, no stop tokens, no penalty. */
    public static GenerationConfig of(int maxNewTokens, SamplingParams sampling) {
        return new GenerationConfig(maxNewTokens, sampling, Set.of(), 1f, null, null);
    }

    public GenerationConfig withMaxNewTokens(int n) {
        return new GenerationConfig(n, sampling, stopTokens, repetitionPenalty, rowSeeds, stream);
    }

    public GenerationConfig withSampling(SamplingParams p) {
        return new GenerationConfig(maxNewTokens, p, stopTokens, repetitionPenalty, rowSeeds, stream);
    }

    public GenerationConfig withStopTokens(Set<Integer> stops) {
        return new GenerationConfig(maxNewTokens, sampling, stops, repetitionPenalty, rowSeeds, stream);
    }

    public GenerationConfig withRepetitionPenalty(float theta) {
        return new GenerationConfig(maxNewTokens, sampling, stopTokens, theta, rowSeeds, stream);
    }

    public GenerationConfig withRowSeeds(long... seeds) {
        return new GenerationConfig(maxNewTokens, sampling, stopTokens, repetitionPenalty, seeds, stream);
    }

    public GenerationConfig withStream(TokenStream s) {
        return new GenerationConfig(maxNewTokens, sampling, stopTokens, repetitionPenalty, rowSeeds, s);
    }
}

package rlhf4j.model.generate;

/**
 * How the next token is drawn from the logits.
 *
 * @param temperature logits are divided by it; 0 (or less) means greedy (argmax)
 * @param topK        keep only the k most likely tokens; 0 keeps all
 * @param topP        nucleus: keep the smallest set of most likely tokens whose mass reaches topP; 1 keeps all
 * @param seed        seeds the draws, so a generation can be repeated exactly
 */
public record SamplingParams(float temperature, int topK, float topP, long seed) {
    public SamplingParams {
        if (Float.isNaN(temperature)) throw new IllegalArgumentException("temperature is NaN");
        if (topK < 0) throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }

    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 1f, 0L);
    }

    /** Plain sampling from softmax(logits / temperature). */
    public static SamplingParams temperature(float temperature, long seed) {
        return new SamplingParams(temperature, 0, 1f, seed);
    }

    public boolean isGreedy() {
        return temperature <= 0;
    }

    public SamplingParams withTopK(int k) {
        return new SamplingParams(temperature, k, topP, seed);
    }

    public SamplingParams withTopP(float p) {
        return new SamplingParams(temperature, topK, p, seed);
    }

    public SamplingParams withSeed(long s) {
        return new SamplingParams(temperature, topK, topP, s);
    }
}

package rlhf4j.train.grpo;

/**
 * GRPO's advantage: each answer's reward relative to the other answers to the same prompt, so no
 * value model is needed. {@code A = (r − mean_group)}, divided by the group's (sample) std when
 * {@code scaleByStd}; a group whose answers all score the same gives 0 to every answer.
 */
public final class GroupAdvantages {
    static final double EPS = 1e-4;

    private GroupAdvantages() {
    }

    /** rewards [groups·size], answers of one prompt contiguous → advantages of the same layout. */
    public static float[] of(float[] rewards, int size, boolean scaleByStd) {
        if (size <= 0 || rewards.length % size != 0) throw new IllegalArgumentException(
                rewards.length + " rewards do not split into groups of " + size);
        float[] out = new float[rewards.length];
        for (int g = 0; g < rewards.length; g += size) {
            double mean = 0;
            for (int i = g; i < g + size; i++) mean += rewards[i];
            mean /= size;
            double var = 0;
            for (int i = g; i < g + size; i++) var += (rewards[i] - mean) * (rewards[i] - mean);
            double std = size > 1 ? Math.sqrt(var / (size - 1)) : 0;
            for (int i = g; i < g + size; i++) {
                double a = rewards[i] - mean;
                out[i] = (float) (scaleByStd ? a / (std + EPS) : a);
            }
        }
        return out;
    }
}

package rlhf4j.train.loop;

/**
 * The settings of the training loop every stage shares.
 *
 * @param steps           optimizer steps in all
 * @param gradAccum       micro-batches per optimizer step
 * @param lr              peak learning rate
 * @param minLrRatio      final learning rate as a fraction of the peak
 * @param warmup          linear warm-up steps
 * @param schedule        "cosine", "linear" or "constant"
 * @param weightDecay     AdamW's decoupled decay (matrices only)
 * @param beta1           AdamW β1
 * @param beta2           AdamW β2
 * @param clip            global gradient-norm clip (0: off)
 * @param evalEvery       steps between evaluations (0: only at the end)
 * @param sampleEvery     steps between printed samples (0: only at the end)
 * @param checkpointEvery steps between checkpoints (0: only at the end)
 * @param logEvery        steps between metrics.jsonl lines
 * @param maxBadSteps     consecutive non-finite steps tolerated before the run stops
 * @param seed            seeds initialization and the data order
 * @param threads         compute threads (0: all cores)
 * @param gradCheckpoint  recompute each block's activations in backward instead of keeping them
 *                        (less memory, about one more forward per step; the same gradients)
 */
public record LoopConfig(long steps, int gradAccum, double lr, double minLrRatio, long warmup, String schedule,
                         double weightDecay, double beta1, double beta2, double clip, long evalEvery,
                         long sampleEvery, long checkpointEvery, long logEvery, int maxBadSteps, long seed,
                         int threads, boolean gradCheckpoint) {
    /** Without gradient checkpointing. */
    public LoopConfig(long steps, int gradAccum, double lr, double minLrRatio, long warmup, String schedule,
                      double weightDecay, double beta1, double beta2, double clip, long evalEvery,
                      long sampleEvery, long checkpointEvery, long logEvery, int maxBadSteps, long seed, int threads) {
        this(steps, gradAccum, lr, minLrRatio, warmup, schedule, weightDecay, beta1, beta2, clip, evalEvery, sampleEvery,
                checkpointEvery, logEvery, maxBadSteps, seed, threads, false);
    }

    public LoopConfig {
        if (steps <= 0) throw new IllegalArgumentException("train.steps must be positive, got " + steps);
        if (gradAccum <= 0) throw new IllegalArgumentException("train.grad_accum must be positive, got " + gradAccum);
        if (!(lr > 0)) throw new IllegalArgumentException("train.lr must be positive, got " + lr);
        if (logEvery <= 0) throw new IllegalArgumentException("train.log_every must be positive, got " + logEvery);
        if (!schedule.equals("cosine") && !schedule.equals("linear") && !schedule.equals("constant")) {
            throw new IllegalArgumentException("train.schedule must be cosine, linear or constant, got " + schedule);
        }
    }

    public static LoopConfig defaults() {
        return new LoopConfig(1000, 1, 1e-3, 0.1, 50, "cosine", 0.1, 0.9, 0.95, 1.0, 100, 250, 250, 10, 10, 1337, 0);
    }
}

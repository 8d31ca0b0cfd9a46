package rlhf4j.train.optim;

/**
 * The learning rate as a function of the optimizer step. Steps count from 0 (the first update).
 * Warmup is linear from peak/warmup at step 0 to the peak at step warmup−1, so no step is wasted
 * at lr 0; decay then runs from the peak at step {@code warmupSteps} to {@code peak·minRatio} at
 * step {@code totalSteps}, and stays there beyond it.
 */
public sealed interface LrSchedule {
    /** The learning rate of update number {@code step} (0-based). */
    double lr(long step);

    /** The same rate at every step. */
    record Constant(double lr) implements LrSchedule {
        public Constant {
            if (!(lr >= 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("lr must be finite and >= 0, got " + lr);
        }

        @Override
        public double lr(long step) {
            return lr;
        }
    }

    /** Linear warmup, then half a cosine from the peak down to {@code peak·minRatio} (as in nanoGPT). */
    record WarmupCosine(double peak, long warmupSteps, long totalSteps, double minRatio) implements LrSchedule {
        public WarmupCosine {
            validate(peak, warmupSteps, totalSteps, minRatio);
        }

        @Override
        public double lr(long step) {
            if (step < warmupSteps) return warmup(peak, step, warmupSteps);
            double progress = progress(step, warmupSteps, totalSteps);
            double min = peak * minRatio;
            return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
    }

    /** Linear warmup, then a straight line from the peak down to {@code peak·minRatio}. */
    record WarmupLinear(double peak, long warmupSteps, long totalSteps, double minRatio) implements LrSchedule {
        public WarmupLinear {
            validate(peak, warmupSteps, totalSteps, minRatio);
        }

        @Override
        public double lr(long step) {
            if (step < warmupSteps) return warmup(peak, step, warmupSteps);
            double min = peak * minRatio;
            return peak - (peak - min) * progress(step, warmupSteps, totalSteps);
        }
    }

    private static double warmup(double peak, long step, long warmupSteps) {
        return peak * (step + 1) / warmupSteps;
    }

    /** Fraction of the decay done at {@code step}, in [0, 1]; 1 from {@code totalSteps} on. */
    private static double progress(long step, long warmupSteps, long totalSteps) {
        if (step >= totalSteps) return 1;
        return (double) (step - warmupSteps) / (totalSteps - warmupSteps);
    }

    private static void validate(double peak, long warmupSteps, long totalSteps, double minRatio) {
        if (!(peak >= 0) || !Double.isFinite(peak)) throw new IllegalArgumentException("peak lr must be finite and >= 0, got " + peak);
        if (warmupSteps < 0) throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        if (totalSteps < warmupSteps) throw new IllegalArgumentException(
                "totalSteps (" + totalSteps + ") must be >= warmupSteps (" + warmupSteps + ")");
        if (!(minRatio >= 0 && minRatio <= 1)) throw new IllegalArgumentException("minRatio must be in [0, 1], got " + minRatio);
    }
}

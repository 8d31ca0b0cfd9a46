package rlhf4j.train.ppo;

/**
 * The KL coefficient β: fixed, or adapted toward a target KL as Ziegler et al. (2019):
 * e = clip(KL / target − 1, −0.2, 0.2); β ← β·(1 + e·n / horizon) after n answers.
 */
public final class KlController {
    private double beta;
    private final double target, horizon;

    /** target ≤ 0: β stays fixed. */
    public KlController(double beta, double target, double horizon) {
        if (!(beta >= 0)) throw new IllegalArgumentException("kl.beta must be >= 0, got " + beta);
        if (target > 0 && !(horizon > 0)) throw new IllegalArgumentException("kl.horizon must be positive, got " + horizon);
        this.beta = beta;
        this.target = target;
        this.horizon = horizon;
    }

    public double beta() {
        return beta;
    }

    void set(double b) {
        beta = b;
    }

    /** After a batch of n answers whose mean KL to the reference was kl. */
    public void update(double kl, int n) {
        if (target <= 0 || !Double.isFinite(kl)) return;
        double e = Math.max(-0.2, Math.min(0.2, kl / target - 1));
        beta *= 1 + e * n / horizon;
    }
}

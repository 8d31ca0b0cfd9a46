package rlhf4j.train.ppo;

/**
 * The per-token rewards of RLHF and generalized advantage estimation over them. Token t of an
 * answer of n tokens is an action; its reward is −β·(log π_old − log π_ref) (a per-token KL
 * penalty toward the reference), and the last token also gets the reward model's score.
 * Advantages: δ_t = r_t + γ·V_{t+1} − V_t (V_n = 0: the episode ends with the answer),
 * A_t = δ_t + γλ·A_{t+1}; returns (the value targets) R_t = A_t + V_t.
 */
public final class Gae {
    private Gae() {
    }

    /** Per-token rewards of one answer: logp/refLogp [n] → r [n]. */
    public static float[] rewards(float[] logp, float[] refLogp, double score, double beta) {
        int n = logp.length;
        float[] r = new float[n];
        for (int t = 0; t < n; t++) r[t] = (float) (-beta * ((double) logp[t] - refLogp[t]));
        r[n - 1] += (float) score;
        return r;
    }

    /** Advantages [n] of one answer from its rewards and values. */
    public static float[] advantages(float[] rewards, float[] values, double gamma, double lambda) {
        int n = rewards.length;
        float[] adv = new float[n];
        double next = 0, nextValue = 0;
        for (int t = n - 1; t >= 0; t--) {
            double delta = rewards[t] + gamma * nextValue - values[t];
            next = delta + gamma * lambda * next;
            adv[t] = (float) next;
            nextValue = values[t];
        }
        return adv;
    }

    /** Value targets R_t = A_t + V_t. */
    public static float[] returns(float[] advantages, float[] values) {
        float[] r = new float[advantages.length];
        for (int t = 0; t < r.length; t++) r[t] = advantages[t] + values[t];
        return r;
    }

    /** (x − mean) / std over all entries, in place (std floored at 1e-8); the mean is not kept. */
    public static void whiten(float[] x) {
        if (x.length == 0) return;
        double m = 0, v = 0;
        for (float a : x) m += a;
        m /= x.length;
        for (float a : x) v += (a - m) * (a - m);
        double std = Math.sqrt(v / Math.max(1, x.length - 1));
        double inv = 1 / Math.max(std, 1e-8);
        for (int i = 0; i < x.length; i++) x[i] = (float) ((x[i] - m) * inv);
    }

    /** 1 − Var(returns − values) / Var(returns): how much of the return the value model explains. */
    public static double explainedVariance(float[] values, float[] returns) {
        double mr = 0, md = 0;
        int n = returns.length;
        for (int i = 0; i < n; i++) {
            mr += returns[i];
            md += returns[i] - values[i];
        }
        mr /= n;
        md /= n;
        double vr = 0, vd = 0;
        for (int i = 0; i < n; i++) {
            vr += (returns[i] - mr) * (returns[i] - mr);
            double d = returns[i] - values[i] - md;
            vd += d * d;
        }
        return vr > 0 ? 1 - vd / vr : Double.NaN;
    }
}

package rlhf4j.train.dpo;

import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tensor;

/**
 * The DPO loss (Rafailov et al. 2023). With sequence log-probs summed over answer tokens, the
 * implicit reward of an answer is β·(log π(y) − log π_ref(y)); the loss is the Bradley–Terry
 * negative log-likelihood that the chosen answer out-scores the rejected one:
 * {@code −log σ(β·[(log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))])}, averaged over pairs.
 */
public final class DpoLoss {
    private DpoLoss() {
    }

    /**
     * chosen [P], rejected [P]: policy log-probs (on the tape); refChosen, refRejected: the cached
     * reference log-probs. Returns the mean loss (scalar) and, in {@code margins} (length P, may be
     * null), each pair's β·Δ.
     */
    public static Tensor loss(Tensor chosen, Tensor rejected, float[] refChosen, float[] refRejected, float beta, float[] margins) {
        int p = chosen.size();
        if (rejected.size() != p || refChosen.length != p || refRejected.length != p) throw new IllegalArgumentException(
                "pair counts differ: chosen " + p + ", rejected " + rejected.size() + ", ref " + refChosen.length + "/" + refRejected.length);
        float[] refDelta = new float[p];
        for (int i = 0; i < p; i++) refDelta[i] = refChosen[i] - refRejected[i];
        // β·[(π_w − π_l) − (ref_w − ref_l)] — the same as β·[(π_w − ref_w) − (π_l − ref_l)]
        Tensor logits = Ops.scale(Ops.sub(Ops.sub(chosen, rejected), Tensor.of(refDelta, p)), beta);
        if (margins != null) System.arraycopy(logits.data(), 0, margins, 0, p);
        return Ops.neg(Ops.mean(Ops.logSigmoid(logits)));
    }

    /**
     * The supervised term some recipes add to DPO (RPO, Pang et al. 2024; TRL's {@code rpo_alpha}):
     * {@code coef · mean_i(−log π(y_w,i) / |y_w,i|)}, the per-token negative log-likelihood of the
     * chosen answers. DPO alone can lower the chosen answers' likelihood along with the rejected
     * ones' (only their difference is trained), spreading mass onto answers nobody wrote; this
     * holds the chosen ones up. {@code chosenTokens[i]} is the i-th chosen answer's token count.
     */
    public static Tensor chosenNll(Tensor chosen, int[] chosenTokens, float coef) {
        int p = chosen.size();
        if (chosenTokens.length != p) throw new IllegalArgumentException("token counts " + chosenTokens.length + " for " + p + " pairs");
        float[] perToken = new float[p];
        for (int i = 0; i < p; i++) perToken[i] = 1f / Math.max(1, chosenTokens[i]);
        return Ops.scale(Ops.mean(Ops.mul(chosen, Tensor.of(perToken, p))), -coef);
    }

    /** The same loss in double for one pair (tests and documentation). */
    public static double reference(double pw, double pl, double rw, double rl, double beta) {
        double z = beta * ((pw - rw) - (pl - rl));
        return Math.log1p(Math.exp(-z));
    }
}

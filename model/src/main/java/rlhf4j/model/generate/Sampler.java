package rlhf4j.model.generate;

import java.util.Arrays;
import rlhf4j.tensor.Rng;

/**
 * Draws token ids from rows of logits: greedy, or softmax(logits / T) restricted to the top k
 * and then to the top-p nucleus (the order HF applies them). Holds its scratch buffers and its
 * seeded {@link Rng}, so the same calls give the same tokens.
 */
public final class Sampler {
    private final SamplingParams params;
    private final Rng rng;
    private double[] probs = new double[0];
    private long[] order = new long[0];

    public Sampler(SamplingParams params) {
        this.params = params;
        this.rng = new Rng(params.seed());
    }

    /** The token drawn from {@code logits[offset .. offset + vocab)}. */
    public int sample(float[] logits, int offset, int vocab) {
        if (params.isGreedy()) return argmax(logits, offset, vocab);
        if (probs.length < vocab) {
            probs = new double[vocab];
            order = new long[vocab];
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[offset + i]);
        double invT = 1.0 / params.temperature(), total = 0;
        for (int i = 0; i < vocab; i++) {
            double p = Math.exp((logits[offset + i] - max) * invT); // unnormalised softmax(logits / T)
            probs[i] = p;
            total += p;
        }
        boolean restrict = (params.topK() > 0 && params.topK() < vocab) || params.topP() < 1f;
        if (!restrict) return draw(vocab, total);

        // sort by probability, descending: key = (float bits of p, which order like p for p >= 0) then id
        for (int i = 0; i < vocab; i++) order[i] = ((long) Float.floatToIntBits((float) probs[i]) << 32) | i;
        Arrays.sort(order, 0, vocab);
        int kept = params.topK() > 0 ? Math.min(params.topK(), vocab) : vocab;
        double keptMass = 0;
        for (int r = 0; r < kept; r++) keptMass += probs[idAt(vocab, r)];
        if (params.topP() < 1f) {
            // smallest prefix whose share of the (top-k) mass reaches topP; always at least one token
            double target = params.topP() * keptMass, cum = 0;
            int n = 0;
            while (n < kept) {
                cum += probs[idAt(vocab, n++)];
                if (cum >= target) break;
            }
            kept = n;
            keptMass = cum;
        }
        double u = rng.nextDouble() * keptMass;
        for (int r = 0; r < kept; r++) {
            int id = idAt(vocab, r);
            u -= probs[id];
            if (u < 0) return id;
        }
        return idAt(vocab, kept - 1);
    }

    /** The id of rank r (0 = most likely) in the sorted order. */
    private int idAt(int vocab, int r) {
        return (int) order[vocab - 1 - r];
    }

    private int draw(int vocab, double total) {
        double u = rng.nextDouble() * total;
        int last = 0;
        for (int i = 0; i < vocab; i++) {
            if (probs[i] > 0) last = i;
            u -= probs[i];
            if (u < 0) return i;
        }
        return last; // rounding left u ≥ 0: the last token with any mass
    }

    /** Index of the largest logit (the first one on ties). */
    public static int argmax(float[] logits, int offset, int vocab) {
        int best = 0;
        float bestValue = logits[offset];
        for (int i = 1; i < vocab; i++) {
            if (logits[offset + i] > bestValue) {
                bestValue = logits[offset + i];
                best = i;
            }
        }
        return best;
    }
}

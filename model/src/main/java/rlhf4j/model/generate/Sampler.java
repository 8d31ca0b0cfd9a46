package rlhf4j.model.generate;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import rlhf4j.tensor.LaneSums;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.VectorMath;

/**
 * Draws token ids from rows of logits: greedy, or softmax(logits / T) restricted to the top k
 * and then to the top-p nucleus (the order HF applies them). Holds its scratch buffers and its
 * seeded {@link Rng}, so the same calls give the same tokens.
 */
public final class Sampler {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private final SamplingParams params;
    private final Rng rng;
    private float[] probs = new float[0];
    private final float[] lanes = new float[F.length()];
    private long[] order = new long[0];

    public Sampler(SamplingParams params) {
        this.params = params;
        this.rng = new Rng(params.seed());
    }

    /** The token drawn from {@code logits[offset .. offset + vocab)}. */
    public int sample(float[] logits, int offset, int vocab) {
        if (params.isGreedy()) return argmax(logits, offset, vocab);
        if (probs.length < vocab) {
            probs = new float[vocab];
            order = new long[vocab];
        }
        double total = unnormalisedSoftmax(logits, offset, vocab, (float) (1.0 / params.temperature()));
        boolean restrict = (params.topK() > 0 && params.topK() < vocab) || params.topP() < 1f;
        if (!restrict) return draw(vocab, total);

        // sort by probability, descending: key = (float bits of p, which order like p for p >= 0) then id
        for (int i = 0; i < vocab; i++) order[i] = ((long) Float.floatToIntBits(probs[i]) << 32) | i;
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

    /**
     * probs[i] = exp((logits[offset + i] − max) / T) for i < vocab, vectorized with {@link VectorMath#exp}
     * (the same bits interpreted or compiled); returns their sum, added lane-wise then by the lane tree.
     */
    private double unnormalisedSoftmax(float[] logits, int offset, int vocab, float invT) {
        int L = F.length(), i = 0, whole = vocab - vocab % L;
        FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (; i < whole; i += L) mv = mv.max(FloatVector.fromArray(F, logits, offset + i));
        float max = mv.reduceLanes(VectorOperators.MAX); // a max is the same in any order
        for (; i < vocab; i++) max = Math.max(max, logits[offset + i]);
        FloatVector sum = FloatVector.zero(F);
        for (i = 0; i < whole; i += L) {
            FloatVector p = VectorMath.exp(FloatVector.fromArray(F, logits, offset + i).sub(max).mul(invT));
            p.intoArray(probs, i);
            sum = sum.add(p);
        }
        sum.intoArray(lanes, 0);
        double total = LaneSums.sum(lanes);
        for (; i < vocab; i++) {
            probs[i] = (float) Math.exp((logits[offset + i] - max) * invT);
            total += probs[i];
        }
        return total;
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

package rlhf4j.train.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Tensor;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter, "Decoupled Weight Decay
 * Regularization", Algorithm 2), written as PyTorch's {@code torch.optim.AdamW} computes it:
 *
 * <pre>
 *   p -= lr·wd·p                          (only where {@link #decays} says so)
 *   m  = β1·m + (1−β1)·g
 *   v  = β2·v + (1−β2)·g²
 *   p -= lr · (m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + eps)
 * </pre>
 *
 * The moments are one float array per parameter. A step runs over a fixed flat split of all
 * parameters ({@link ParamChunks}) in parallel; the update is elementwise, so any split gives the
 * same bits. A steady-state step allocates nothing but the pool's bookkeeping.
 *
 * <p>A parameter with no gradient buffer ({@link Tensor#hasGrad()} false) is left alone that step
 * (no decay, no moment update), as PyTorch skips parameters whose grad is None; the step count is
 * shared by all parameters.
 */
public final class AdamW {
    /** Hyperparameters; {@code lr} is the default learning rate of {@link #step()}. */
    public record Hyper(float lr, float beta1, float beta2, float eps, float weightDecay) {
        public Hyper {
            if (!(lr >= 0) || !Float.isFinite(lr)) throw new IllegalArgumentException("lr must be >= 0, got " + lr);
            if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
            if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
            if (!(eps > 0)) throw new IllegalArgumentException("eps must be > 0, got " + eps);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        }

        /** The usual LLM settings (GPT-3 / nanoGPT): β = (0.9, 0.95), eps 1e-8, weight decay 0.1. */
        public static Hyper llmDefaults(float lr) {
            return new Hyper(lr, 0.9f, 0.95f, 1e-8f, 0.1f);
        }

        public Hyper withLr(float newLr) {
            return new Hyper(newLr, beta1, beta2, eps, weightDecay);
        }
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private final Hyper hyper;
    private final List<Tensor> params;
    private final String[] names;
    private final boolean[] decay;
    private final float[][] expAvg, expAvgSq;
    private final ParamChunks chunks;
    private final Parallel.Task updateChunk = this::updateChunk;
    private long step;
    boolean vectorized = true; // tests flip this to run the scalar reference path

    // Per-step scalars, written before the parallel run (task submission publishes them).
    private final float[][] grads;
    private float stepSize, invBc2Sqrt, decayFactor;

    /**
     * @param params the trainable parameters, each with a unique non-null name (the name keys the
     *               checkpointed moments and picks the weight-decay rule)
     */
    public AdamW(List<Tensor> params, Hyper hyper) {
        this.hyper = hyper;
        this.params = List.copyOf(params);
        int n = this.params.size();
        names = new String[n];
        decay = new boolean[n];
        expAvg = new float[n][];
        expAvgSq = new float[n][];
        grads = new float[n][];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Tensor p = this.params.get(i);
            String name = p.name();
            if (name == null) throw new IllegalArgumentException("AdamW: parameter " + i + " " + p + " has no name");
            if (!seen.add(name)) throw new IllegalArgumentException("AdamW: parameter name '" + name + "' appears twice");
            names[i] = name;
            decay[i] = decays(name, p.rank());
            expAvg[i] = new float[p.size()];
            expAvgSq[i] = new float[p.size()];
        }
        chunks = new ParamChunks(this.params);
    }

    /**
     * The weight-decay rule: decay only matrices that are not embeddings. Norm gains and biases
     * (rank &lt; 2) and token/position embeddings (HF names containing {@code wte}, {@code wpe} or
     * {@code embed_tokens}) are not decayed, as in GPT-2/3 and nanoGPT; {@code lm_head.weight},
     * attention and MLP matrices are.
     */
    public static boolean decays(String name, int rank) {
        if (rank < 2) return false;
        return !(name.contains("wte") || name.contains("wpe") || name.contains("embed_tokens"));
    }

    public Hyper hyper() {
        return hyper;
    }

    public List<Tensor> params() {
        return params;
    }

    /** Steps taken so far (t of the bias correction after the next step is this + 1). */
    public long stepCount() {
        return step;
    }

    /** One update with the learning rate of {@link #hyper()}. */
    public void step() {
        step(hyper.lr());
    }

    /** One update of every parameter from its gradient, with learning rate {@code lr} (e.g. from a schedule). */
    public void step(float lr) {
        if (!(lr >= 0) || !Float.isFinite(lr)) throw new IllegalArgumentException("lr must be finite and >= 0, got " + lr);
        step++;
        // Bias corrections in double: β^t underflows gracefully and 1−β^t keeps its digits.
        double bc1 = 1 - Math.pow(hyper.beta1(), step);
        double bc2 = 1 - Math.pow(hyper.beta2(), step);
        stepSize = (float) (lr / bc1);
        invBc2Sqrt = (float) (1 / Math.sqrt(bc2));
        decayFactor = (float) (1 - (double) lr * hyper.weightDecay());
        for (int i = 0; i < grads.length; i++) grads[i] = params.get(i).gradOrNull();
        Parallel.forEach(chunks.count(), updateChunk);
        Arrays.fill(grads, null); // do not keep gradient buffers alive between steps
    }

    private void updateChunk(int c) {
        int i = chunks.param[c];
        float[] g = grads[i];
        if (g == null) return;
        float d = decay[i] ? decayFactor : 1f;
        float[] p = params.get(i).data();
        if (vectorized) {
            updateVector(p, g, expAvg[i], expAvgSq[i], chunks.from[c], chunks.to[c], d,
                    hyper.beta1(), hyper.beta2(), hyper.eps(), stepSize, invBc2Sqrt);
        } else {
            updateScalar(p, g, expAvg[i], expAvgSq[i], chunks.from[c], chunks.to[c], d,
                    hyper.beta1(), hyper.beta2(), hyper.eps(), stepSize, invBc2Sqrt);
        }
    }

    /**
     * The reference update of elements [from, to). {@code decay} is 1−lr·wd (or 1),
     * {@code stepSize} lr/(1−β1^t), {@code invBc2Sqrt} 1/sqrt(1−β2^t). The fused multiply-adds
     * are in the same order as {@link #updateVector}, so both paths give the same bits.
     */
    static void updateScalar(float[] p, float[] g, float[] m, float[] v, int from, int to, float decay,
                             float beta1, float beta2, float eps, float stepSize, float invBc2Sqrt) {
        float c1 = (float) (1 - (double) beta1), c2 = (float) (1 - (double) beta2);
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float mi = Math.fma(m[i], beta1, c1 * gi);
            float vi = Math.fma(v[i], beta2, (gi * gi) * c2);
            float denom = Math.fma((float) Math.sqrt(vi), invBc2Sqrt, eps);
            p[i] = Math.fma(mi / denom, -stepSize, p[i] * decay);
            m[i] = mi;
            v[i] = vi;
        }
    }

    static void updateVector(float[] p, float[] g, float[] m, float[] v, int from, int to, float decay,
                             float beta1, float beta2, float eps, float stepSize, float invBc2Sqrt) {
        float c1 = (float) (1 - (double) beta1), c2 = (float) (1 - (double) beta2);
        FloatVector vb1 = FloatVector.broadcast(F, beta1), vb2 = FloatVector.broadcast(F, beta2);
        FloatVector vc1 = FloatVector.broadcast(F, c1), vc2 = FloatVector.broadcast(F, c2);
        FloatVector veps = FloatVector.broadcast(F, eps), vinv = FloatVector.broadcast(F, invBc2Sqrt);
        FloatVector vneg = FloatVector.broadcast(F, -stepSize), vdecay = FloatVector.broadcast(F, decay);
        int i = from, upper = from + F.loopBound(to - from);
        for (; i < upper; i += F.length()) {
            FloatVector gi = FloatVector.fromArray(F, g, i);
            FloatVector mi = FloatVector.fromArray(F, m, i).fma(vb1, vc1.mul(gi));
            FloatVector vi = FloatVector.fromArray(F, v, i).fma(vb2, gi.mul(gi).mul(vc2));
            FloatVector denom = vi.sqrt().fma(vinv, veps);
            FloatVector pi = FloatVector.fromArray(F, p, i).mul(vdecay);
            mi.div(denom).fma(vneg, pi).intoArray(p, i);
            mi.intoArray(m, i);
            vi.intoArray(v, i);
        }
        if (i < to) updateScalar(p, g, m, v, i, to, decay, beta1, beta2, eps, stepSize, invBc2Sqrt);
    }

    // ---- checkpointing ----

    /**
     * The moments keyed {@code exp_avg.<name>} and {@code exp_avg_sq.<name>}, in parameter order
     * (the two of each parameter together). The arrays are the live state, not copies: write them
     * out before the next step. Save {@link #stepCount()} with them.
     */
    public Map<String, float[]> state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            out.put("exp_avg." + names[i], expAvg[i]);
            out.put("exp_avg_sq." + names[i], expAvgSq[i]);
        }
        return out;
    }

    /**
     * Restores the moments (copied in) and the step count saved by {@link #state()}. Every
     * parameter's two entries must be present with its size, and no other entry may be; on any
     * mismatch nothing is changed and the message lists the problems (the first ten).
     */
    public void restore(Map<String, float[]> state, long stepCount) {
        if (stepCount < 0) throw new IllegalArgumentException("optimizer state: step count must be >= 0, got " + stepCount);
        List<String> problems = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < names.length; i++) {
            for (String key : new String[] {"exp_avg." + names[i], "exp_avg_sq." + names[i]}) {
                expected.add(key);
                float[] a = state.get(key);
                if (a == null) problems.add("missing '" + key + "'");
                else if (a.length != params.get(i).size()) problems.add("'" + key + "' has " + a.length
                        + " values but parameter '" + names[i] + "' " + Arrays.toString(params.get(i).shape())
                        + " has " + params.get(i).size());
            }
        }
        for (String key : state.keySet()) {
            if (!expected.contains(key)) problems.add("unexpected '" + key + "' (no such parameter)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("optimizer state does not match the model's parameters"
                    + " (saved for another model or another set of trainable parameters?): "
                    + String.join("; ", problems.size() > 10 ? problems.subList(0, 10) : problems)
                    + (problems.size() > 10 ? "; ... and " + (problems.size() - 10) + " more" : ""));
        }
        for (int i = 0; i < names.length; i++) {
            System.arraycopy(state.get("exp_avg." + names[i]), 0, expAvg[i], 0, expAvg[i].length);
            System.arraycopy(state.get("exp_avg_sq." + names[i]), 0, expAvgSq[i], 0, expAvgSq[i].length);
        }
        step = stepCount;
    }
}

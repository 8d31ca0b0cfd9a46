package rlhf4j.tensor.ops;

import rlhf4j.tensor.VectorMath;
import static rlhf4j.tensor.ops.Vec.L;
import static rlhf4j.tensor.ops.Vec.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/**
 * MLP nonlinearities. GELU and SwiGLU run on every layer's [B·T, 4D] hidden state, so their
 * forward and backward are vectorized; both are written through the logistic function
 * σ(z) = 1 / (1 + e^−z), which needs only one vector exp.
 */
public final class Activations {
    private Activations() {
    }

    // GELU, tanh approximation: 0.5·x·(1 + tanh(u)) with u = √(2/π)·(x + 0.044715·x³).
    // Since 0.5·(1 + tanh(u)) = σ(2u), gelu(x) = x·σ(2u) and gelu'(x) = s + 2·x·s·(1 − s)·u'(x).
    private static final float GELU_C = (float) Math.sqrt(2 / Math.PI);
    private static final float GELU_K = 0.044715f;

    public static Tensor gelu(Tensor x) {
        Tensor out = Tensor.empty(Tensor.needsGrad(x), x.shape());
        float[] in = x.data(), y = out.data();
        Vec.forElements(y.length, (from, to) -> {
            if (Vec.enabled) geluVector(in, y, from, to);
            else geluScalar(in, y, from, to);
        });
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] g = out.gradOrNull();
                if (g == null || !x.requiresGrad()) return;
                float[] gx = x.grad();
                Vec.forElements(g.length, (from, to) -> {
                    if (Vec.enabled) geluBackwardVector(in, g, gx, from, to);
                    else geluBackwardScalar(in, g, gx, from, to);
                });
            });
        }
        return out;
    }

    static void geluScalar(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i], u = GELU_C * (v + GELU_K * v * v * v);
            y[i] = v * logistic(2f * u);
        }
    }

    static void geluVector(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector u2 = v.mul(v).mul(v).mul(GELU_K).add(v).mul(-2f * GELU_C); // −2u
            FloatVector s = VectorMath.exp(u2).add(1f);           // 1/σ(2u)
            v.div(s).intoArray(y, i);
        }
        geluScalar(x, y, i, to);
    }

    static void geluBackwardScalar(float[] x, float[] g, float[] gx, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i], v2 = v * v, u = GELU_C * (v + GELU_K * v2 * v);
            float s = logistic(2f * u);
            float du = GELU_C * (1f + 3f * GELU_K * v2);
            gx[i] += g[i] * (s + 2f * v * s * (1f - s) * du);
        }
    }

    static void geluBackwardVector(float[] x, float[] g, float[] gx, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i), v2 = v.mul(v);
            FloatVector u2 = v2.mul(v).mul(GELU_K).add(v).mul(-2f * GELU_C);
            FloatVector s = FloatVector.broadcast(S, 1f).div(VectorMath.exp(u2).add(1f));
            FloatVector du = v2.mul(3f * GELU_K * GELU_C).add(GELU_C);
            // s + 2·x·s·(1 − s)·u'
            FloatVector d = s.neg().add(1f).mul(s).mul(v).mul(du).mul(2f).add(s);
            FloatVector.fromArray(S, g, i).fma(d, FloatVector.fromArray(S, gx, i)).intoArray(gx, i);
        }
        geluBackwardScalar(x, g, gx, i, to);
    }

    /** σ(z) = 1 / (1 + e^−z); e^−z may overflow to ∞, which still gives the right limit 0. */
    static float logistic(float z) {
        return 1f / (1f + (float) Math.exp(-z));
    }

    // ---- SiLU and SwiGLU: silu(x) = x·σ(x), silu'(x) = σ(x)·(1 + x·(1 − σ(x))) ----

    public static Tensor silu(Tensor x) {
        Tensor out = Tensor.empty(Tensor.needsGrad(x), x.shape());
        float[] in = x.data(), y = out.data();
        Vec.forElements(y.length, (from, to) -> {
            for (int i = from; i < to; i++) y[i] = in[i] * logistic(in[i]);
        });
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] g = out.gradOrNull();
                if (g == null || !x.requiresGrad()) return;
                float[] gx = x.grad();
                Vec.forElements(g.length, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        float s = logistic(in[i]);
                        gx[i] += g[i] * s * (1f + in[i] * (1f - s));
                    }
                });
            });
        }
        return out;
    }

    /** silu(gate)·up, fused: gate and up [..., F] → [..., F] (Llama's MLP). */
    public static Tensor swiglu(Tensor gate, Tensor up) {
        Vec.checkSame("swiglu", gate, up);
        Tensor out = Tensor.empty(Tensor.needsGrad(gate, up), gate.shape());
        float[] a = gate.data(), b = up.data(), y = out.data();
        Vec.forElements(y.length, (from, to) -> {
            if (Vec.enabled) swigluVector(a, b, y, from, to);
            else swigluScalar(a, b, y, from, to);
        });
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] g = out.gradOrNull();
                if (g == null) return;
                float[] ga = gate.requiresGrad() ? gate.grad() : null, gb = up.requiresGrad() ? up.grad() : null;
                Vec.forElements(g.length, (from, to) -> {
                    if (Vec.enabled && ga != null && gb != null) swigluBackwardVector(a, b, g, ga, gb, from, to);
                    else swigluBackwardScalar(a, b, g, ga, gb, from, to);
                });
            });
        }
        return out;
    }

    static void swigluScalar(float[] a, float[] b, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = a[i] * logistic(a[i]) * b[i];
    }

    static void swigluVector(float[] a, float[] b, float[] y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector va = FloatVector.fromArray(S, a, i);
            FloatVector e = VectorMath.exp(va.neg()).add(1f); // 1/σ(a)
            va.mul(FloatVector.fromArray(S, b, i)).div(e).intoArray(y, i);
        }
        swigluScalar(a, b, y, i, to);
    }

    /** ga, gb may be null (that input needs no gradient). */
    static void swigluBackwardScalar(float[] a, float[] b, float[] g, float[] ga, float[] gb, int from, int to) {
        for (int i = from; i < to; i++) {
            float s = logistic(a[i]);
            if (ga != null) ga[i] += g[i] * b[i] * s * (1f + a[i] * (1f - s));
            if (gb != null) gb[i] += g[i] * a[i] * s;
        }
    }

    static void swigluBackwardVector(float[] a, float[] b, float[] g, float[] ga, float[] gb, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector va = FloatVector.fromArray(S, a, i), vg = FloatVector.fromArray(S, g, i);
            FloatVector s = FloatVector.broadcast(S, 1f).div(VectorMath.exp(va.neg()).add(1f));
            FloatVector silu = va.mul(s);
            // silu'(a) = s + silu·(1 − s)
            FloatVector d = s.neg().add(1f).fma(silu, s);
            vg.mul(FloatVector.fromArray(S, b, i)).fma(d, FloatVector.fromArray(S, ga, i)).intoArray(ga, i);
            vg.fma(silu, FloatVector.fromArray(S, gb, i)).intoArray(gb, i);
        }
        swigluBackwardScalar(a, b, g, ga, gb, i, to);
    }

    // ---- ReLU family ----

    public static Tensor relu(Tensor x) {
        return relu(x, false);
    }

    /** relu(x)², as in modded-nanoGPT; derivative 2·relu(x). */
    public static Tensor relu2(Tensor x) {
        return relu(x, true);
    }

    private static Tensor relu(Tensor x, boolean squared) {
        Tensor out = Tensor.empty(Tensor.needsGrad(x), x.shape());
        float[] in = x.data(), y = out.data();
        Vec.forElements(y.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                float r = Math.max(in[i], 0f);
                y[i] = squared ? r * r : r;
            }
        });
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] g = out.gradOrNull();
                if (g == null || !x.requiresGrad()) return;
                float[] gx = x.grad();
                Vec.forElements(g.length, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        if (in[i] > 0f) gx[i] += squared ? 2f * in[i] * g[i] : g[i];
                    }
                });
            });
        }
        return out;
    }
}

package rlhf4j.tensor.ops;

import java.util.Arrays;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/**
 * Elementwise arithmetic. In the binary ops b's shape is a suffix of a's and b is broadcast over
 * a's leading dims (a bias [D] added to [B, T, D]); b's gradient is then summed over those rows
 * in per-chunk partials added in fixed order, so it is deterministic.
 */
public final class Pointwise {
    private Pointwise() {
    }

    private enum Arith { ADD, SUB, MUL, DIV }

    public static Tensor add(Tensor a, Tensor b) { return binary(Arith.ADD, a, b); }

    public static Tensor sub(Tensor a, Tensor b) { return binary(Arith.SUB, a, b); }

    public static Tensor mul(Tensor a, Tensor b) { return binary(Arith.MUL, a, b); }

    public static Tensor div(Tensor a, Tensor b) { return binary(Arith.DIV, a, b); }

    // a [..., *S], b [*S] -> out [..., *S]
    private static Tensor binary(Arith op, Tensor a, Tensor b) {
        Vec.checkSuffix(op.name().toLowerCase(), a, b);
        int m = b.size();
        Tensor out = Tensor.empty(Tensor.needsGrad(a, b), a.shape());
        float[] x = a.data(), y = b.data(), z = out.data();
        Vec.forElements(z.length, (from, to) -> {
            // walk [from, to) in segments that stay inside one broadcast row of b
            for (int i = from; i < to; ) {
                int j = m == z.length ? i : i % m, len = Math.min(to - i, m - j);
                switch (op) {
                    case ADD -> Vec.add(x, i, y, j, z, i, len);
                    case SUB -> Vec.sub(x, i, y, j, z, i, len);
                    case MUL -> Vec.mul(x, i, y, j, z, i, len);
                    case DIV -> Vec.div(x, i, y, j, z, i, len);
                }
                i += len;
            }
        });
        if (out.requiresGrad()) Tape.push(() -> binaryBackward(op, a, b, out));
        return out;
    }

    private static void binaryBackward(Arith op, Tensor a, Tensor b, Tensor out) {
        float[] g = out.gradOrNull();
        if (g == null) return;
        float[] x = a.data(), y = b.data();
        int m = y.length, rows = g.length / Math.max(1, m);
        if (a.requiresGrad()) {
            float[] ga = a.grad();
            Vec.forElements(g.length, (from, to) -> {
                for (int i = from; i < to; ) {
                    int j = m == g.length ? i : i % m, len = Math.min(to - i, m - j);
                    switch (op) {
                        case ADD -> Vec.acc(ga, i, g, i, len);
                        case SUB -> Vec.acc(ga, i, g, i, len);
                        case MUL -> Vec.accMul(ga, i, g, i, y, j, len);
                        case DIV -> Vec.accDiv(ga, i, g, i, y, j, len);
                    }
                    i += len;
                }
            });
        }
        if (b.requiresGrad()) {
            float[] gb = b.grad();
            // d/db of a·b and a/b both need Σ g·a over the rows; add and sub need Σ g.
            boolean withA = op == Arith.MUL || op == Arith.DIV;
            if (rows == 1) {
                // same shapes: nothing to sum over, b's gradient is elementwise
                Vec.forElements(m, (from, to) -> {
                    int len = to - from;
                    switch (op) {
                        case ADD -> Vec.acc(gb, from, g, from, len);
                        case SUB -> Vec.accScaled(gb, from, g, from, -1f, len);
                        case MUL -> Vec.accMul(gb, from, g, from, x, from, len);
                        case DIV -> {
                            for (int j = from; j < to; j++) gb[j] -= g[j] * x[j] / (y[j] * y[j]);
                        }
                    }
                });
                return;
            }
            int chunks = Vec.rowChunks(rows, m);
            float[] partials = Vec.scratch(chunks * m);
            Vec.forRowChunks(rows, chunks, (c, r0, r1) -> {
                int p = c * m;
                Arrays.fill(partials, p, p + m, 0f);
                for (int r = r0; r < r1; r++) {
                    if (withA) Vec.accMul(partials, p, g, r * m, x, r * m, m);
                    else Vec.acc(partials, p, g, r * m, m);
                }
            });
            if (op == Arith.DIV) {
                // d(a/b)/db = −a/b²: the row sum Σ g·a is scaled per column afterwards
                for (int j = 0; j < m; j++) {
                    float s = 0f;
                    for (int c = 0; c < chunks; c++) s += partials[c * m + j];
                    gb[j] -= s / (y[j] * y[j]);
                }
            } else {
                Vec.addPartials(partials, chunks, m, gb, op == Arith.SUB ? -1f : 1f);
            }
        }
    }

    public static Tensor scale(Tensor a, float s) {
        return affine(a, s, 0f);
    }

    public static Tensor addScalar(Tensor a, float s) {
        return affine(a, 1f, s);
    }

    // out = a·s + t; da = g·s
    private static Tensor affine(Tensor a, float s, float t) {
        Tensor out = Tensor.empty(Tensor.needsGrad(a), a.shape());
        float[] x = a.data(), y = out.data();
        Vec.forElements(y.length, (from, to) -> Vec.affine(x, from, s, t, y, from, to - from));
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] g = out.gradOrNull();
                if (g == null || !a.requiresGrad()) return;
                float[] ga = a.grad();
                Vec.forElements(g.length, (from, to) -> Vec.accScaled(ga, from, g, from, s, to - from));
            });
        }
        return out;
    }

    // ---- unary functions: forward value, and the local derivative for backward ----

    private interface Forward {
        float apply(float x);
    }

    /** dy/dx from the input x and the output y (whichever is cheaper). */
    private interface Derivative {
        float apply(float x, float y);
    }

    private static Tensor unary(Tensor a, Forward f, Derivative d) {
        Tensor out = Tensor.empty(Tensor.needsGrad(a), a.shape());
        float[] x = a.data(), y = out.data();
        Vec.forElements(y.length, (from, to) -> {
            for (int i = from; i < to; i++) y[i] = f.apply(x[i]);
        });
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] g = out.gradOrNull();
                if (g == null || !a.requiresGrad()) return;
                float[] ga = a.grad();
                Vec.forElements(g.length, (from, to) -> {
                    for (int i = from; i < to; i++) ga[i] += g[i] * d.apply(x[i], y[i]);
                });
            });
        }
        return out;
    }

    public static Tensor exp(Tensor a) {
        return unary(a, x -> (float) Math.exp(x), (x, y) -> y);
    }

    public static Tensor log(Tensor a) {
        return unary(a, x -> (float) Math.log(x), (x, y) -> 1f / x);
    }

    public static Tensor square(Tensor a) {
        return unary(a, x -> x * x, (x, y) -> 2f * x);
    }

    public static Tensor sigmoid(Tensor a) {
        return unary(a, Pointwise::sigmoid, (x, y) -> y * (1f - y));
    }

    /**
     * log σ(x) = min(x, 0) − log(1 + e^−|x|): never overflows, and keeps full precision for large
     * negative x (where it is ≈ x). The derivative is σ(−x).
     */
    public static Tensor logSigmoid(Tensor a) {
        return unary(a, x -> (float) (Math.min(x, 0.0) - Math.log1p(Math.exp(-Math.abs((double) x)))),
                (x, y) -> sigmoid(-x));
    }

    static float sigmoid(float x) {
        // written so exp never overflows: e^−|x| ≤ 1
        double e = Math.exp(-Math.abs((double) x));
        return (float) (x >= 0 ? 1 / (1 + e) : e / (1 + e));
    }

    /** Clamps to [lo, hi]; the gradient passes where lo ≤ x ≤ hi (as torch). */
    public static Tensor clamp(Tensor a, float lo, float hi) {
        if (!(lo <= hi)) throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
        return unary(a, x -> Math.min(Math.max(x, lo), hi), (x, y) -> x >= lo && x <= hi ? 1f : 0f);
    }

    public static Tensor minimum(Tensor a, Tensor b) {
        return choose("minimum", a, b, true);
    }

    public static Tensor maximum(Tensor a, Tensor b) {
        return choose("maximum", a, b, false);
    }

    // out = a where a is chosen (ties included), else b; the gradient follows the choice
    private static Tensor choose(String name, Tensor a, Tensor b, boolean min) {
        Vec.checkSame(name, a, b);
        Tensor out = Tensor.empty(Tensor.needsGrad(a, b), a.shape());
        float[] x = a.data(), y = b.data(), z = out.data();
        Vec.forElements(z.length, (from, to) -> {
            for (int i = from; i < to; i++) z[i] = picksA(x[i], y[i], min) ? x[i] : y[i];
        });
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] g = out.gradOrNull();
                if (g == null) return;
                float[] ga = a.requiresGrad() ? a.grad() : null, gb = b.requiresGrad() ? b.grad() : null;
                Vec.forElements(g.length, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        if (picksA(x[i], y[i], min)) {
                            if (ga != null) ga[i] += g[i];
                        } else if (gb != null) {
                            gb[i] += g[i];
                        }
                    }
                });
            });
        }
        return out;
    }

    private static boolean picksA(float x, float y, boolean min) {
        return min ? x <= y : x >= y;
    }

    /** cond ≠ 0 ? a : b elementwise; cond is a constant (no gradient). */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Vec.checkSame("where", a, b);
        Vec.checkSame("where (cond)", cond, a);
        Tensor out = Tensor.empty(Tensor.needsGrad(a, b), a.shape());
        float[] c = cond.data(), x = a.data(), y = b.data(), z = out.data();
        Vec.forElements(z.length, (from, to) -> {
            for (int i = from; i < to; i++) z[i] = c[i] != 0f ? x[i] : y[i];
        });
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] g = out.gradOrNull();
                if (g == null) return;
                float[] ga = a.requiresGrad() ? a.grad() : null, gb = b.requiresGrad() ? b.grad() : null;
                Vec.forElements(g.length, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        if (c[i] != 0f) {
                            if (ga != null) ga[i] += g[i];
                        } else if (gb != null) {
                            gb[i] += g[i];
                        }
                    }
                });
            });
        }
        return out;
    }
}

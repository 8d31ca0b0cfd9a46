package rlhf4j.tensor.ops;

import rlhf4j.tensor.VectorMath;
import static rlhf4j.tensor.ops.Vec.L;
import static rlhf4j.tensor.ops.Vec.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/**
 * LayerNorm and RMSNorm over the last dim, on rows of x [..., D]. The forward keeps each row's
 * mean and 1/σ (pooled) for the backward; weight and bias gradients are summed over rows in
 * per-chunk partials, added in chunk order, so they are deterministic for a given thread count.
 *
 * <p>With x̂ = (x − μ)·r (r = 1/√(var + eps); for RMSNorm μ = 0 and var = mean(x²)) and
 * d = dy·w, the input gradient is dx = r·(d − mean(d) − x̂·mean(d·x̂)), without the mean(d) term
 * for RMSNorm.
 */
public final class Norms {
    private Norms() {
    }

    /** x [..., D], weight and bias [D] (either may be null) → [..., D]. */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        return norm("layerNorm", x, weight, bias, eps, true);
    }

    /** x [..., D], weight [D] (may be null) → [..., D]. */
    public static Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        return norm("rmsNorm", x, weight, null, eps, false);
    }

    private static Tensor norm(String op, Tensor x, Tensor weight, Tensor bias, float eps, boolean centered) {
        int d = x.dim(-1), rows = x.rows();
        checkParam(op, "weight", x, weight);
        checkParam(op, "bias", x, bias);
        Tensor out = Tensor.empty(Tensor.needsGrad(x, weight, bias), x.shape());
        // per-row statistics, kept only when a backward will read them
        float[] mean = out.requiresGrad() && centered ? Vec.scratch(rows) : null;
        float[] rstd = out.requiresGrad() ? Vec.scratch(rows) : null;
        float[] in = x.data(), y = out.data();
        float[] w = weight == null ? null : weight.data(), b = bias == null ? null : bias.data();
        Vec.forRows(rows, d, (r0, r1) -> {
            if (Vec.enabled) forwardVector(in, w, b, y, mean, rstd, d, eps, centered, r0, r1);
            else forwardScalar(in, w, b, y, mean, rstd, d, eps, centered, r0, r1);
        });
        if (out.requiresGrad()) {
            Tape.push(() -> backward(x, weight, bias, out, mean, rstd));
        }
        return out;
    }

    private static void checkParam(String op, String what, Tensor x, Tensor p) {
        if (p != null && (p.rank() != 1 || p.size() != x.dim(-1))) throw new IllegalArgumentException(
                op + ": " + what + " " + Arrays.toString(p.shape()) + " must be [" + x.dim(-1) + "] for x "
                        + Arrays.toString(x.shape()));
    }

    // ---- forward ----

    static void forwardScalar(float[] x, float[] w, float[] b, float[] y, float[] mean, float[] rstd,
                              int d, float eps, boolean centered, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int o = r * d;
            float mu = 0f;
            if (centered) {
                for (int i = 0; i < d; i++) mu += x[o + i];
                mu /= d;
            }
            float var = 0f;
            for (int i = 0; i < d; i++) {
                float c = x[o + i] - mu;
                var += c * c;
            }
            float rs = (float) (1.0 / Math.sqrt(var / d + eps));
            for (int i = 0; i < d; i++) {
                float v = (x[o + i] - mu) * rs;
                if (w != null) v *= w[i];
                if (b != null) v += b[i];
                y[o + i] = v;
            }
            if (mean != null) mean[r] = mu;
            if (rstd != null) rstd[r] = rs;
        }
    }

    static void forwardVector(float[] x, float[] w, float[] b, float[] y, float[] mean, float[] rstd,
                              int d, float eps, boolean centered, int r0, int r1) {
        int bound = S.loopBound(d);
        for (int r = r0; r < r1; r++) {
            int o = r * d;
            float mu = 0f;
            if (centered) {
                FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
                int i = 0;
                for (; i + L < bound; i += 2 * L) {
                    s0 = s0.add(FloatVector.fromArray(S, x, o + i));
                    s1 = s1.add(FloatVector.fromArray(S, x, o + i + L));
                }
                for (; i < bound; i += L) s0 = s0.add(FloatVector.fromArray(S, x, o + i));
                mu = VectorMath.sum(s0.add(s1));
                for (; i < d; i++) mu += x[o + i];
                mu /= d;
            }
            FloatVector vmu = FloatVector.broadcast(S, mu);
            FloatVector q0 = FloatVector.zero(S), q1 = FloatVector.zero(S);
            int i = 0;
            for (; i + L < bound; i += 2 * L) {
                FloatVector c0 = FloatVector.fromArray(S, x, o + i).sub(vmu);
                FloatVector c1 = FloatVector.fromArray(S, x, o + i + L).sub(vmu);
                q0 = c0.fma(c0, q0);
                q1 = c1.fma(c1, q1);
            }
            for (; i < bound; i += L) {
                FloatVector c0 = FloatVector.fromArray(S, x, o + i).sub(vmu);
                q0 = c0.fma(c0, q0);
            }
            float var = VectorMath.sum(q0.add(q1));
            for (; i < d; i++) {
                float c = x[o + i] - mu;
                var += c * c;
            }
            float rs = (float) (1.0 / Math.sqrt(var / d + eps));
            FloatVector vrs = FloatVector.broadcast(S, rs);
            i = 0;
            for (; i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, o + i).sub(vmu).mul(vrs);
                if (w != null) v = v.mul(FloatVector.fromArray(S, w, i));
                if (b != null) v = v.add(FloatVector.fromArray(S, b, i));
                v.intoArray(y, o + i);
            }
            for (; i < d; i++) {
                float v = (x[o + i] - mu) * rs;
                if (w != null) v *= w[i];
                if (b != null) v += b[i];
                y[o + i] = v;
            }
            if (mean != null) mean[r] = mu;
            if (rstd != null) rstd[r] = rs;
        }
    }

    // ---- backward ----

    private static void backward(Tensor x, Tensor weight, Tensor bias, Tensor out, float[] mean, float[] rstd) {
        float[] gy = out.gradOrNull();
        if (gy == null) return;
        int d = x.dim(-1), rows = x.rows();
        float[] gx = x.requiresGrad() ? x.grad() : null;
        boolean wantW = weight != null && weight.requiresGrad(), wantB = bias != null && bias.requiresGrad();
        int chunks = Vec.rowChunks(rows, d);
        // per chunk: weight partial [D] then bias partial [D]
        float[] partials = wantW || wantB ? Vec.scratch(chunks * 2 * d) : null;
        float[] in = x.data(), w = weight == null ? null : weight.data();
        Vec.forRowChunks(rows, chunks, (c, r0, r1) -> {
            int pw = wantW ? c * 2 * d : -1, pb = wantB ? c * 2 * d + d : -1;
            if (partials != null) Arrays.fill(partials, c * 2 * d, (c + 1) * 2 * d, 0f);
            if (Vec.enabled) backwardVector(in, w, gy, gx, mean, rstd, partials, pw, pb, d, r0, r1);
            else backwardScalar(in, w, gy, gx, mean, rstd, partials, pw, pb, d, r0, r1);
        });
        if (wantW) sumPartials(partials, chunks, d, 0, weight.grad());
        if (wantB) sumPartials(partials, chunks, d, d, bias.grad());
    }

    private static void sumPartials(float[] partials, int chunks, int d, int offset, float[] dst) {
        for (int j = 0; j < d; j++) {
            float s = 0f;
            for (int c = 0; c < chunks; c++) s += partials[c * 2 * d + offset + j];
            dst[j] += s;
        }
    }

    /**
     * Rows [r0, r1): gx (may be null) += dx; partials[pw..] += gy·x̂ and partials[pb..] += gy when
     * pw / pb ≥ 0. mean null means RMSNorm (μ = 0, no mean(d) term).
     */
    static void backwardScalar(float[] x, float[] w, float[] gy, float[] gx, float[] mean, float[] rstd,
                               float[] partials, int pw, int pb, int d, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int o = r * d;
            float mu = mean == null ? 0f : mean[r], rs = rstd[r];
            float sumD = 0f, sumDX = 0f;
            for (int i = 0; i < d; i++) {
                float xh = (x[o + i] - mu) * rs, g = gy[o + i], dd = w == null ? g : g * w[i];
                sumD += dd;
                sumDX += dd * xh;
                if (pw >= 0) partials[pw + i] += g * xh;
                if (pb >= 0) partials[pb + i] += g;
            }
            if (gx == null) continue;
            float mD = mean == null ? 0f : sumD / d, mDX = sumDX / d;
            for (int i = 0; i < d; i++) {
                float xh = (x[o + i] - mu) * rs, dd = w == null ? gy[o + i] : gy[o + i] * w[i];
                gx[o + i] += rs * (dd - mD - xh * mDX);
            }
        }
    }

    static void backwardVector(float[] x, float[] w, float[] gy, float[] gx, float[] mean, float[] rstd,
                               float[] partials, int pw, int pb, int d, int r0, int r1) {
        int bound = S.loopBound(d);
        for (int r = r0; r < r1; r++) {
            int o = r * d;
            float mu = mean == null ? 0f : mean[r], rs = rstd[r];
            FloatVector vmu = FloatVector.broadcast(S, mu), vrs = FloatVector.broadcast(S, rs);
            FloatVector sd = FloatVector.zero(S), sdx = FloatVector.zero(S);
            int i = 0;
            for (; i < bound; i += L) {
                FloatVector xh = FloatVector.fromArray(S, x, o + i).sub(vmu).mul(vrs);
                FloatVector g = FloatVector.fromArray(S, gy, o + i);
                FloatVector dd = w == null ? g : g.mul(FloatVector.fromArray(S, w, i));
                sd = sd.add(dd);
                sdx = dd.fma(xh, sdx);
                if (pw >= 0) g.fma(xh, FloatVector.fromArray(S, partials, pw + i)).intoArray(partials, pw + i);
                if (pb >= 0) g.add(FloatVector.fromArray(S, partials, pb + i)).intoArray(partials, pb + i);
            }
            float sumD = VectorMath.sum(sd), sumDX = VectorMath.sum(sdx);
            for (; i < d; i++) {
                float xh = (x[o + i] - mu) * rs, g = gy[o + i], dd = w == null ? g : g * w[i];
                sumD += dd;
                sumDX += dd * xh;
                if (pw >= 0) partials[pw + i] += g * xh;
                if (pb >= 0) partials[pb + i] += g;
            }
            if (gx == null) continue;
            float mD = mean == null ? 0f : sumD / d, mDX = sumDX / d;
            FloatVector vmD = FloatVector.broadcast(S, mD), vmDX = FloatVector.broadcast(S, mDX);
            i = 0;
            for (; i < bound; i += L) {
                FloatVector xh = FloatVector.fromArray(S, x, o + i).sub(vmu).mul(vrs);
                FloatVector g = FloatVector.fromArray(S, gy, o + i);
                FloatVector dd = w == null ? g : g.mul(FloatVector.fromArray(S, w, i));
                // gx += r·(d − mean(d) − x̂·mean(d·x̂))
                dd.sub(vmD).sub(xh.mul(vmDX)).fma(vrs, FloatVector.fromArray(S, gx, o + i)).intoArray(gx, o + i);
            }
            for (; i < d; i++) {
                float xh = (x[o + i] - mu) * rs, dd = w == null ? gy[o + i] : gy[o + i] * w[i];
                gx[o + i] += rs * (dd - mD - xh * mDX);
            }
        }
    }
}

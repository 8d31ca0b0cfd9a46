package rlhf4j.tensor.ops;

import java.util.Arrays;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/**
 * Sums to a scalar [1] or over the last dim. Every sum accumulates in double in a fixed order
 * (fixed-size blocks, added in block order), so results do not depend on the thread count.
 */
public final class Reductions {
    private Reductions() {
    }

    /** Elements per block of a parallel sum; fixed, so the summation order is too. */
    private static final int BLOCK = 16 * 1024;

    public static Tensor sum(Tensor x) {
        return scaledSum(x, 1.0);
    }

    public static Tensor mean(Tensor x) {
        if (x.size() == 0) throw new IllegalArgumentException("mean of an empty tensor " + Arrays.toString(x.shape()));
        return scaledSum(x, 1.0 / x.size());
    }

    // Σ x · factor -> [1]; dx = g · factor
    private static Tensor scaledSum(Tensor x, double factor) {
        Tensor out = Tensor.empty(Tensor.needsGrad(x), 1);
        out.data()[0] = (float) (sum(x.data(), null) * factor);
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] g = out.gradOrNull();
                if (g == null || !x.requiresGrad()) return;
                float[] gx = x.grad();
                float s = (float) (g[0] * factor);
                Vec.forElements(gx.length, (from, to) -> {
                    for (int i = from; i < to; i++) gx[i] += s;
                });
            });
        }
        return out;
    }

    /**
     * Σ mask·x / Σ mask → [1]; mask (same size as x) is a constant. When the mask sums to zero the
     * result is 0 and no gradient flows (an empty batch of response tokens is not an error).
     */
    public static Tensor maskedMean(Tensor x, float[] mask) {
        if (mask.length != x.size()) throw new IllegalArgumentException("maskedMean: mask has " + mask.length
                + " values but x " + Arrays.toString(x.shape()) + " has " + x.size());
        double total = 0;
        for (float m : mask) total += m;
        double inv = total == 0 ? 0 : 1 / total;
        Tensor out = Tensor.empty(Tensor.needsGrad(x), 1);
        out.data()[0] = (float) (sum(x.data(), mask) * inv);
        if (out.requiresGrad()) {
            float[] m = mask.clone(); // backward must see this call's mask
            Tape.push(() -> {
                float[] g = out.gradOrNull();
                if (g == null || !x.requiresGrad()) return;
                float[] gx = x.grad();
                float s = (float) (g[0] * inv);
                Vec.forElements(gx.length, (from, to) -> Vec.accScaled(gx, from, m, from, s, to - from));
            });
        }
        return out;
    }

    /** Σ over the last dim: [..., D] → [...] ([D] → [1]). */
    public static Tensor sumLastDim(Tensor x) {
        int d = x.dim(-1), rows = x.rows();
        int[] shape = x.rank() == 1 ? new int[] {1} : Arrays.copyOf(x.shape(), x.rank() - 1);
        Tensor out = Tensor.empty(Tensor.needsGrad(x), shape);
        float[] in = x.data(), y = out.data();
        Vec.forRows(rows, d, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                double s = 0;
                for (int i = r * d, end = i + d; i < end; i++) s += in[i];
                y[r] = (float) s;
            }
        });
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] g = out.gradOrNull();
                if (g == null || !x.requiresGrad()) return;
                float[] gx = x.grad();
                Vec.forRows(rows, d, (r0, r1) -> {
                    for (int r = r0; r < r1; r++) {
                        float gr = g[r];
                        for (int i = r * d, end = i + d; i < end; i++) gx[i] += gr;
                    }
                });
            });
        }
        return out;
    }

    /** Σ x[i]·(w[i] or 1) in double: blocks summed in parallel, then added in block order. */
    static double sum(float[] x, float[] w) {
        int blocks = (x.length + BLOCK - 1) / BLOCK;
        if (blocks <= 1) return sumRange(x, w, 0, x.length);
        double[] partial = new double[blocks];
        Vec.forRows(blocks, BLOCK, (b0, b1) -> {
            for (int b = b0; b < b1; b++) partial[b] = sumRange(x, w, b * BLOCK, Math.min(x.length, (b + 1) * BLOCK));
        });
        double s = 0;
        for (double p : partial) s += p;
        return s;
    }

    private static double sumRange(float[] x, float[] w, int from, int to) {
        double s = 0;
        if (w == null) for (int i = from; i < to; i++) s += x[i];
        else for (int i = from; i < to; i++) s += (double) x[i] * w[i];
        return s;
    }
}

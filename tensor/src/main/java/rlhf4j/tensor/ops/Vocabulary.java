package rlhf4j.tensor.ops;

import java.util.Arrays;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/**
 * Ops over the vocabulary: logits are rows [N, V] (any leading dims, V last). All are fused: the
 * forward keeps only a per-row log-sum-exp (and for entropy the softmax mean), never a softmax copy;
 * the backward recomputes exp(x − lse) row by row straight into the logits' gradient. Rows are
 * spread over {@link Parallel}; each row is written by one task, so results are deterministic.
 */
public final class Vocabulary {
    private Vocabulary() {
    }

    /** About this many logits per parallel chunk (a row is never split). */
    private static final int GRAIN_ELEMENTS = 1 << 15;

    private static int grain(int v) {
        return Math.max(1, GRAIN_ELEMENTS / Math.max(1, v));
    }

    // logits [N, V], targets [N], weights [N] or null -> scalar
    public static Tensor crossEntropy(Tensor logits, int[] targets, float[] weights, int ignoreIndex) {
        int n = rows(logits, "crossEntropy"), v = logits.dim(-1);
        checkTargets("crossEntropy", targets, n, v, ignoreIndex, true);
        if (weights != null && weights.length != n) {
            throw new IllegalArgumentException("crossEntropy: weights has " + weights.length
                    + " entries but logits " + Arrays.toString(logits.shape()) + " has " + n + " rows");
        }
        boolean grad = Tensor.needsGrad(logits);
        Tensor out = Tensor.empty(grad);
        // lse [N] is kept for the backward; rowLoss [N] makes the final sum fixed-order.
        Tensor lseT = Tensor.empty(false, n), rowLossT = Tensor.empty(false, n);
        float[] x = logits.data(), lse = lseT.data(), rowLoss = rowLossT.data();
        Parallel.forRange(n, grain(v), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int t = targets[r];
                if (t == ignoreIndex) {
                    lse[r] = 0f;
                    rowLoss[r] = 0f;
                    continue;
                }
                int off = r * v;
                float m = RowKernels.max(x, off, v);
                lse[r] = m + (float) Math.log(RowKernels.sumExp(x, off, v, m));
                rowLoss[r] = lse[r] - x[off + t];
            }
        });
        double num = 0, den = 0;
        for (int r = 0; r < n; r++) {
            if (targets[r] == ignoreIndex) continue;
            double w = weights == null ? 1.0 : weights[r];
            num += w * rowLoss[r];
            den += w;
        }
        out.data()[0] = den == 0 ? 0f : (float) (num / den);
        if (out.requiresGrad()) {
            final double totalWeight = den;
            Tape.push(() -> {
                float[] gy = out.gradOrNull();
                if (gy == null || totalWeight == 0) return;
                float[] gx = logits.grad();
                float perWeight = (float) (gy[0] / totalWeight);
                Parallel.forRange(n, grain(v), (lo, hi) -> {
                    for (int r = lo; r < hi; r++) {
                        int t = targets[r];
                        if (t == ignoreIndex) continue;
                        float a = perWeight * (weights == null ? 1f : weights[r]);
                        if (a == 0f) continue;
                        int off = r * v;
                        // d loss / d x_j = a·(softmax_j − [j = t])
                        RowKernels.addScaledSoftmax(x, off, gx, off, v, lse[r], a);
                        gx[off + t] -= a;
                    }
                });
            });
        }
        return out;
    }

    // logits [N, V], targets [N] -> [N]: log softmax(logits)[target]
    public static Tensor tokenLogProbs(Tensor logits, int[] targets) {
        int n = rows(logits, "tokenLogProbs"), v = logits.dim(-1);
        checkTargets("tokenLogProbs", targets, n, v, 0, false);
        boolean grad = Tensor.needsGrad(logits);
        Tensor out = Tensor.empty(grad, leadingShape(logits));
        Tensor lseT = Tensor.empty(false, n);
        float[] x = logits.data(), y = out.data(), lse = lseT.data();
        Parallel.forRange(n, grain(v), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int off = r * v;
                float m = RowKernels.max(x, off, v);
                lse[r] = m + (float) Math.log(RowKernels.sumExp(x, off, v, m));
                y[r] = x[off + targets[r]] - lse[r];
            }
        });
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] gy = out.gradOrNull();
                if (gy == null) return;
                float[] gx = logits.grad();
                Parallel.forRange(n, grain(v), (lo, hi) -> {
                    for (int r = lo; r < hi; r++) {
                        float g = gy[r];
                        if (g == 0f) continue;
                        int off = r * v;
                        // d y_r / d x_j = [j = t] − softmax_j
                        RowKernels.addScaledSoftmax(x, off, gx, off, v, lse[r], -g);
                        gx[off + targets[r]] += g;
                    }
                });
            });
        }
        return out;
    }

    // logits [N, V] -> [N]: H = lse − Σ p·x
    public static Tensor entropy(Tensor logits) {
        int n = rows(logits, "entropy"), v = logits.dim(-1);
        boolean grad = Tensor.needsGrad(logits);
        Tensor out = Tensor.empty(grad, leadingShape(logits));
        // stats [N, 2]: per row the log-sum-exp and the softmax mean μ = Σ p·x, for the backward
        Tensor statsT = Tensor.empty(false, n, 2);
        float[] x = logits.data(), y = out.data(), stats = statsT.data();
        Parallel.forRange(n, grain(v), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int off = r * v;
                float m = RowKernels.max(x, off, v);
                float s = RowKernels.sumExp(x, off, v, m);
                float shiftedMean = RowKernels.sumExpTimesShifted(x, off, v, m) / s; // Σ p·(x − m)
                float logS = (float) Math.log(s);
                stats[2 * r] = m + logS;
                stats[2 * r + 1] = m + shiftedMean;
                y[r] = logS - shiftedMean;
            }
        });
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] gy = out.gradOrNull();
                if (gy == null) return;
                float[] gx = logits.grad();
                Parallel.forRange(n, grain(v), (lo, hi) -> {
                    for (int r = lo; r < hi; r++) {
                        float g = gy[r];
                        if (g == 0f) continue;
                        int off = r * v;
                        // dH/dx_j = −p_j·(x_j − μ)
                        RowKernels.addEntropyGrad(x, off, gx, off, v, stats[2 * r], stats[2 * r + 1], -g);
                    }
                });
            });
        }
        return out;
    }

    // x [..., D] -> [..., D]
    public static Tensor softmax(Tensor x) {
        int n = rows(x, "softmax"), d = x.dim(-1);
        Tensor out = Tensor.empty(Tensor.needsGrad(x), x.shape());
        float[] xs = x.data(), y = out.data();
        Parallel.forRange(n, grain(d), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int off = r * d;
                float m = RowKernels.max(xs, off, d);
                float s = RowKernels.sumExp(xs, off, d, m);
                RowKernels.expInto(xs, off, y, off, d, m, 1f / s);
            }
        });
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] gy = out.gradOrNull();
                if (gy == null) return;
                float[] gx = x.grad();
                Parallel.forRange(n, grain(d), (lo, hi) -> {
                    for (int r = lo; r < hi; r++) {
                        int off = r * d;
                        // gx = y ⊙ (gy − Σ gy·y)
                        float c = RowKernels.dot(gy, off, y, off, d);
                        RowKernels.addSoftmaxGrad(y, off, gy, off, gx, off, d, c);
                    }
                });
            });
        }
        return out;
    }

    // x [..., D] -> [..., D]
    public static Tensor logSoftmax(Tensor x) {
        int n = rows(x, "logSoftmax"), d = x.dim(-1);
        Tensor out = Tensor.empty(Tensor.needsGrad(x), x.shape());
        float[] xs = x.data(), y = out.data();
        Parallel.forRange(n, grain(d), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int off = r * d;
                float m = RowKernels.max(xs, off, d);
                float lse = m + (float) Math.log(RowKernels.sumExp(xs, off, d, m));
                for (int j = 0; j < d; j++) y[off + j] = xs[off + j] - lse;
            }
        });
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] gy = out.gradOrNull();
                if (gy == null) return;
                float[] gx = x.grad();
                Parallel.forRange(n, grain(d), (lo, hi) -> {
                    for (int r = lo; r < hi; r++) {
                        int off = r * d;
                        // gx = gy − softmax · Σ gy, and softmax = exp(y)
                        for (int j = 0; j < d; j++) gx[off + j] += gy[off + j];
                        RowKernels.addScaledSoftmax(y, off, gx, off, d, 0f, -RowKernels.sum(gy, off, d));
                    }
                });
            });
        }
        return out;
    }

    // ---- checks ----

    private static int rows(Tensor x, String op) {
        if (x.rank() < 1 || x.dim(-1) == 0) {
            throw new IllegalArgumentException(op + ": needs a tensor [..., V] with V > 0, got " + Arrays.toString(x.shape()));
        }
        return x.rows();
    }

    private static int[] leadingShape(Tensor x) {
        int[] s = x.shape();
        return Arrays.copyOf(s, s.length - 1);
    }

    private static void checkTargets(String op, int[] targets, int n, int v, int ignoreIndex, boolean mayIgnore) {
        if (targets.length != n) {
            throw new IllegalArgumentException(op + ": " + targets.length + " targets for " + n + " rows of logits");
        }
        for (int r = 0; r < n; r++) {
            int t = targets[r];
            if ((t < 0 || t >= v) && !(mayIgnore && t == ignoreIndex)) {
                throw new IllegalArgumentException(op + ": target " + t + " at row " + r + " is outside the vocabulary [0, "
                        + v + ")" + (mayIgnore ? " and is not the ignore index " + ignoreIndex : ""));
            }
        }
    }
}

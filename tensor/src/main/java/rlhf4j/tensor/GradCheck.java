package rlhf4j.tensor;

import java.util.function.Supplier;

/**
 * Finite-difference check of an op's hand-written backward. The scalar probed is
 * {@code L = Σ out·R} for a fixed random R, summed in double; its analytic gradient comes from the
 * tape, its numeric one from central differences. Used by every op's test.
 */
public final class GradCheck {
    /** Worst absolute difference, and the relative error at that spot. */
    public record Result(double maxAbsError, double maxRelError, String where) {
        public boolean within(double atol, double rtol) {
            return maxAbsError <= atol || maxRelError <= rtol;
        }
    }

    private GradCheck() {
    }

    /**
     * Checks the gradient of {@code f} with respect to each input that requires grad, probing at
     * most {@code maxProbes} elements per input (spread evenly) with step {@code eps}.
     */
    public static Result check(Supplier<Tensor> f, double eps, int maxProbes, Tensor... inputs) {
        for (Tensor t : inputs) t.dropGrad();
        Rng rng = new Rng(12345);
        float[] r;
        float[][] analytic = new float[inputs.length][];
        try (Tape tape = Tape.record()) {
            Tensor out = f.get();
            r = new float[out.size()];
            for (int i = 0; i < r.length; i++) r[i] = (float) rng.nextGaussian();
            tape.backward(out, r);
            for (int k = 0; k < inputs.length; k++) {
                analytic[k] = inputs[k].hasGrad() ? inputs[k].grad().clone() : new float[inputs[k].size()];
            }
        }
        double worstAbs = 0, worstRel = 0;
        String where = "";
        for (int k = 0; k < inputs.length; k++) {
            Tensor x = inputs[k];
            if (!x.requiresGrad()) continue;
            float[] d = x.data();
            int step = Math.max(1, d.length / Math.max(1, maxProbes));
            for (int i = 0; i < d.length; i += step) {
                float orig = d[i];
                d[i] = (float) (orig + eps);
                double plus = probe(f, r);
                d[i] = (float) (orig - eps);
                double minus = probe(f, r);
                d[i] = orig;
                double numeric = (plus - minus) / (2 * eps);
                double abs = Math.abs(numeric - analytic[k][i]);
                double rel = abs / Math.max(1e-6, Math.abs(numeric) + Math.abs(analytic[k][i]));
                if (abs > worstAbs) {
                    worstAbs = abs;
                    worstRel = rel;
                    where = "input " + k + (x.name() != null ? " (" + x.name() + ")" : "") + " element " + i
                            + ": analytic " + analytic[k][i] + " numeric " + numeric;
                }
            }
        }
        for (Tensor t : inputs) t.dropGrad();
        return new Result(worstAbs, worstRel, where);
    }

    private static double probe(Supplier<Tensor> f, float[] r) {
        float[] out = f.get().data();
        double s = 0;
        for (int i = 0; i < out.length; i++) s += (double) out[i] * r[i];
        return s;
    }
}

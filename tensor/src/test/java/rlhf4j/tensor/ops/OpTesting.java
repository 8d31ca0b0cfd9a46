package rlhf4j.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;
import rlhf4j.tensor.GradCheck;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/** Helpers shared by the op tests: seeded inputs, gradient checks, vector-versus-scalar runs. */
final class OpTesting {
    private OpTesting() {
    }

    /** A parameter filled with N(0, std²) from {@code seed}. */
    static Tensor param(String name, long seed, double std, int... shape) {
        Tensor t = Tensor.param(name, shape);
        new Rng(seed).normal(t, std);
        return t;
    }

    static Tensor param(String name, long seed, int... shape) {
        return param(name, seed, 1.0, shape);
    }

    /** A parameter filled uniformly in [lo, hi). */
    static Tensor uniform(String name, long seed, double lo, double hi, int... shape) {
        Tensor t = Tensor.param(name, shape);
        new Rng(seed).uniform(t, lo, hi);
        return t;
    }

    /** Finite differences (eps 1e-2, float32) agree with the tape within 2e-3 absolute or 2e-2 relative. */
    static void assertGradients(Supplier<Tensor> f, Tensor... inputs) {
        GradCheck.Result r = GradCheck.check(f, 1e-2, 400, inputs);
        assertThat(r.within(2e-3, 2e-2)).as("gradient check: %s", r).isTrue();
    }

    /** Runs {@code body} with every kernel of the package on its scalar reference path. */
    static <T> T scalar(Supplier<T> body) {
        Vec.enabled = false;
        try {
            return body.get();
        } finally {
            Vec.enabled = true;
        }
    }

    /** Output values and input gradients of one forward/backward with a fixed random seed gradient. */
    record Run(float[] out, float[][] grads) {
    }

    static Run run(Supplier<Tensor> f, Tensor... inputs) {
        for (Tensor t : inputs) t.zeroGrad();
        try (Tape tape = Tape.record()) {
            Tensor out = f.get();
            float[] seed = new float[out.size()];
            Rng rng = new Rng(99);
            for (int i = 0; i < seed.length; i++) seed[i] = (float) rng.nextGaussian();
            tape.backward(out, seed);
            float[][] grads = new float[inputs.length][];
            for (int k = 0; k < inputs.length; k++) grads[k] = inputs[k].grad().clone();
            float[] values = out.data().clone();
            for (Tensor t : inputs) t.zeroGrad();
            return new Run(values, grads);
        }
    }

    /** The vector and scalar paths agree to float rounding (relative to the largest magnitude). */
    static void assertVectorMatchesScalar(Supplier<Tensor> f, double tol, Tensor... inputs) {
        Run vector = run(f, inputs);
        Run scalar = scalar(() -> run(f, inputs));
        assertClose("values", vector.out(), scalar.out(), tol);
        for (int k = 0; k < inputs.length; k++) assertClose("gradient of input " + k, vector.grads()[k], scalar.grads()[k], tol);
    }

    static void assertClose(String what, float[] actual, float[] expected, double tol) {
        assertThat(actual).as(what + " length").hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            double scale = Math.max(1.0, Math.abs(expected[i]));
            if (!(Math.abs(actual[i] - expected[i]) <= tol * scale)) {
                throw new AssertionError(what + " differs at " + i + ": " + actual[i] + " vs " + expected[i]);
            }
        }
    }

    static void assertClose(String what, float[] actual, double[] expected, double tol) {
        assertThat(actual).as(what + " length").hasSize(expected.length);
        for (int i = 0; i < actual.length; i++) {
            double scale = Math.max(1.0, Math.abs(expected[i]));
            if (!(Math.abs(actual[i] - expected[i]) <= tol * scale)) {
                throw new AssertionError(what + " differs at " + i + ": " + actual[i] + " vs " + expected[i]);
            }
        }
    }
}

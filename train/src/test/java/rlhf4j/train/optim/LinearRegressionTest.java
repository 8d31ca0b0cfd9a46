package rlhf4j.train.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;

/**
 * The optimizer pieces together on a problem with a known answer: fit y = x·W + b by hand-written
 * gradients (no autograd), with AdamW, global-norm clipping and a warmup-cosine schedule.
 */
class LinearRegressionTest {
    private static final int N = 256, D = 8, OUT = 3, STEPS = 300;

    private record Run(List<Double> losses, float[] w, float[] b) {
    }

    private static Run fit(long seed) {
        Rng rng = new Rng(seed);
        // Data: x [N, D], y [N, OUT] = x·W* + b* + small noise.
        float[] x = new float[N * D], y = new float[N * OUT], wTrue = new float[D * OUT], bTrue = new float[OUT];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        for (int i = 0; i < wTrue.length; i++) wTrue[i] = (float) rng.nextGaussian();
        for (int i = 0; i < OUT; i++) bTrue[i] = (float) rng.nextGaussian();
        for (int n = 0; n < N; n++) {
            for (int o = 0; o < OUT; o++) {
                double s = bTrue[o];
                for (int d = 0; d < D; d++) s += x[n * D + d] * wTrue[d * OUT + o];
                y[n * OUT + o] = (float) (s + 0.01 * rng.nextGaussian());
            }
        }
        Tensor w = Tensor.param("regressor.weight", D, OUT), b = Tensor.param("regressor.bias", OUT);
        List<Tensor> params = List.of(w, b);
        AdamW opt = new AdamW(params, new AdamW.Hyper(0.1f, 0.9f, 0.95f, 1e-8f, 1e-4f));
        LrSchedule schedule = new LrSchedule.WarmupCosine(0.1, 20, STEPS, 0.1);
        List<Double> losses = new ArrayList<>();
        float[] pred = new float[OUT];
        for (int step = 0; step < STEPS; step++) {
            Grads.zeroGrads(params);
            float[] gw = w.grad(), gb = b.grad();
            // loss = mean over samples and outputs of (pred − y)²; dL/dpred = 2(pred − y)/(N·OUT)
            double loss = 0;
            for (int n = 0; n < N; n++) {
                for (int o = 0; o < OUT; o++) {
                    float s = b.data()[o];
                    for (int d = 0; d < D; d++) s += x[n * D + d] * w.data()[d * OUT + o];
                    pred[o] = s;
                }
                for (int o = 0; o < OUT; o++) {
                    float r = pred[o] - y[n * OUT + o];
                    loss += (double) r * r;
                    float dr = 2f * r / (N * OUT);
                    gb[o] += dr;
                    for (int d = 0; d < D; d++) gw[d * OUT + o] += x[n * D + d] * dr;
                }
            }
            losses.add(loss / (N * OUT));
            assertThat(Grads.allFinite(params)).isTrue();
            double norm = GradClip.clip(params, 1.0);
            assertThat(Double.isFinite(norm)).isTrue();
            opt.step((float) schedule.lr(step));
        }
        return new Run(losses, w.data().clone(), b.data().clone());
    }

    @Test
    void lossFallsToTheNoiseFloor() {
        Run run = fit(11);
        double first = run.losses().getFirst(), last = run.losses().getLast();
        assertThat(first).isGreaterThan(1.0);
        assertThat(last).isLessThan(first * 1e-3);
        assertThat(last).isLessThan(1e-3);
    }

    @Test
    void twoRunsAreBitIdentical() {
        Run a = fit(12), b = fit(12);
        assertThat(b.losses()).isEqualTo(a.losses());
        assertThat(b.w()).isEqualTo(a.w());
        assertThat(b.b()).isEqualTo(a.b());
    }
}

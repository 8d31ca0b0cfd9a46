package rlhf4j.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;

class GradClipTest {
    private static List<Tensor> withGrads(long seed, double std, int... sizes) {
        Rng rng = new Rng(seed);
        List<Tensor> ps = new java.util.ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            Tensor p = Tensor.param("p" + i, sizes[i]);
            float[] g = p.grad();
            for (int j = 0; j < g.length; j++) g[j] = (float) (rng.nextGaussian() * std);
            ps.add(p);
        }
        return ps;
    }

    private static double referenceNorm(List<Tensor> ps) {
        double s = 0;
        for (Tensor p : ps) if (p.hasGrad()) for (float g : p.grad()) s += (double) g * g;
        return Math.sqrt(s);
    }

    @Test
    void globalNormMatchesADoubleReference() {
        List<Tensor> ps = withGrads(1, 1.0, 7, 100_003, 16, 33);
        ps = new java.util.ArrayList<>(ps);
        ps.add(Tensor.param("no_grad", 5)); // no gradient buffer: counts as zero
        double want = referenceNorm(ps);
        assertThat(GradClip.globalNorm(ps)).isCloseTo(want, within(want * 1e-12));
    }

    @Test
    void clipsToMaxNormLikeTorchAndReturnsThePreClipNorm() {
        List<Tensor> ps = withGrads(2, 1.0, 50, 70);
        double before = referenceNorm(ps);
        float g0 = ps.get(0).grad()[0];
        double returned = GradClip.clip(ps, 1.0);
        assertThat(returned).isCloseTo(before, within(before * 1e-12));
        float coef = (float) (1.0 / (before + 1e-6));
        assertThat(ps.get(0).grad()[0]).isEqualTo(g0 * coef);
        assertThat(referenceNorm(ps)).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void leavesSmallGradientsAlone() {
        List<Tensor> ps = withGrads(3, 1e-3, 50, 70);
        float[] before = ps.get(1).grad().clone();
        double norm = GradClip.clip(ps, 1.0);
        assertThat(norm).isLessThan(1.0);
        assertThat(ps.get(1).grad()).isEqualTo(before);
    }

    @Test
    void reportsANonFiniteNormAndLeavesGradientsUntouched() {
        List<Tensor> ps = withGrads(4, 1.0, 50, 70);
        ps.get(1).grad()[69] = Float.NaN;
        float[] before = ps.get(0).grad().clone();
        assertThat(GradClip.clip(ps, 1.0)).isNaN();
        assertThat(ps.get(0).grad()).isEqualTo(before);

        List<Tensor> qs = withGrads(5, 1.0, 50);
        qs.get(0).grad()[3] = Float.POSITIVE_INFINITY;
        assertThat(GradClip.clip(qs, 1.0)).isInfinite();
    }

    @Test
    void normIsBitIdenticalForAnyThreadCount() {
        List<Tensor> ps = withGrads(6, 1.0, 300_001, 5, 70_000);
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double one = GradClip.globalNorm(ps);
            Parallel.setThreads(3);
            double three = GradClip.globalNorm(ps);
            assertThat(three).isEqualTo(one);
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void sumOfSquaresAddsItsRunningSumsInTheDocumentedOrder() {
        java.util.Random rnd = new java.util.Random(3);
        int w = GradClip.VECTOR ? GradClip.LANES : 1, half = Math.max(1, w / 2);
        for (int n : new int[] {0, 5, 16, 17, 100, 1003}) {
            float[] x = new float[n + 2];
            for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4));
            double[] lane = new double[w];
            int i = 1;
            for (; i + w <= n + 1; i += w) for (int j = 0; j < w; j++) lane[j] += (double) x[i + j] * x[i + j];
            double want = 0;
            if (w == 1) want = lane[0];
            else for (int j = 0; j < half; j++) want += lane[j] + lane[j + half];
            for (; i < n + 1; i++) want += (double) x[i] * x[i];
            assertThat(Double.doubleToRawLongBits(GradClip.sumSquares(x, 1, n + 1))).as("n = " + n)
                    .isEqualTo(Double.doubleToRawLongBits(want));
        }
    }
}

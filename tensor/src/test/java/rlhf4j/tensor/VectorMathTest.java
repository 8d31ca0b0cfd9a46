package rlhf4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

class VectorMathTest {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    @Test
    void expIsWithinTwoUlpOfMathExpAcrossTheFloatRange() {
        Rng rng = new Rng(5);
        float[] x = new float[F.length()], y = new float[F.length()];
        double worst = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextDouble() * 175 - 87);
            VectorMath.exp(FloatVector.fromArray(F, x, 0)).intoArray(y, 0);
            for (int i = 0; i < x.length; i++) {
                double want = Math.exp(x[i]);
                worst = Math.max(worst, Math.abs(y[i] - want) / Math.ulp((float) want));
            }
        }
        assertThat(worst).as("worst error in ulp").isLessThanOrEqualTo(2.0);
    }

    @Test
    void expHandlesInfinitiesNaNAndTheEdges() {
        float[] x = new float[F.length()], y = new float[F.length()];
        float[] special = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, 0f, -0f, -100f, 100f, -87.3f};
        for (int i = 0; i < x.length; i++) x[i] = special[i % special.length];
        VectorMath.exp(FloatVector.fromArray(F, x, 0)).intoArray(y, 0);
        for (int i = 0; i < x.length; i++) {
            float want = (float) Math.exp(x[i]);
            if (x[i] < -87.3365478515625f) want = 0f;
            assertThat(y[i]).as("exp(" + x[i] + ")").isCloseTo(want, org.assertj.core.data.Percentage.withPercentage(1e-4));
        }
    }

    @Test
    void sumAddsLanesFirstToLast() {
        float[] x = new float[F.length()];
        for (int i = 0; i < x.length; i++) x[i] = i % 2 == 0 ? 1e8f : 1f / (i + 1);
        float want = 0f;
        for (float v : x) want += v;
        assertThat(VectorMath.sum(FloatVector.fromArray(F, x, 0))).isEqualTo(want);
    }
}

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

    @Test
    void theArrayFormsGiveTheVectorFormsBits() {
        Rng rng = new Rng(6);
        int n = 8 * F.length(), off = 3;
        float[] x = new float[off + n];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextDouble() * 200 - 100);
        float[] special = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, 0f, -0f, -87.34f, 88.38f};
        for (int i = 0; i < special.length; i++) x[off + 5 * i] = special[i];
        float[] inPlace = x.clone();
        VectorMath.expInPlace(inPlace, off, n);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, off + i));
            for (int l = 0; l < F.length(); l++) {
                assertThat(Float.floatToRawIntBits(inPlace[off + i + l])).as("exp(" + x[off + i + l] + ")")
                        .isEqualTo(Float.floatToRawIntBits(e.lane(l)));
            }
        }
        assertThat(inPlace[off - 1]).as("before the range").isEqualTo(x[off - 1]);
        float[] finite = inPlace.clone();
        for (int i = 0; i < finite.length; i++) if (!Float.isFinite(finite[i])) finite[i] = 1f;
        FloatVector finiteAcc = FloatVector.zero(F);
        for (int i = 0; i < n; i += F.length()) finiteAcc = finiteAcc.add(FloatVector.fromArray(F, finite, off + i));
        assertThat(VectorMath.sumVectors(finite, off, n)).isEqualTo(VectorMath.sum(finiteAcc));
        assertThat(VectorMath.sumVectors(finite, off, 0)).isZero();
    }
}

package rlhf4j.model.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final float[] LOGITS = {0.1f, 2.0f, -1.0f, 1.5f, 0.0f, 1.9f};

    @Test
    void greedyPicksTheArgmaxFirstOnTies() {
        Sampler s = new Sampler(SamplingParams.greedy());
        assertThat(s.sample(LOGITS, 0, LOGITS.length)).isEqualTo(1);
        assertThat(s.sample(new float[] {9, 3, 3, 1}, 1, 3)).isEqualTo(0);
    }

    @Test
    void topKOfOneAndATinyNucleusAreGreedy() {
        Sampler k1 = new Sampler(new SamplingParams(1.5f, 1, 1f, 9));
        Sampler p = new Sampler(new SamplingParams(1.5f, 0, 0.01f, 9));
        for (int i = 0; i < 50; i++) {
            assertThat(k1.sample(LOGITS, 0, LOGITS.length)).isEqualTo(1);
            assertThat(p.sample(LOGITS, 0, LOGITS.length)).isEqualTo(1);
        }
    }

    @Test
    void frequenciesFollowTheTemperedSoftmaxRestrictedToTopK() {
        float t = 0.7f;
        int draws = 200_000;
        int[] counts = new int[LOGITS.length];
        Sampler s = new Sampler(new SamplingParams(t, 3, 1f, 42));
        for (int i = 0; i < draws; i++) counts[s.sample(LOGITS, 0, LOGITS.length)]++;
        int[] top3 = {1, 5, 3};
        double z = 0;
        for (int id : top3) z += Math.exp(LOGITS[id] / t);
        for (int id : top3) assertThat(counts[id] / (double) draws).isCloseTo(Math.exp(LOGITS[id] / t) / z, within(0.005));
        assertThat(counts[0] + counts[2] + counts[4]).isZero();
    }

    @Test
    void nucleusKeepsTheSmallestSetReachingP() {
        // probabilities 0.5, 0.3, 0.15, 0.05: p = 0.75 keeps the first two
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        int[] counts = new int[4];
        Sampler s = new Sampler(new SamplingParams(1f, 0, 0.75f, 1));
        for (int i = 0; i < 100_000; i++) counts[s.sample(logits, 0, 4)]++;
        assertThat(counts[2] + counts[3]).isZero();
        assertThat(counts[0] / 100_000.0).isCloseTo(0.5 / 0.8, within(0.01));
    }

    @Test
    void theSameSeedDrawsTheSameTokens() {
        Sampler a = new Sampler(new SamplingParams(1f, 0, 0.9f, 77));
        Sampler b = new Sampler(new SamplingParams(1f, 0, 0.9f, 77));
        for (int i = 0; i < 100; i++) assertThat(a.sample(LOGITS, 0, 6)).isEqualTo(b.sample(LOGITS, 0, 6));
    }
}

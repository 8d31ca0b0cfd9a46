package rlhf4j.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
    private static final double EPS = 1e-15;

    @Test
    void constantIsTheSameAtEveryStep() {
        LrSchedule s = new LrSchedule.Constant(3e-4);
        assertThat(s.lr(0)).isEqualTo(3e-4);
        assertThat(s.lr(1_000_000)).isEqualTo(3e-4);
    }

    @Test
    void cosineWarmsUpLinearlyThenDecaysToTheMinimum() {
        LrSchedule s = new LrSchedule.WarmupCosine(1e-3, 10, 110, 0.1);
        assertThat(s.lr(0)).isCloseTo(1e-4, within(EPS));   // first step already moves
        assertThat(s.lr(4)).isCloseTo(5e-4, within(EPS));
        assertThat(s.lr(9)).isCloseTo(1e-3, within(EPS));   // last warmup step reaches the peak
        assertThat(s.lr(10)).isCloseTo(1e-3, within(EPS));  // decay starts at the peak
        assertThat(s.lr(60)).isCloseTo(5.5e-4, within(EPS)); // halfway: mean of peak and minimum
        assertThat(s.lr(110)).isCloseTo(1e-4, within(EPS));
        assertThat(s.lr(10_000)).isCloseTo(1e-4, within(EPS));
        for (long t = 10; t < 110; t++) assertThat(s.lr(t + 1)).isLessThanOrEqualTo(s.lr(t));
    }

    @Test
    void linearWarmsUpThenDecaysInAStraightLine() {
        LrSchedule s = new LrSchedule.WarmupLinear(2.0, 4, 14, 0.0);
        assertThat(s.lr(0)).isCloseTo(0.5, within(EPS));
        assertThat(s.lr(3)).isCloseTo(2.0, within(EPS));
        assertThat(s.lr(4)).isCloseTo(2.0, within(EPS));
        assertThat(s.lr(9)).isCloseTo(1.0, within(EPS));
        assertThat(s.lr(13)).isCloseTo(0.2, within(EPS));
        assertThat(s.lr(14)).isCloseTo(0.0, within(EPS));
        assertThat(s.lr(20)).isCloseTo(0.0, within(EPS));
    }

    @Test
    void noWarmupStartsAtThePeakAndNoDecayPhaseEndsAtTheMinimum() {
        assertThat(new LrSchedule.WarmupCosine(1.0, 0, 100, 0.0).lr(0)).isEqualTo(1.0);
        LrSchedule allWarmup = new LrSchedule.WarmupLinear(1.0, 5, 5, 0.5);
        assertThat(allWarmup.lr(4)).isCloseTo(1.0, within(EPS));
        assertThat(allWarmup.lr(5)).isCloseTo(0.5, within(EPS));
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThatThrownBy(() -> new LrSchedule.WarmupCosine(1e-3, 10, 5, 0.1))
                .hasMessageContaining("totalSteps (5) must be >= warmupSteps (10)");
        assertThatThrownBy(() -> new LrSchedule.WarmupLinear(1e-3, 0, 5, 1.5)).hasMessageContaining("minRatio");
        assertThatThrownBy(() -> new LrSchedule.Constant(-1)).hasMessageContaining("lr");
    }
}

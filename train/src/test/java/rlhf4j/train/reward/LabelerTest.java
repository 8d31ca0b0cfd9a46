package rlhf4j.train.reward;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelerTest {
    @Test
    void equalGoldScoresFormOneTierBestFirst() {
        List<int[]> t = Labeler.tiers(new double[] {0.2, 0.9, 0.2, 0.5});
        assertThat(t).containsExactly(new int[] {1}, new int[] {3}, new int[] {0, 2});
    }

    @Test
    void agreementIsOneWithItselfAndZeroReversed() {
        List<int[]> gold = List.of(new int[] {1}, new int[] {3}, new int[] {0, 2});
        assertThat(Labeler.agreement(gold, gold, 4)).isEqualTo(1.0);
        List<int[]> reversed = List.of(new int[] {0, 2}, new int[] {3}, new int[] {1});
        assertThat(Labeler.agreement(gold, reversed, 4)).isEqualTo(0.0);
    }

    @Test
    void noiseSwapsAdjacentTiersAtAboutItsRate() {
        Labeler l = new Labeler(null, 0.3, 1);
        List<int[]> gold = List.of(new int[] {0}, new int[] {1});
        int swapped = 0, n = 20_000;
        for (int i = 0; i < n; i++) if (l.perturb(gold).get(0)[0] == 1) swapped++;
        assertThat(swapped / (double) n).isBetween(0.28, 0.32);
        assertThat(new Labeler(null, 0, 1).perturb(gold)).containsExactlyElementsOf(gold);
    }
}

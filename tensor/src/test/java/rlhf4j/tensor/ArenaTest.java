package rlhf4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArenaTest {
    private static Tensor ones(int n) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, 1f);
        return Tensor.of(x, n);
    }

    @Test
    void aRecycledArenaServesTheNextStepFromTheSameBuffersAndClosingLetsThemGo() {
        Tensor a = ones(1000), b = ones(1000);
        float[] first, second, afterClose;
        try (Tape.Arena arena = Tape.arena()) {
            Tensor y = Ops.add(a, b);
            assertThat(y.data()[7]).isEqualTo(2f);
            first = y.data();
            arena.recycle();
            Tensor z = Ops.add(b, b); // y is not read after the recycle: its buffer is z's now
            second = z.data();
            assertThat(second[7]).isEqualTo(2f);
            assertThat(second).isSameAs(first);
            arena.recycle();
            assertThat(Ops.add(a, a).data()).isSameAs(first);
        }
        afterClose = Ops.add(a, b).data();
        assertThat(afterClose).isNotSameAs(first);
        try (Tape.Arena arena = Tape.arena()) {
            // the outermost close let the pool's buffers go: a new arena starts with fresh ones
            assertThat(Ops.add(a, b).data()).isNotSameAs(first);
        }
    }

    @Test
    void zeroedOutputsAreZeroEvenFromARecycledBuffer() {
        try (Tape.Arena arena = Tape.arena()) {
            Tensor dirty = Tensor.empty(false, 64);
            java.util.Arrays.fill(dirty.data(), 5f);
            arena.recycle();
            Tensor clean = Tensor.emptyZeroed(false, 64);
            assertThat(clean.data()).isSameAs(dirty.data());
            for (float v : clean.data()) assertThat(v).isZero();
        }
    }

    @Test
    void anInnerArenaRecyclesOnlyItsOwnBuffersAndARecordingTapeServesItsOps() {
        Tensor a = ones(32), b = ones(32);
        try (Tape.Arena outer = Tape.arena()) {
            Tensor kept = Ops.add(a, b);
            try (Tape.Arena inner = Tape.arena()) {
                Tensor scratch = Ops.add(a, a);
                inner.recycle();
                Tensor again = Ops.add(b, b);
                assertThat(again.data()).isSameAs(scratch.data()).isNotSameAs(kept.data());
            }
            assertThat(kept.data()[0]).isEqualTo(2f);
            Tensor w = Tensor.param("w", 32);
            try (Tape tape = Tape.record()) {
                Tensor y = Ops.add(w, a);
                assertThat(y.requiresGrad()).isTrue(); // recorded on the tape, as without an arena
                assertThat(tape.recorded()).isEqualTo(1);
            }
        }
    }
}

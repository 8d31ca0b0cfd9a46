package rlhf4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class LaneSumsTest {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    @Test
    void batchedSumsMatchTheSingleTreeBitForBit() {
        assumeTrue(LaneSums.BATCHED, "needs 16 float lanes");
        Rng rng = new Rng(7);
        for (int round = 0; round < 50; round++) {
            float[] vectors = new float[16 * L + 3];
            // mixed magnitudes so a different adding order would show in the last bits
            for (int i = 0; i < vectors.length; i++) vectors[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(7) - 3));
            float[] want = new float[16];
            for (int v = 0; v < 16; v++) {
                float[] lanes = new float[L];
                System.arraycopy(vectors, 3 + v * L, lanes, 0, L);
                want[v] = LaneSums.sum(lanes);
            }
            float[] got16 = new float[20];
            LaneSums.sum16(vectors, 3, got16, 2);
            for (int v = 0; v < 16; v++) assertThat(got16[2 + v]).as("vector %d", v).isEqualTo(want[v]);
            float[] got4 = new float[4];
            LaneSums.sum4(vectors, 3 + 4 * L, got4);
            for (int v = 0; v < 4; v++) assertThat(got4[v]).isEqualTo(want[4 + v]);
        }
    }

    @Test
    void compiledBatchedSumsAllocateNothing() {
        // the decode step's attention scores run sum16 thousands of times per token; a version whose
        // vectors C2 left boxed allocated 480 bytes a call
        assumeTrue(LaneSums.BATCHED, "needs 16 float lanes");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        float[] src = new float[16 * L], dst = new float[16];
        for (int i = 0; i < src.length; i++) src[i] = i * 0.25f;
        long perCall = Long.MAX_VALUE, deadline = System.nanoTime() + 20_000_000_000L;
        while (perCall > 0 && System.nanoTime() < deadline) {
            // until the JIT has compiled sum16 (in the background): a round of calls allocating nothing
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) LaneSums.sum16(src, 0, dst, 0);
            perCall = (mx.getCurrentThreadAllocatedBytes() - before) / 100_000;
        }
        assertThat(perCall).isZero();
    }

    @Test
    void sumAddsEveryLane() {
        float[] lanes = new float[L];
        for (int l = 0; l < L; l++) lanes[l] = l + 1;
        assertThat(LaneSums.sum(lanes)).isEqualTo(L * (L + 1) / 2f);
    }
}

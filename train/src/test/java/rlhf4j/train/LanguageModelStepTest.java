package rlhf4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import rlhf4j.model.Transformer;
import rlhf4j.model.TransformerConfig;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Rng;
import rlhf4j.train.optim.AdamW;

class LanguageModelStepTest {
    private static final int B = 4, T = 32, V = 96;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private static float[] train(TransformerConfig config, int steps, int threads) {
        Parallel.setThreads(threads);
        Transformer model = new Transformer(config, new Rng(7));
        LanguageModelStep step = new LanguageModelStep(model, new AdamW(model.parameters(), AdamW.Hyper.llmDefaults(3e-3f)), 1f);
        Rng data = new Rng(8);
        float[] losses = new float[steps];
        int[] ids = new int[B * T], targets = new int[B * T];
        for (int s = 0; s < steps; s++) {
            copyTask(data, ids, targets);
            losses[s] = step.step(ids, targets, B, T, -1, 3e-3f).loss();
        }
        return losses;
    }

    /** A learnable task: each target is the id before it plus one, so the loss must fall. */
    private static void copyTask(Rng rng, int[] ids, int[] targets) {
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(V);
            targets[i] = (ids[i] + 1) % V;
        }
    }

    @Test
    void lossFallsOnALearnableTaskForBothFamilies() {
        for (TransformerConfig c : new TransformerConfig[] {
                TransformerConfig.gpt2(V, 32, 2, 4, T), TransformerConfig.llama(V, 32, 2, 4, 2, 64, T)}) {
            float[] l = train(c, 60, 2);
            assertThat(l[59]).as(c.family() + " final loss").isLessThan(l[0] * 0.6f);
        }
    }

    @Test
    void twoRunsWithTheSameSeedAndThreadsAreBitIdentical() {
        TransformerConfig c = TransformerConfig.llama(V, 32, 2, 4, 2, 64, T);
        for (int threads : new int[] {1, 2}) {
            float[] a = train(c, 6, threads), b = train(c, 6, threads);
            for (int i = 0; i < a.length; i++) {
                assertThat(Float.floatToRawIntBits(b[i])).as("step " + i + " threads " + threads)
                        .isEqualTo(Float.floatToRawIntBits(a[i]));
            }
        }
    }

    @Test
    void aSteadyStateStepAllocatesLittleAndTheSameEachTime() {
        Parallel.setThreads(2);
        TransformerConfig c = TransformerConfig.gpt2(V, 64, 2, 4, 64);
        int b = 8, t = 64;
        Transformer model = new Transformer(c, new Rng(1));
        LanguageModelStep step = new LanguageModelStep(model, new AdamW(model.parameters(), AdamW.Hyper.llmDefaults(1e-3f)), 1f);
        Rng data = new Rng(2);
        int[] ids = new int[b * t], targets = new int[b * t];
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // activations of this model are ~1 MB per layer; a step that reallocated them would show it
        long activationBytes = 4L * b * t * c.dModel() * 4;
        // Until the JIT has compiled the vector kernels they box every vector, so first wait (a bounded
        // number of steps: slower on a busy machine) for five quiet steps in a row, then measure six.
        int quiet = 0, steps = 0;
        long[] perStep = new long[6];
        int measured = 0;
        while (measured < perStep.length && steps < 400) {
            for (int i = 0; i < ids.length; i++) {
                ids[i] = data.nextInt(V);
                targets[i] = data.nextInt(V);
            }
            long before = mx.getTotalThreadAllocatedBytes();
            step.step(ids, targets, b, t, -1, 1e-3f);
            long bytes = mx.getTotalThreadAllocatedBytes() - before;
            steps++;
            if (quiet >= 5) perStep[measured++] = bytes;
            else quiet = bytes < activationBytes ? quiet + 1 : 0;
        }
        assertThat(measured).as("steady state reached within 400 steps").isEqualTo(perStep.length);
        long[] sorted = perStep.clone();
        java.util.Arrays.sort(sorted);
        long median = sorted[sorted.length / 2];
        // about 85 KB here (tape closures, small index arrays); kernels that box their vectors make it
        // megabytes, and a step that reallocated its activations would show half a megabyte
        assertThat(median).as("bytes allocated by one steady-state step").isLessThan(activationBytes / 4);
        long close = java.util.Arrays.stream(perStep).filter(x -> Math.abs(x - median) <= 64 * 1024).count();
        assertThat(close).as("steps allocating the same (±64 KB) as the median, of " + java.util.Arrays.toString(perStep))
                .isGreaterThanOrEqualTo(perStep.length - 1);
        System.out.printf("bytes allocated per steady-state step after %d steps: %s%n", steps - perStep.length,
                java.util.Arrays.toString(perStep));
    }
}

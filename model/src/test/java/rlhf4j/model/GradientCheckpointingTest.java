package rlhf4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/** Recomputing each block in backward gives the same gradients, bit for bit, and keeps fewer activations. */
class GradientCheckpointingTest {

    /** Loss and every trainable gradient after one backward (two steps, so the pool is warm). */
    private static Map<String, float[]> gradients(Transformer m, int[] ids, int[] targets, int batch, int seqLen, int[] segments) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int step = 0; step < 2; step++) {
            m.zeroGrad();
            for (Tensor p : m.trainable()) p.zeroGrad();
            try (Tape tape = Tape.record()) {
                Tensor loss = m.loss(ids, targets, batch, seqLen, segments, null, -1);
                tape.backward(loss);
                out.put("loss", new float[] {loss.item()});
            }
        }
        for (Tensor p : m.trainable()) out.put(p.name(), p.grad().clone());
        return out;
    }

    @Test
    void gradientsAreBitIdenticalWithAndWithoutCheckpointing() {
        for (TransformerConfig c : List.of(TestModels.tinyLlama(), TestModels.tinyGpt2())) {
            Transformer base = TestModels.random(c, 1);
            int b = 2, t = 8;
            int[] ids = TestModels.randomIds(b * t, c.vocabSize(), 2), targets = TestModels.randomIds(b * t, c.vocabSize(), 3);
            int[] segments = {0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, -1, -1};
            for (Transformer m : List.of(base, base.withLora(new LoraConfig(2, 4, List.of()), new Rng(4), null))) {
                for (LoraAdapter a : m.adapters().values()) new Rng(5).normal(a.b(), 0.2);
                m.setGradientCheckpointing(false);
                Map<String, float[]> plain = gradients(m, ids, targets, b, t, segments);
                m.setGradientCheckpointing(true);
                Map<String, float[]> recomputed = gradients(m, ids, targets, b, t, segments);
                assertThat(recomputed.keySet()).containsExactlyElementsOf(plain.keySet());
                plain.forEach((name, g) -> assertThat(recomputed.get(name)).as(c.family() + " " + name).containsExactly(g));
            }
        }
    }

    @Test
    void thePoolHoldsFewerBytes() throws Exception {
        TransformerConfig c = TransformerConfig.llama(64, 64, 6, 4, 2, 128, 64);
        Transformer m = new Transformer(c, new Rng(1));
        int b = 4, t = 64;
        int[] ids = TestModels.randomIds(b * t, 64, 2);
        long[] bytes = new long[2];
        for (int mode = 0; mode < 2; mode++) {
            m.setGradientCheckpointing(mode == 1);
            AtomicLong held = new AtomicLong();
            Thread th = new Thread(() -> { // a fresh thread: a fresh pool
                gradients(m, ids, ids, b, t, null);
                held.set(Tape.pooledBytes());
            });
            th.start();
            th.join();
            bytes[mode] = held.get();
        }
        System.out.printf("grad checkpointing, llama d64 x 6 layers, batch 4 x 64 tokens: pool %,d bytes without, %,d with%n", bytes[0], bytes[1]);
        assertThat(bytes[1]).isLessThan(bytes[0] / 2);
    }
}

package rlhf4j.train.optim;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Tensor;

/**
 * Timings on GPT-2 small's 124M parameters (not a correctness test; off unless
 * {@code -Drlhf4j.bench=true}). Prints milliseconds per call, the median of several warm calls.
 */
@EnabledIfSystemProperty(named = "rlhf4j.bench", matches = "true")
class OptimBenchTest {
    private static List<Tensor> gpt2Small() {
        int d = 768;
        List<Tensor> ps = new ArrayList<>();
        ps.add(Tensor.param("transformer.wte.weight", 50257, d));
        ps.add(Tensor.param("transformer.wpe.weight", 1024, d));
        for (int l = 0; l < 12; l++) {
            String h = "transformer.h." + l + ".";
            ps.add(Tensor.param(h + "ln_1.weight", d));
            ps.add(Tensor.param(h + "ln_1.bias", d));
            ps.add(Tensor.param(h + "attn.c_attn.weight", d, 3 * d));
            ps.add(Tensor.param(h + "attn.c_attn.bias", 3 * d));
            ps.add(Tensor.param(h + "attn.c_proj.weight", d, d));
            ps.add(Tensor.param(h + "attn.c_proj.bias", d));
            ps.add(Tensor.param(h + "ln_2.weight", d));
            ps.add(Tensor.param(h + "ln_2.bias", d));
            ps.add(Tensor.param(h + "mlp.c_fc.weight", d, 4 * d));
            ps.add(Tensor.param(h + "mlp.c_fc.bias", 4 * d));
            ps.add(Tensor.param(h + "mlp.c_proj.weight", 4 * d, d));
            ps.add(Tensor.param(h + "mlp.c_proj.bias", d));
        }
        ps.add(Tensor.param("transformer.ln_f.weight", d));
        ps.add(Tensor.param("transformer.ln_f.bias", d));
        for (Tensor p : ps) {
            float[] g = p.grad(), x = p.data();
            for (int i = 0; i < g.length; i++) {
                g[i] = ((i * 2654435761L) % 1000) * 1e-5f - 5e-3f;
                x[i] = ((i * 40503L) % 1000) * 1e-4f - 0.05f;
            }
        }
        return ps;
    }

    private static double medianMs(Runnable r, int warm, int reps) {
        for (int i = 0; i < warm; i++) r.run();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        java.util.Arrays.sort(t);
        return t[reps / 2];
    }

    @Test
    void timeOn124MParameters() {
        List<Tensor> ps = gpt2Small();
        long n = ps.stream().mapToLong(Tensor::size).sum();
        AdamW opt = new AdamW(ps, AdamW.Hyper.llmDefaults(6e-4f));
        // Alternate the two paths so drift in machine load hits both alike.
        double vec = Double.MAX_VALUE, scalar = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            opt.vectorized = true;
            vec = Math.min(vec, medianMs(() -> opt.step(6e-4f), 2, 5));
            opt.vectorized = false;
            scalar = Math.min(scalar, medianMs(() -> opt.step(6e-4f), 2, 5));
        }
        double clip = medianMs(() -> GradClip.clip(ps, 1e9), 3, 7);
        double finite = medianMs(() -> Grads.allFinite(ps), 3, 7);
        double scale = medianMs(() -> Grads.scaleGrads(ps, 1f), 3, 7);
        System.out.printf("params %,d, threads %d%n", n, Parallel.threads());
        System.out.printf("AdamW.step vector %.1f ms, scalar %.1f ms%n", vec, scalar);
        System.out.printf("GradClip.clip (norm only) %.1f ms, Grads.allFinite %.1f ms, Grads.scaleGrads %.1f ms%n", clip, finite, scale);
    }
}

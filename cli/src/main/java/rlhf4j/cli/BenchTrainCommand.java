package rlhf4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rlhf4j.model.LoraConfig;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tape;
import rlhf4j.train.LanguageModelStep;
import rlhf4j.train.optim.AdamW;

/**
 * Training throughput on random tokens, measured like ../shared/peers/torch_gpt_bench.py: same
 * model, AdamW (lr 3e-4, betas 0.9/0.95, decay 0.1), clipping at 1.0, fresh random ids each step,
 * warm-up steps untimed, the median of the timed ones.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train steps on random tokens; prints one JSON line (tokens_per_s, gflops, peak_rss_mb, ...).")
final class BenchTrainCommand implements Runnable {
    @Mixin ModelShapeOptions shape;
    @Option(names = "--batch", defaultValue = "16", description = "sequences per step (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--steps", defaultValue = "8", description = "timed steps (default: ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--warmup", defaultValue = "3", description = "untimed steps first (default: ${DEFAULT-VALUE})")
    int warmup;
    @Option(names = "--threads", description = "compute threads (default: all cores)")
    Integer threads;
    @Option(names = "--seed", defaultValue = "1337")
    long seed;
    @Option(names = "--progress", description = "print each step's loss and time on stderr")
    boolean progress;
    @Option(names = "--lora", paramLabel = "R,ALPHA[,TARGET...]", description = "train LoRA adapters only, e.g. 8,16,q_proj,v_proj")
    String lora;
    @Option(names = "--grad-checkpoint", description = "recompute each block's activations in backward")
    boolean gradCheckpoint;

    @Override
    public void run() {
        if (threads != null) Parallel.setThreads(threads);
        int t = shape.seq;
        Transformer model = new Transformer(shape.config(t), new Rng(seed));
        if (lora != null) model = model.withLora(LoraConfig.parse(lora), new Rng(seed + 2), null);
        model.setGradientCheckpointing(gradCheckpoint);
        AdamW opt = new AdamW(model.trainable(), AdamW.Hyper.llmDefaults(3e-4f));
        LanguageModelStep step = new LanguageModelStep(model, opt, 1.0f);
        Rng data = new Rng(seed + 1);
        int[] ids = new int[batch * t], targets = new int[batch * t];
        List<Double> times = new ArrayList<>();
        float first = Float.NaN, last = Float.NaN;
        for (int s = 0; s < warmup + steps; s++) {
            randomWindow(data, ids, targets, t, shape.vocab);
            long t0 = System.nanoTime();
            LanguageModelStep.Result r = step.step(ids, targets, batch, t, -1, 3e-4f);
            double dt = (System.nanoTime() - t0) / 1e9;
            if (s == 0) first = r.loss();
            last = r.loss();
            if (s >= warmup) times.add(dt);
            if (progress) System.err.printf("step %d (%s): loss %.4f %.1f ms%n", s, s < warmup ? "warmup" : "timed", r.loss(), dt * 1e3);
        }
        double median = median(times);
        long n = ModelShapeOptions.flopParams(model);
        double flopsPerToken = 6.0 * n + 12.0 * shape.layers * t * shape.dModel;
        double tokensPerS = batch * t / median;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("family", model.config().family().toString().toLowerCase());
        out.put("params", model.parameterCount());
        out.put("trainable", model.trainableCount());
        out.put("grad_checkpoint", gradCheckpoint);
        out.put("pool_mb", round1(Tape.pooledBytes() / 1048576.0));
        out.put("threads", Parallel.threads());
        out.put("batch", batch);
        out.put("seq", t);
        out.put("tokens_per_s", Math.round(tokensPerS));
        out.put("ms_per_step", round1(median * 1e3));
        out.put("gflops", round1(flopsPerToken * tokensPerS / 1e9));
        out.put("peak_rss_mb", Rss.peakMb());
        out.put("loss_first", round4(first));
        out.put("loss_last", round4(last));
        System.out.println(Json.line(out));
    }

    /** Fresh random ids; targets are the ids shifted by one, as in the peer. */
    private static void randomWindow(Rng rng, int[] ids, int[] targets, int t, int vocab) {
        for (int b = 0; b < ids.length / t; b++) {
            for (int i = 0; i <= t; i++) {
                int tok = rng.nextInt(vocab);
                if (i < t) ids[b * t + i] = tok;
                if (i > 0) targets[b * t + i - 1] = tok;
            }
        }
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    static double round1(double x) {
        return Math.round(x * 10) / 10.0;
    }

    static double round4(double x) {
        return Math.round(x * 1e4) / 1e4;
    }
}

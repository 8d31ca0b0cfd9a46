package rlhf4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rlhf4j.model.DecodeArena;
import rlhf4j.model.KvCache;
import rlhf4j.model.Transformer;
import rlhf4j.model.generate.Sampler;
import rlhf4j.model.generate.SamplingParams;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;

/**
 * KV-cache decoding speed, measured like the peer's gen mode: a random prompt of 16 tokens is
 * prefilled, then {@code --new-tokens} tokens are sampled one at a time (temperature 1); decode
 * tokens/s = batch · new tokens / decode time, the median of 3 runs after a warm-up.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "KV-cache decode throughput on a random model; prints one JSON line (tokens_per_s, ...).")
final class BenchGenerateCommand implements Runnable {
    @Mixin ModelShapeOptions shape;
    @Option(names = "--batch", defaultValue = "1", description = "sequences decoded together (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--new-tokens", defaultValue = "256", description = "tokens generated per sequence (default: ${DEFAULT-VALUE})")
    int newTokens;
    @Option(names = "--prompt-len", defaultValue = "16", description = "prompt tokens (default: ${DEFAULT-VALUE})")
    int promptLen;
    @Option(names = "--threads", description = "compute threads (default: all cores)")
    Integer threads;
    @Option(names = "--seed", defaultValue = "1337")
    long seed;

    @Override
    public void run() {
        if (threads != null) Parallel.setThreads(threads);
        int maxLen = Math.max(shape.seq, promptLen + newTokens);
        Transformer model = new Transformer(shape.config(maxLen), new Rng(seed));
        Rng rng = new Rng(seed + 1);
        decode(model, rng, 8);      // warm-up: compiles the decode path
        List<Double> decodeTimes = new ArrayList<>(), prefillTimes = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            double[] t = decode(model, rng, newTokens);
            prefillTimes.add(t[0]);
            decodeTimes.add(t[1]);
        }
        double dec = BenchTrainCommand.median(decodeTimes);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("family", model.config().family().toString().toLowerCase());
        out.put("params", model.parameterCount());
        out.put("threads", Parallel.threads());
        out.put("batch", batch);
        out.put("prompt_len", promptLen);
        out.put("new_tokens", newTokens);
        out.put("tokens_per_s", Math.round(batch * newTokens / dec));
        out.put("ms_per_decode_step", BenchTrainCommand.round1(dec / newTokens * 1e3 * 100) / 100);
        out.put("prefill_ms", BenchTrainCommand.round1(BenchTrainCommand.median(prefillTimes) * 1e3));
        out.put("peak_rss_mb", Rss.peakMb());
        System.out.println(Json.line(out));
    }

    /** Prefill then sample n tokens; returns {prefill seconds, decode seconds}. */
    private double[] decode(Transformer model, Rng rng, int n) {
        int vocab = model.config().vocabSize();
        KvCache cache = model.newCache(batch, promptLen + n);
        int[] prompt = new int[batch * promptLen];
        for (int i = 0; i < prompt.length; i++) prompt[i] = rng.nextInt(vocab);
        Sampler sampler = new Sampler(SamplingParams.temperature(1f, rng.nextLong()));
        // as in Generator: op outputs from an arena recycled once each step's logits are read
        try (DecodeArena arena = DecodeArena.open()) {
            long t0 = System.nanoTime();
            Tensor logits = model.forwardCached(prompt, batch, promptLen, cache);
            long t1 = System.nanoTime();
            int[] next = new int[batch];
            for (int i = 0; i < n; i++) {
                for (int b = 0; b < batch; b++) next[b] = sampler.sample(logits.data(), b * vocab, vocab);
                if (i == n - 1) break; // the last sampled token needs no forward pass
                arena.nextStep();
                logits = model.forwardCached(next, batch, 1, cache);
            }
            long t2 = System.nanoTime();
            return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9};
        }
    }
}

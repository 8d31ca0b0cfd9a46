package rlhf4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Encoding throughput in MB/s of UTF-8 input, as {@code rlhf4j tokenizer bench} reports it:
 * the whole text as one string, and line by line (the shape of a JSONL corpus), each on 1 and on
 * N threads. Each figure is the best of a few timed runs after warm-up runs (the JIT needs them).
 */
public final class TokenizerBench {
    private TokenizerBench() {}

    /** One measured configuration. */
    public record Result(String mode, int threads, double megabytes, long tokens, double seconds) {
        public double mbPerSecond() { return megabytes / seconds; }
    }

    public static List<Result> run(Tokenizer tok, String text, int maxThreads, int repeats) {
        double mb = text.getBytes(StandardCharsets.UTF_8).length / 1e6;
        List<String> lines = Arrays.asList(text.split("\n", -1));
        List<Result> results = new java.util.ArrayList<>();
        for (int threads : maxThreads > 1 ? new int[]{1, maxThreads} : new int[]{1}) {
            final int t = threads;
            results.add(time("whole", t, mb, repeats, () -> tok.encodeParallel(text, t).length));
            results.add(time("lines", t, mb, repeats, () -> {
                long n = 0;
                for (int[] ids : tok.encodeAll(lines, t)) n += ids.length;
                return n;
            }));
        }
        return results;
    }

    private static Result time(String mode, int threads, double mb, int repeats, java.util.function.LongSupplier work) {
        long tokens = 0;
        for (int i = 0; i < 2; i++) tokens = work.getAsLong(); // warm-up
        double best = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            tokens = work.getAsLong();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return new Result(mode, threads, mb, tokens, best);
    }
}

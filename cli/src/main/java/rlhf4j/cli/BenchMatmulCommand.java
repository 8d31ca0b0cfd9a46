package rlhf4j.cli;

import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.kernels.Gemm;

/**
 * {@code rlhf4j bench matmul}: GFLOP/s of C = op(A)·op(B). Warms the kernel up first (cold Vector
 * API code runs ~100x slower), then times repeated multiplies and prints one JSON line with the
 * median.
 */
@Command(name = "matmul", description = "GFLOP/s of C = op(A)·op(B) for M×K by K×N float32 matrices; prints one JSON line.")
final class BenchMatmulCommand implements Runnable {
    @Option(names = "--m", defaultValue = "1024", description = "rows of C (default ${DEFAULT-VALUE})") int m;
    @Option(names = "--n", defaultValue = "1024", description = "columns of C (default ${DEFAULT-VALUE})") int n;
    @Option(names = "--k", defaultValue = "1024", description = "inner dimension (default ${DEFAULT-VALUE})") int k;
    @Option(names = "--threads", description = "compute threads (default: all cores)") Integer threads;
    @Option(names = "--trans-a", description = "A is stored K×M") boolean transA;
    @Option(names = "--trans-b", description = "B is stored N×K") boolean transB;
    @Option(names = "--seconds", defaultValue = "3", description = "time spent measuring (default ${DEFAULT-VALUE})") double seconds;

    @Override
    public void run() {
        if (m < 1 || n < 1 || k < 1) throw new IllegalArgumentException("--m, --n and --k must be >= 1");
        if (threads != null) Parallel.setThreads(threads);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        Rng rng = new Rng(1);
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
        int lda = transA ? m : k, ldb = transB ? k : n;
        Runnable once = () -> Gemm.sgemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, false);

        // Warm-up: enough calls for C2 to compile the kernel (at least ~1.5 s and 20 calls).
        long warmEnd = System.nanoTime() + 1_500_000_000L;
        for (int i = 0; i < 20 || System.nanoTime() < warmEnd; i++) once.run();

        double flops = 2.0 * m * n * k;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        double[] ms = new double[100_000];
        int runs = 0;
        while (runs < ms.length && (runs < 5 || System.nanoTime() < end)) {
            long t0 = System.nanoTime();
            once.run();
            ms[runs++] = (System.nanoTime() - t0) / 1e6;
        }
        double[] sorted = Arrays.copyOf(ms, runs);
        Arrays.sort(sorted);
        double median = sorted[runs / 2];
        System.out.println(String.format(Locale.ROOT,
                "{\"m\":%d,\"n\":%d,\"k\":%d,\"threads\":%d,\"transA\":%b,\"transB\":%b,\"backend\":\"%s\",\"runs\":%d,"
                        + "\"gflops\":%.1f,\"ms\":%.3f,\"best_gflops\":%.1f}",
                m, n, k, Parallel.threads(), transA, transB, Gemm.backend().name(), runs,
                flops / median / 1e6, median, flops / sorted[0] / 1e6));
    }
}

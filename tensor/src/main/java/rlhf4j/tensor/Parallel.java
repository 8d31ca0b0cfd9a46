package rlhf4j.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one compute pool, sized to the cores (or to {@link #setThreads}). Work is split by the
 * caller into a fixed list of tasks; which thread runs a task may vary, but what each task computes
 * does not, so results are bit-identical run to run. Calls from inside a task run inline: no
 * nested parallelism.
 */
public final class Parallel {
    /** Runs one task of a split. */
    @FunctionalInterface
    public interface Task {
        void run(int index);
    }

    /** Works on the half-open range [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    private static volatile ForkJoinPool pool;
    private static volatile int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

    private Parallel() {
    }

    public static int threads() {
        return threads;
    }

    /** Sets the number of compute threads (the caller counts as one). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n == threads && pool != null) return;
        threads = n;
        ForkJoinPool old = pool;
        pool = null;
        if (old != null) old.shutdown();
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                if (pool == null) pool = new ForkJoinPool(Math.max(1, threads - 1),
                        fjp -> {
                            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fjp);
                            t.setName("rlhf4j-compute-" + t.getPoolIndex());
                            t.setDaemon(true);
                            return t;
                        }, null, false);
                p = pool;
            }
        }
        return p;
    }

    /** Runs {@code task(i)} for every i in [0, tasks), spread over the pool; returns when all are done. */
    public static void forEach(int tasks, Task task) {
        int t = threads;
        if (tasks <= 1 || t == 1 || Thread.currentThread() instanceof ForkJoinWorkerThread) {
            for (int i = 0; i < tasks; i++) task.run(i);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < tasks; ) task.run(i);
        };
        int helpers = Math.min(t, tasks) - 1;
        ForkJoinTask<?>[] running = new ForkJoinTask<?>[helpers];
        ForkJoinPool p = pool();
        for (int h = 0; h < helpers; h++) running[h] = p.submit(worker);
        worker.run();
        for (ForkJoinTask<?> f : running) f.join();
    }

    /**
     * Splits [0, n) into contiguous chunks of at least {@code grain} items (about one per thread,
     * more when the range is large) and runs them in parallel. The split depends only on n, grain
     * and the thread count.
     */
    public static void forRange(int n, int grain, Range body) {
        int chunks = chunks(n, grain);
        if (chunks <= 1) {
            if (n > 0) body.run(0, n);
            return;
        }
        forEach(chunks, c -> body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)));
    }

    /** The number of chunks {@link #forRange} uses for this n and grain. */
    public static int chunks(int n, int grain) {
        if (n <= 0) return 0;
        int byGrain = Math.max(1, n / Math.max(1, grain));
        return Math.min(byGrain, threads * 4);
    }
}

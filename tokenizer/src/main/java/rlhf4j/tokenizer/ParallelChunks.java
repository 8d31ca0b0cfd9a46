package rlhf4j.tokenizer;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs tasks 0..n-1 on a few threads that take the next index as they finish one. The tokenizer
 * depends on no other module, so it cannot use the engine's pool; each task writes only its own
 * result slot, so the outcome does not depend on scheduling.
 */
final class ParallelChunks {
    private ParallelChunks() {}

    static void run(int n, int threads, IntConsumer task) {
        if (threads <= 1 || n <= 1) {
            for (int i = 0; i < n; i++) task.accept(i);
            return;
        }
        AtomicInteger nextIndex = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable loop = () -> {
            for (int i; (i = nextIndex.getAndIncrement()) < n && failure.get() == null; ) {
                try { task.accept(i); } catch (Throwable t) { failure.compareAndSet(null, t); }
            }
        };
        Thread[] ts = new Thread[Math.min(threads, n) - 1];
        for (int t = 0; t < ts.length; t++) { ts[t] = new Thread(loop, "tokenizer-" + t); ts[t].start(); }
        loop.run();
        for (Thread t : ts) {
            try { t.join(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); throw new IllegalStateException(e); }
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException r) throw r;
        if (f instanceof Error e) throw e;
        if (f != null) throw new IllegalStateException(f);
    }
}

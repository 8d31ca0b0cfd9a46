package rlhf4j.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one compute pool, sized to the cores (or to {@link #setThreads}). Work is split by the
 * caller into a fixed list of tasks; which thread runs a task may vary, but what each task computes
 * does not, so results are bit-identical run to run. A call from inside a task on a worker runs
 * inline. One from inside a task on the calling thread (its lock is reentrant) starts a new split on
 * the team: workers that finish their task of the outer split help with it, and what is left of
 * the outer split then runs on the calling thread alone. A second thread calling while a split is
 * running runs its tasks inline.
 *
 * <p>A split costs little: between splits the workers spin for {@value #SPIN_MICROS} µs before
 * they park, so the many short operations of a training or decode step find them awake. Waking a
 * parked thread took 10-60 µs on this project's 2-core virtual machine (measured with a general
 * fork/join pool), against a few hundred nanoseconds for a spinning one, and a decode step runs
 * some sixty splits.
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

    private static final long SPIN_MICROS = 200;

    private static volatile Team team;
    private static volatile int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

    private Parallel() {
    }

    public static int threads() {
        return threads;
    }

    /** Sets the number of compute threads (the caller counts as one). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n == threads && team != null) return;
        threads = n;
        Team old = team;
        team = null;
        if (old != null) old.shutdown();
    }

    private static Team team() {
        Team t = team;
        if (t == null) {
            synchronized (Parallel.class) {
                if (team == null) team = new Team(threads - 1);
                t = team;
            }
        }
        return t;
    }

    /** Runs {@code task(i)} for every i in [0, tasks), spread over the pool; returns when all are done. */
    public static void forEach(int tasks, Task task) {
        if (tasks <= 1 || threads == 1 || Thread.currentThread() instanceof Worker) {
            for (int i = 0; i < tasks; i++) task.run(i);
            return;
        }
        team().run(tasks, task);
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

    /** One split: tasks are claimed from a shared counter by the caller and the workers alike. */
    private static final class Job {
        final int tasks;
        final Task task;
        final AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        volatile Throwable failure;

        Job(int tasks, Task task) {
            this.tasks = tasks;
            this.task = task;
        }

        void work() {
            for (int i; (i = next.getAndIncrement()) < tasks; ) {
                try {
                    task.run(i);
                } catch (Throwable e) {
                    if (failure == null) failure = e;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    /** The worker threads and the split they are offered. */
    private static final class Team {
        private final Worker[] workers;
        private final ReentrantLock busy = new ReentrantLock();
        // the offered job, then its generation: a worker that sees a new generation reads the new job
        private volatile Job job;
        private volatile long generation;
        private volatile boolean stopped;

        Team(int helpers) {
            workers = new Worker[helpers];
            for (int i = 0; i < helpers; i++) {
                workers[i] = new Worker(this, i);
                workers[i].start();
            }
        }

        void run(int tasks, Task task) {
            if (!busy.tryLock()) {
                // another thread's split is running: do this one on the calling thread
                for (int i = 0; i < tasks; i++) task.run(i);
                return;
            }
            try {
                Job j = new Job(tasks, task);
                job = j;
                generation++;
                for (Worker w : workers) {
                    if (w.parked) LockSupport.unpark(w);
                }
                j.work();
                while (j.done.get() < tasks) Thread.onSpinWait();
                Throwable e = j.failure;
                if (e instanceof RuntimeException r) throw r;
                if (e instanceof Error r) throw r;
                if (e != null) throw new IllegalStateException(e);
            } finally {
                busy.unlock();
            }
        }

        void shutdown() {
            stopped = true;
            for (Worker w : workers) LockSupport.unpark(w);
        }
    }

    private static final class Worker extends Thread {
        private final Team team;
        volatile boolean parked;

        Worker(Team team, int index) {
            super("rlhf4j-compute-" + index);
            this.team = team;
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = team.generation;
            while (!team.stopped) {
                long g = team.generation;
                if (g == seen) {
                    idle(seen);
                    continue;
                }
                seen = g;
                team.job.work();
            }
        }

        // Spins a while for the next generation, then parks until the caller unparks it.
        private void idle(long seen) {
            long until = System.nanoTime() + SPIN_MICROS * 1000;
            while (team.generation == seen && !team.stopped) {
                if (System.nanoTime() < until) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (team.generation == seen && !team.stopped) LockSupport.park(this);
                parked = false;
            }
        }
    }
}

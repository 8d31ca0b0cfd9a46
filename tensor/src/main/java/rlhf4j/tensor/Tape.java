package rlhf4j.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Reverse-mode autograd. While a tape is active on a thread, ops whose inputs require grad record
 * a closure that computes their inputs' gradients from their output's; {@link #backward} runs the
 * closures newest first. Outputs and gradients of intermediates come from a pool that outlives the
 * tape (one per thread), so the next step reuses the same buffers.
 *
 * <pre>{@code
 * try (Tape tape = Tape.record()) {
 *     Tensor loss = model.loss(batch);
 *     tape.backward(loss);
 *     lossValue = loss.item();        // read before the tape closes
 * }
 * }</pre>
 * Without an active tape nothing is recorded: that is the no-grad (inference) mode.
 */
public final class Tape implements AutoCloseable {
    /** Computes the gradients of an op's inputs from the gradient of its output. */
    @FunctionalInterface
    public interface Backward {
        void run();
    }

    private static final ThreadLocal<Tape> ACTIVE = new ThreadLocal<>();
    private static final ThreadLocal<Arena> ARENA = new ThreadLocal<>();
    /** The arenas' own pool, apart from the tapes': emptied when the outermost arena closes. */
    private static final ThreadLocal<BufferPool> ARENA_POOL = ThreadLocal.withInitial(BufferPool::new);
    private static final ThreadLocal<BufferPool> POOL = ThreadLocal.withInitial(BufferPool::new);

    private List<Backward> ops = new ArrayList<>();
    private final BufferPool pool = POOL.get();
    private boolean closed;

    private Tape() {
    }

    /** Starts recording on this thread. Tapes do not nest: close the active one first. */
    public static Tape record() {
        if (ACTIVE.get() != null) throw new IllegalStateException("a tape is already recording on this thread");
        Tape t = new Tape();
        ACTIVE.set(t);
        return t;
    }

    /** The tape recording on this thread, or null in no-grad mode. */
    public static Tape active() {
        return ACTIVE.get();
    }

    /**
     * Suspends recording until the returned handle closes (frozen models, sampling inside a
     * training step). Buffers taken meanwhile come from the heap and are not recycled.
     */
    public static AutoCloseable noGrad() {
        Tape t = ACTIVE.get();
        ACTIVE.remove();
        return () -> {
            if (t != null) ACTIVE.set(t);
        };
    }

    /**
     * Opens an inference arena on this thread. Until it closes, the outputs of ops run without a
     * recording tape come from a buffer pool instead of the heap, and {@link Arena#recycle} hands
     * back everything taken since the arena opened. A decode loop recycles once per step, after it
     * has read the step's logits: a batch-16 decode step of a 14M-parameter model otherwise
     * allocates about 5 MB of fresh, JVM-zeroed outputs for the garbage collector. Tensors made in
     * an arena must not be read after it recycles or closes; what has to last (a KV cache, results)
     * is made before it opens or copied out. Arenas nest; the outermost one lets the pool's buffers
     * go when it closes. While a tape records, ops take from the tape as before.
     */
    public static Arena arena() {
        Arena a = new Arena(ARENA_POOL.get(), ARENA.get());
        ARENA.set(a);
        return a;
    }

    /** See {@link #arena()}. */
    public static final class Arena implements AutoCloseable {
        private final BufferPool pool;
        private final Arena outer;
        private final int mark;
        private boolean closed;

        private Arena(BufferPool pool, Arena outer) {
            this.pool = pool;
            this.outer = outer;
            this.mark = pool.mark();
        }

        /** Everything taken in this arena since it opened becomes free for its next requests. */
        public void recycle() {
            if (closed) throw new IllegalStateException("the arena is closed");
            pool.releaseSince(mark, null);
        }

        @Override
        public void close() {
            if (closed) return;
            recycle();
            closed = true;
            if (ARENA.get() == this) {
                if (outer != null) {
                    ARENA.set(outer);
                } else {
                    ARENA.remove();
                    pool.reclaim(); // nothing is lent now: every free buffer is let go
                }
            }
        }
    }

    /** An op output's buffer when no tape records: from the open arena's pool, else a fresh array. */
    static float[] takeWithoutTape(int n) {
        Arena a = ARENA.get();
        return a != null ? a.pool.take(n) : new float[n];
    }

    /** Whether buffers made without a tape come from a pool (with old contents) on this thread. */
    static boolean arenaOpen() {
        return ARENA.get() != null;
    }

    /** Records an op's backward; called by ops only when {@link Tensor#needsGrad} said so. */
    public static void push(Backward backward) {
        Tape t = ACTIVE.get();
        if (t == null) throw new IllegalStateException("no tape is recording");
        t.ops.add(backward);
    }

    /** Seeds d(loss)/d(loss) = 1 and runs every recorded backward, newest first. */
    public void backward(Tensor loss) {
        if (loss.size() != 1) throw new IllegalArgumentException("backward needs a scalar loss, got " + loss);
        backward(loss, new float[] {1f});
    }

    /** Vector-Jacobian product: seeds the gradient of {@code output} with {@code seed} and runs the tape. */
    public void backward(Tensor output, float[] seed) {
        if (!output.requiresGrad()) throw new IllegalArgumentException("the output does not depend on any parameter");
        if (seed.length != output.size()) throw new IllegalArgumentException("seed has " + seed.length + " values, output " + output.size());
        float[] g = output.grad();
        for (int i = 0; i < g.length; i++) g[i] += seed[i];
        for (int i = ops.size() - 1; i >= 0; i--) ops.get(i).run();
        ops.clear();
    }

    /**
     * Gradient checkpointing (Chen et al. 2016): {@code y = segment(x)} keeping only x and y. The
     * segment's forward runs once now and its activations go straight back to the pool; during
     * backward it runs again, recording this time, and its ops' backwards run at once, after which
     * those activations are handed back too. Peak memory holds one segment's activations instead
     * of all of them, for the price of one more forward; the gradients are the same, bit for bit,
     * since the recomputation repeats the same deterministic kernels in the same order.
     *
     * <p>The segment must read only {@code x}, parameters and constants (no other intermediate of
     * this tape), and must compute the same thing when called again. Without a recording tape it
     * simply runs.
     */
    public static Tensor checkpoint(Tensor x, java.util.function.UnaryOperator<Tensor> segment) {
        Tape t = ACTIVE.get();
        if (t == null) return segment.apply(x);
        int opsMark = t.ops.size(), poolMark = t.pool.mark();
        Tensor y = segment.apply(x);
        // forget the segment's ops and activations: only y (the next segment's input) is kept
        t.ops.subList(opsMark, t.ops.size()).clear();
        t.pool.releaseSince(poolMark, y.data());
        if (!y.requiresGrad()) return y;
        t.ops.add(() -> t.recompute(x, segment, y));
        return y;
    }

    /** Runs the segment again while recording, seeds its output with y's gradient, and backpropagates through it. */
    private void recompute(Tensor x, java.util.function.UnaryOperator<Tensor> segment, Tensor y) {
        float[] gy = y.gradOrNull();
        if (gy == null) return;
        if (x.requiresGrad()) x.grad(); // x's gradient outlives the segment: take its buffer before the mark
        int poolMark = pool.mark();
        List<Backward> outer = ops;
        ops = new ArrayList<>();
        try {
            Tensor again = segment.apply(x);
            if (again.requiresGrad()) {
                float[] g = again.grad();
                for (int i = 0; i < g.length; i++) g[i] += gy[i];
                for (int i = ops.size() - 1; i >= 0; i--) ops.get(i).run();
            }
        } finally {
            ops = outer;
            pool.releaseSince(poolMark, null);
        }
    }

    /** Number of ops recorded so far (for tests and diagnostics). */
    public int recorded() {
        return ops.size();
    }

    float[] take(int n) {
        return pool.take(n);
    }

    /** Bytes of float buffers this thread's pool has ever allocated: the peak a step needed, once warm. */
    public static long pooledBytes() {
        return POOL.get().bytesHeld();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        ops.clear();
        pool.reclaim();
        if (ACTIVE.get() == this) ACTIVE.remove();
    }
}

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
    private static final ThreadLocal<BufferPool> POOL = ThreadLocal.withInitial(BufferPool::new);

    private final List<Backward> ops = new ArrayList<>();
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

    /** Number of ops recorded so far (for tests and diagnostics). */
    public int recorded() {
        return ops.size();
    }

    float[] take(int n) {
        return pool.take(n);
    }

    /** Bytes of float buffers this thread's pool has ever allocated. */
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

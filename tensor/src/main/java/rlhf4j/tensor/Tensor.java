package rlhf4j.tensor;

import java.util.Arrays;

/**
 * A contiguous row-major float32 tensor. The only views are reshapes, which share storage (values
 * and gradients) with the tensor they came from. A tensor that requires grad receives its gradient
 * from {@link Tape#backward}; gradients accumulate until {@link #zeroGrad()}.
 *
 * <p>Intermediates created while a {@link Tape} records take their buffers from the tape's pool
 * and give them back when it closes: read what you need (the loss, logits) before closing it.
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final int size;
    private final boolean requiresGrad;
    private final String name;

    private Tensor(Storage storage, int[] shape, boolean requiresGrad, String name) {
        this.storage = storage;
        this.shape = shape;
        this.size = sizeOf(shape);
        this.requiresGrad = requiresGrad;
        this.name = name;
        if (size != storage.data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size
                    + " values but the buffer has " + storage.data.length);
        }
    }

    // ---- construction ----

    /** A fresh zero tensor that does not require grad (ordinary heap memory, never pooled). */
    public static Tensor zeros(int... shape) {
        return new Tensor(new Storage(new float[sizeOf(shape)], true), shape.clone(), false, null);
    }

    /** Wraps {@code data} (not copied) as a constant tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(new Storage(data, true), shape.clone(), false, null);
    }

    public static Tensor scalar(float value) {
        return of(new float[] {value});
    }

    /** A named trainable parameter, zero-initialised; it owns a persistent gradient buffer. */
    public static Tensor param(String name, int... shape) {
        return new Tensor(new Storage(new float[sizeOf(shape)], true), shape.clone(), true, name);
    }

    /**
     * The output buffer of an op: taken from the recording tape's pool when one is active (so a
     * steady-state step allocates nothing), else from the open inference arena's pool
     * ({@link Tape#arena}), otherwise from the heap. Contents are unspecified:
     * the op must write every element. It requires grad when {@code requiresGrad} and a tape records.
     */
    public static Tensor empty(boolean requiresGrad, int... shape) {
        Tape tape = Tape.active();
        int n = sizeOf(shape);
        float[] data = tape != null ? tape.take(n) : Tape.takeWithoutTape(n);
        return new Tensor(new Storage(data, tape == null), shape.clone(), requiresGrad && tape != null, null);
    }

    /** Like {@link #empty} but zero-filled, for ops that accumulate into their output. */
    public static Tensor emptyZeroed(boolean requiresGrad, int... shape) {
        Tensor t = empty(requiresGrad, shape);
        if (Tape.active() != null || Tape.arenaOpen()) Arrays.fill(t.storage.data, 0f);
        return t;
    }

    /** True when a tape records and any of {@code inputs} requires grad: the op must record its backward. */
    public static boolean needsGrad(Tensor... inputs) {
        if (Tape.active() == null) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad) return true;
        return false;
    }

    // ---- shape ----

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}; negative indexes count from the end. */
    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int size() {
        return size;
    }

    /** Product of all dimensions but the last: the number of rows when viewed as a matrix. */
    public int rows() {
        return shape.length == 0 ? 1 : size / shape[shape.length - 1];
    }

    /** A view with another shape over the same values and gradient; one dimension may be -1. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("only one dimension may be -1");
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || size % known != 0) throw new IllegalArgumentException(
                    "cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
            s[infer] = size / known;
        }
        if (sizeOf(s) != size) throw new IllegalArgumentException(
                "cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        return new Tensor(storage, s, requiresGrad, name);
    }

    // ---- values and gradients ----

    /** The backing values (row-major, not a copy). */
    public float[] data() {
        return storage.data;
    }

    public float item() {
        if (size != 1) throw new IllegalStateException("item() of a tensor with " + size + " values");
        return storage.data[0];
    }

    public float get(int... index) {
        return storage.data[offset(index)];
    }

    public void set(float value, int... index) {
        storage.data[offset(index)] = value;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public String name() {
        return name;
    }

    /** True once a gradient buffer exists (something flowed into this tensor). */
    public boolean hasGrad() {
        return storage.grad != null;
    }

    /**
     * The gradient buffer, created zero-filled on first use: ops accumulate (+=) into it. Buffers of
     * intermediates come from the recording tape's pool.
     */
    public float[] grad() {
        if (storage.grad == null && allocateGrad()) clear(storage.grad);
        return storage.grad;
    }

    // A new gradient buffer: an intermediate's comes from the recording tape's pool with old contents
    // (returns true), anything else is a fresh zeroed array (false).
    private boolean allocateGrad() {
        Tape tape = Tape.active();
        boolean pooled = !storage.persistent && tape != null;
        storage.grad = pooled ? tape.take(size) : new float[size];
        return pooled;
    }

    /** Below this many floats one thread clears a buffer; above, the pool splits it. */
    private static final int PARALLEL_CLEAR = 1 << 18;

    // Zeroing a large gradient buffer (logits, MLP activations: tens of MB) on the calling thread left
    // the other cores idle for ~3% of a training step; split, it runs at the memory bandwidth of all
    // cores. Zeros are zeros, so the split cannot change a result.
    private static void clear(float[] x) {
        if (x.length < PARALLEL_CLEAR) {
            Arrays.fill(x, 0f);
            return;
        }
        Parallel.forRange(x.length, PARALLEL_CLEAR / 4, (from, to) -> Arrays.fill(x, from, to, 0f));
    }

    /**
     * The gradient buffer for a backward that writes every element of it when {@link #hasGrad()} was
     * false: created then without the zero fill of {@link #grad()} (its contents are undefined until
     * written), which saves a pass over the whole buffer; an op's first gradient write into an
     * activation is then a plain store. When a buffer already exists it is returned as it is and
     * the caller must add into it, as with {@link #grad()}.
     */
    public float[] gradToOverwrite() {
        if (storage.grad == null) allocateGrad();
        return storage.grad;
    }

    /** The gradient if one exists, else null (an op's backward skips outputs nothing flowed into). */
    public float[] gradOrNull() {
        return storage.grad;
    }

    /** Zeroes the gradient of a parameter (keeping its buffer). */
    public void zeroGrad() {
        if (storage.grad != null) Arrays.fill(storage.grad, 0f);
    }

    void dropGrad() {
        storage.grad = null;
    }

    /** A detached heap copy (no grad), safe to keep after the tape closes. */
    public Tensor copy() {
        return of(storage.data.clone(), shape);
    }

    /** The same values as a constant that stops gradients. */
    public Tensor detach() {
        return new Tensor(storage, shape, false, name);
    }

    @Override
    public String toString() {
        return (name != null ? name + " " : "") + "Tensor" + Arrays.toString(shape);
    }

    // ---- helpers ----

    static int sizeOf(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n *= d;
        }
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor too large: " + Arrays.toString(shape));
        return (int) n;
    }

    private int offset(int[] index) {
        if (index.length != shape.length) throw new IllegalArgumentException("index rank " + index.length + " != " + shape.length);
        int off = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) throw new IndexOutOfBoundsException(
                    "index " + Arrays.toString(index) + " out of " + Arrays.toString(shape));
            off = off * shape[i] + index[i];
        }
        return off;
    }
}

package rlhf4j.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Float buffers recycled by exact length. A training step asks for the same sizes in the same
 * order every time, so after the first step every request is served from here and the step
 * allocates (almost) nothing. Not thread-safe: one pool per recording thread.
 */
final class BufferPool {
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private final List<float[]> lent = new ArrayList<>();
    private long bytesHeld;

    /** A buffer of exactly {@code n} floats with unspecified contents, lent until {@link #reclaim()}. */
    float[] take(int n) {
        ArrayDeque<float[]> q = free.get(n);
        float[] b = q == null ? null : q.pollLast();
        if (b == null) {
            b = new float[n];
            bytesHeld += 4L * n;
        }
        lent.add(b);
        return b;
    }

    /** Everything lent becomes free again. */
    void reclaim() {
        for (float[] b : lent) free.computeIfAbsent(b.length, k -> new ArrayDeque<>()).addLast(b);
        lent.clear();
    }

    long bytesHeld() {
        return bytesHeld;
    }
}

package rlhf4j.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** A position in the lending order, for {@link #releaseSince}. */
    int mark() {
        return lent.size();
    }

    /**
     * Buffers lent after {@code mark} become free again, except {@code keep} (may be null): a
     * checkpointed segment hands back its activations once they are no longer needed.
     */
    void releaseSince(int mark, float[] keep) {
        boolean kept = false;
        for (int i = mark; i < lent.size(); i++) {
            float[] b = lent.get(i);
            if (b == keep && !kept) {
                kept = true;
                continue;
            }
            free.computeIfAbsent(b.length, k -> new ArrayDeque<>()).addLast(b);
        }
        lent.subList(mark, lent.size()).clear();
        if (kept) lent.add(keep);
    }

    /**
     * Everything lent becomes free again. Lengths this step did not ask for are let go: a training
     * step asks for the same lengths every time, so nothing is lost there, while a workload whose
     * shapes change (RL minibatches, evaluation batches) would otherwise keep one set of buffers
     * per shape it ever saw, and the heap would grow without bound.
     */
    void reclaim() {
        Set<Integer> asked = new HashSet<>();
        for (float[] b : lent) asked.add(b.length);
        Iterator<Map.Entry<Integer, ArrayDeque<float[]>>> it = free.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Integer, ArrayDeque<float[]>> e = it.next();
            if (asked.contains(e.getKey())) continue;
            bytesHeld -= 4L * e.getKey() * e.getValue().size();
            it.remove();
        }
        for (float[] b : lent) free.computeIfAbsent(b.length, k -> new ArrayDeque<>()).addLast(b);
        lent.clear();
    }

    long bytesHeld() {
        return bytesHeld;
    }
}

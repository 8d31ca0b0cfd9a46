package rlhf4j.data.clean;

import java.util.Arrays;

/** Counts 64-bit keys (hashes) without boxing: open addressing, linear probing, reusable via {@link #clear()}. */
final class LongIntCounter {
    private long[] keys;
    private int[] counts; // 0 marks an empty slot
    private int size;
    private int maxCount;

    LongIntCounter(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        counts = new int[cap];
    }

    /** Empties the counter, shrinking it if a huge document left it oversized. */
    void clear() {
        if (keys.length > (1 << 16)) {
            keys = new long[1 << 10];
            counts = new int[1 << 10];
        } else if (size > 0) {
            Arrays.fill(counts, 0);
        }
        size = 0;
        maxCount = 0;
    }

    /** Adds one to {@code key}'s count and returns the new count. */
    int increment(long key) {
        if (size * 2 >= keys.length) grow();
        int mask = keys.length - 1;
        int i = (int) (key ^ (key >>> 32)) & mask;
        while (counts[i] != 0 && keys[i] != key) i = (i + 1) & mask;
        if (counts[i] == 0) {
            keys[i] = key;
            size++;
        }
        int c = ++counts[i];
        if (c > maxCount) maxCount = c;
        return c;
    }

    int get(long key) {
        int mask = keys.length - 1;
        int i = (int) (key ^ (key >>> 32)) & mask;
        while (counts[i] != 0) {
            if (keys[i] == key) return counts[i];
            i = (i + 1) & mask;
        }
        return 0;
    }

    int maxCount() {
        return maxCount;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldCounts = counts;
        keys = new long[oldKeys.length * 2];
        counts = new int[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldCounts[j] == 0) continue;
            int i = (int) (oldKeys[j] ^ (oldKeys[j] >>> 32)) & mask;
            while (counts[i] != 0) i = (i + 1) & mask;
            keys[i] = oldKeys[j];
            counts[i] = oldCounts[j];
        }
    }
}

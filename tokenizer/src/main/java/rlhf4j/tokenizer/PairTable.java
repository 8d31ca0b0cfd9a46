package rlhf4j.tokenizer;

import java.util.Arrays;

/**
 * The trainer's pair statistics without boxing: open addressing from a pair (left id, right id)
 * packed in a long to a slot holding its weighted count and the words it has appeared in.
 * Slots are never removed (a pair whose count falls to zero keeps its slot), which keeps slot
 * numbers stable for the heap.
 */
final class PairTable {
    private long[] keys;
    private int[] slotOf;     // hash position -> slot + 1 (0 = empty)
    private long[] counts;    // slot -> weighted count
    private IntList[] words;  // slot -> words that held the pair (may repeat, may be stale)
    private int size;

    PairTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(64, expected * 2)) << 1;
        slotOf = new int[cap];
        keys = new long[Math.max(16, expected)];
        counts = new long[keys.length];
        words = new IntList[keys.length];
    }

    static long key(int left, int right) { return ((long) left << 32) | (right & 0xffffffffL); }

    static int left(long key) { return (int) (key >>> 32); }

    static int right(long key) { return (int) key; }

    int size() { return size; }

    long key(int slot) { return keys[slot]; }

    long count(int slot) { return counts[slot]; }

    /** Slot of the pair, or -1. */
    int find(long key) {
        int mask = slotOf.length - 1;
        for (int h = mix(key) & mask; ; h = (h + 1) & mask) {
            int s = slotOf[h];
            if (s == 0) return -1;
            if (keys[s - 1] == key) return s - 1;
        }
    }

    /** Slot of the pair, created with count 0 if new. */
    int slot(long key) {
        int mask = slotOf.length - 1;
        int h = mix(key) & mask;
        for (; ; h = (h + 1) & mask) {
            int s = slotOf[h];
            if (s == 0) break;
            if (keys[s - 1] == key) return s - 1;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            counts = Arrays.copyOf(counts, size * 2);
            words = Arrays.copyOf(words, size * 2);
        }
        keys[size] = key;
        slotOf[h] = ++size;
        if (size * 2 > slotOf.length) rehash();
        return size - 1;
    }

    /** Adds delta to the pair's count; a positive delta also records the word. Returns the slot. */
    int add(long key, long delta, int word) {
        int s = slot(key);
        counts[s] += delta;
        if (delta > 0) {
            IntList w = words[s];
            if (w == null) words[s] = w = new IntList(4);
            if (w.size() == 0 || w.get(w.size() - 1) != word) w.add(word);
        }
        return s;
    }

    /** Takes the pair's word list (the merge consumes it). */
    IntList takeWords(int slot) {
        IntList w = words[slot];
        words[slot] = null;
        return w;
    }

    private void rehash() {
        int[] bigger = new int[slotOf.length * 2];
        int mask = bigger.length - 1;
        for (int s = 0; s < size; s++) {
            int h = mix(keys[s]) & mask;
            while (bigger[h] != 0) h = (h + 1) & mask;
            bigger[h] = s + 1;
        }
        slotOf = bigger;
    }

    private static int mix(long k) {
        k *= 0x9E3779B97F4A7C15L;
        return (int) (k ^ (k >>> 29));
    }
}

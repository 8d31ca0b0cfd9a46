package rlhf4j.data.dedup;

/**
 * A set of 64-bit hashes without boxing (8 bytes a slot, at most half full): open addressing with
 * linear probing. Key 0 is stored out of line so 0 can mark an empty slot.
 */
public final class LongHashSet {
    private long[] slots = new long[1 << 10];
    private int size;
    private boolean hasZero;

    /** Adds {@code key}; true when it was not there before. */
    public boolean add(long key) {
        if (key == 0) {
            boolean added = !hasZero;
            hasZero = true;
            if (added) size++;
            return added;
        }
        if ((size + 1) * 2 > slots.length) grow();
        int mask = slots.length - 1;
        int i = index(key, mask);
        while (slots[i] != 0) {
            if (slots[i] == key) return false;
            i = (i + 1) & mask;
        }
        slots[i] = key;
        size++;
        return true;
    }

    public boolean contains(long key) {
        if (key == 0) return hasZero;
        int mask = slots.length - 1;
        int i = index(key, mask);
        while (slots[i] != 0) {
            if (slots[i] == key) return true;
            i = (i + 1) & mask;
        }
        return false;
    }

    public int size() {
        return size;
    }

    /** Bytes held by the table, for the report. */
    public long bytes() {
        return (long) slots.length * Long.BYTES;
    }

    private static int index(long key, int mask) {
        return (int) (key ^ (key >>> 29)) & mask; // keys are already mixed hashes
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        int mask = slots.length - 1;
        for (long k : old) {
            if (k == 0) continue;
            int i = index(k, mask);
            while (slots[i] != 0) i = (i + 1) & mask;
            slots[i] = k;
        }
    }
}

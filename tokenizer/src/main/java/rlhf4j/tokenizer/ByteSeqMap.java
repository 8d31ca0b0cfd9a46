package rlhf4j.tokenizer;

import java.util.Arrays;

/**
 * Map from byte sequences to token ids that looks a sequence up in place ({@code bytes[from, to)})
 * without allocating: the BPE merge loop asks it for every candidate pair, so no String or array
 * is made per lookup. Open addressing over one {@code long[]} holding (32-bit hash, id) per slot;
 * the token bytes live in one pool and a hit is confirmed by comparing bytes.
 */
final class ByteSeqMap {
    private static final long EMPTY = -1L;

    private final byte[][] tokens; // id -> bytes, null where the id is unused
    private final long[] slots;    // (hash << 32) | id, or EMPTY
    private final int mask;
    private final int size;

    /** @param tokens id -> token bytes; null entries (e.g. special tokens) are not looked up */
    ByteSeqMap(byte[][] tokens) {
        this.tokens = tokens;
        int n = 0;
        for (byte[] t : tokens) if (t != null) n++;
        int cap = Integer.highestOneBit(Math.max(16, n * 3)) << 1; // load factor <= 1/3
        slots = new long[cap];
        Arrays.fill(slots, EMPTY);
        mask = cap - 1;
        for (int id = 0; id < tokens.length; id++) {
            byte[] t = tokens[id];
            if (t == null) continue;
            if (get(t, 0, t.length) >= 0) throw new IllegalArgumentException("duplicate token bytes for id " + id);
            int h = hash(t, 0, t.length);
            int i = spread(h) & mask;
            while (slots[i] != EMPTY) i = (i + 1) & mask;
            slots[i] = ((long) h << 32) | id;
        }
        size = n;
    }

    int size() { return size; }

    /** Id of {@code bytes[from, to)}, or -1 when it is not a token. */
    int get(byte[] bytes, int from, int to) {
        int h = hash(bytes, from, to);
        int i = spread(h) & mask;
        int len = to - from;
        while (true) {
            long s = slots[i];
            if (s == EMPTY) return -1;
            if ((int) (s >>> 32) == h) {
                int id = (int) s;
                byte[] t = tokens[id];
                if (t.length == len && Arrays.equals(t, 0, len, bytes, from, to)) return id;
            }
            i = (i + 1) & mask;
        }
    }

    /** FNV-1a over the bytes, with the length folded in. */
    static int hash(byte[] b, int from, int to) {
        int h = 0x811c9dc5 ^ (to - from);
        for (int i = from; i < to; i++) h = (h ^ (b[i] & 0xff)) * 0x01000193;
        return h;
    }

    private static int spread(int h) {
        return (h ^ (h >>> 16)) * 0x45d9f3b;
    }
}

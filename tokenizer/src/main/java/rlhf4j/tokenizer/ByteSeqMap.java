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
    // Sequences of up to 7 bytes (most tokens, and most merge candidates) are packed into a long
    // with their length in the top byte and looked up in a table of (key, id) pairs side by side:
    // one memory access, no hashing loop, no pointer chase to the token's bytes.
    private final long[] shortTable; // [2*i] = packed key (0 = empty), [2*i+1] = id
    private final int shortMask;

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
        int shortCap = Integer.highestOneBit(Math.max(16, n * 2)) << 1;
        shortTable = new long[shortCap * 2];
        shortMask = shortCap - 1;
        for (int id = 0; id < tokens.length; id++) {
            byte[] t = tokens[id];
            if (t == null || t.length > 7 || t.length == 0) continue;
            long k = pack(t, 0, t.length);
            int i = shortSlot(k);
            while (shortTable[2 * i] != 0) i = (i + 1) & shortMask;
            shortTable[2 * i] = k;
            shortTable[2 * i + 1] = id;
        }
    }

    private static long pack(byte[] b, int from, int to) {
        long k = (long) (to - from) << 56;
        for (int i = from, shift = 0; i < to; i++, shift += 8) k |= (b[i] & 0xffL) << shift;
        return k;
    }

    private int shortSlot(long k) {
        return (int) ((k * 0x9E3779B97F4A7C15L) >>> 40) & shortMask;
    }

    int size() { return size; }

    /** Id of {@code bytes[from, to)}, or -1 when it is not a token. */
    int get(byte[] bytes, int from, int to) {
        int len0 = to - from;
        if (len0 <= 7 && len0 > 0 && shortTable != null) {
            long k = pack(bytes, from, to);
            for (int i = shortSlot(k); ; i = (i + 1) & shortMask) {
                long s = shortTable[2 * i];
                if (s == k) return (int) shortTable[2 * i + 1];
                if (s == 0) return -1;
            }
        }
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

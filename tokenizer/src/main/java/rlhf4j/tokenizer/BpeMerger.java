package rlhf4j.tokenizer;

/**
 * Byte-pair merging of one pre-token, exactly as tiktoken does it: start from single bytes and
 * repeatedly merge the adjacent pair whose concatenation has the lowest merge priority (the
 * leftmost on ties) until no adjacent concatenation is a token. Short pieces use tiktoken's
 * scan over a small array (fastest for the usual 2-10 bytes); long ones (whitespace runs, long
 * words) use a heap over a linked list, O(n log n) instead of O(n^2). One instance per thread.
 */
final class BpeMerger {
    static int heapThreshold = 128; // pieces at least this long use the heap (tests lower it)
    private static final int NONE = Integer.MAX_VALUE;

    private final ByteSeqMap map;
    private final int[] priority;
    private int[] pos = new int[64];
    private int[] rank = new int[64];
    // heap path
    private int[] next = new int[0], prev = new int[0], cur = new int[0];
    private long[] heap = new long[0];
    private int heapSize;

    BpeMerger(ByteSeqMap map, int[] priority) {
        this.map = map;
        this.priority = priority;
    }

    private int rankOf(byte[] b, int from, int to) {
        int id = map.get(b, from, to);
        return id < 0 ? NONE : priority[id];
    }

    /** Appends the ids of {@code b[0, len)} (len >= 2, not itself a token) to {@code out}. */
    void merge(byte[] b, int len, IntList out) {
        if (len >= heapThreshold) mergeHeap(b, len, out);
        else mergeScan(b, len, out);
    }

    private void mergeScan(byte[] b, int len, IntList out) {
        int cnt = len + 1; // boundaries pos[0..cnt)
        if (pos.length < cnt) { pos = new int[cnt * 2]; rank = new int[cnt * 2]; }
        int[] p = pos, r = rank;
        for (int i = 0; i < cnt; i++) p[i] = i;
        for (int i = 0; i + 2 < cnt; i++) r[i] = rankOf(b, i, i + 2);
        r[cnt - 2] = NONE;
        while (cnt > 2) {
            int best = NONE, at = -1;
            for (int i = 0; i < cnt - 2; i++) if (r[i] < best) { best = r[i]; at = i; }
            if (at < 0) break;
            // remove boundary at+1: parts at and at+1 become one
            System.arraycopy(p, at + 2, p, at + 1, cnt - at - 2);
            System.arraycopy(r, at + 2, r, at + 1, cnt - at - 2);
            cnt--;
            r[at] = at + 2 < cnt ? rankOf(b, p[at], p[at + 2]) : NONE;
            if (at > 0) r[at - 1] = rankOf(b, p[at - 1], p[at + 1]);
        }
        for (int i = 0; i + 1 < cnt; i++) out.add(idOf(b, p[i], p[i + 1]));
    }

    private int idOf(byte[] b, int from, int to) {
        int id = map.get(b, from, to);
        if (id < 0) throw new IllegalStateException("vocabulary lacks byte sequence of length " + (to - from)
                + " (a byte-level vocabulary must contain all 256 single bytes)");
        return id;
    }

    /** Node i starts at byte i; merged nodes keep their left node's start. */
    private void mergeHeap(byte[] b, int len, IntList out) {
        if (next.length < len + 1) {
            next = new int[len + 1]; prev = new int[len + 1]; cur = new int[len + 1];
            heap = new long[len * 3 + 8];
        }
        heapSize = 0;
        for (int i = 0; i < len; i++) { next[i] = i + 1; prev[i] = i - 1; }
        next[len] = len; // sentinel node = end of text
        for (int i = 0; i + 1 < len; i++) {
            cur[i] = rankOf(b, i, i + 2);
            if (cur[i] != NONE) push(((long) cur[i] << 32) | i);
        }
        cur[len - 1] = NONE;
        while (heapSize > 0) {
            long top = pop();
            int node = (int) top, rk = (int) (top >>> 32);
            if (cur[node] != rk) continue; // stale (node merged away or its pair changed)
            int right = next[node];
            int after = next[right];
            next[node] = after;
            if (after < len) prev[after] = node;
            cur[right] = NONE;
            cur[node] = after < len ? rankOf(b, node, next[after]) : NONE;
            if (cur[node] != NONE) push(((long) cur[node] << 32) | node);
            int left = prev[node];
            if (left >= 0) {
                cur[left] = rankOf(b, left, after);
                if (cur[left] != NONE) push(((long) cur[left] << 32) | left);
            }
        }
        for (int i = 0; i < len; i = next[i]) out.add(idOf(b, i, next[i]));
    }

    private void push(long v) {
        if (heapSize == heap.length) heap = java.util.Arrays.copyOf(heap, heap.length * 2);
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= v) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = v;
    }

    private long pop() {
        long top = heap[0];
        long v = heap[--heapSize];
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= heapSize) break;
            if (c + 1 < heapSize && heap[c + 1] < heap[c]) c++;
            if (heap[c] >= v) break;
            heap[i] = heap[c];
            i = c;
        }
        heap[i] = v;
        return top;
    }
}

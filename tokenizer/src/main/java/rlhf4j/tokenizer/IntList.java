package rlhf4j.tokenizer;

import java.util.Arrays;

/** A growable list of ints (token ids) without boxing. */
public final class IntList {
    private int[] a;
    private int n;

    public IntList() { this(64); }

    public IntList(int capacity) { a = new int[Math.max(4, capacity)]; }

    public void add(int v) {
        if (n == a.length) a = Arrays.copyOf(a, a.length * 2);
        a[n++] = v;
    }

    public void addAll(int[] v) {
        if (n + v.length > a.length) a = Arrays.copyOf(a, Math.max(a.length * 2, n + v.length));
        System.arraycopy(v, 0, a, n, v.length);
        n += v.length;
    }

    public int get(int i) {
        if (i >= n) throw new IndexOutOfBoundsException(i + " >= " + n);
        return a[i];
    }

    public int size() { return n; }

    public void clear() { n = 0; }

    public int[] toArray() { return Arrays.copyOf(a, n); }
}

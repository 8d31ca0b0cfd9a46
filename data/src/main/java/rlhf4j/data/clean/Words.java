package rlhf4j.data.clean;

import java.util.Arrays;
import rlhf4j.data.Hashing;

/**
 * A document's whitespace-separated words as offsets into its text, with a case-insensitive hash
 * per word. One instance per worker thread is reused document after document.
 */
public final class Words {
    private static final long SEED = 0x5EEDL;
    private int[] starts = new int[1024];
    private int[] ends = new int[1024];
    private long[] hashes = new long[1024];
    private int count;
    private long chars;

    /** Splits {@code text} and hashes each word. */
    public Words split(CharSequence text) {
        count = 0;
        chars = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) i++;
            if (i >= n) break;
            int s = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) i++;
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
                hashes = Arrays.copyOf(hashes, count * 2);
            }
            starts[count] = s;
            ends[count] = i;
            hashes[count] = Hashing.hashLowerChars(text, s, i, SEED);
            chars += i - s;
            count++;
        }
        return this;
    }

    public int count() {
        return count;
    }

    /** Total characters in words (whitespace excluded). */
    public long chars() {
        return chars;
    }

    public int start(int i) {
        return starts[i];
    }

    public int end(int i) {
        return ends[i];
    }

    public int length(int i) {
        return ends[i] - starts[i];
    }

    /** Per-word hashes; only the first {@link #count()} are valid. */
    public long[] hashes() {
        return hashes;
    }
}

package rlhf4j.data;

/**
 * Fast seeded 64-bit hashes for deduplication, n-gram counting and the train/val split. Not
 * cryptographic: only well mixed, and identical on every machine and run.
 */
public final class Hashing {
    private static final long K = 0x9E3779B97F4A7C15L; // 2^64 / golden ratio, odd

    private Hashing() {}

    /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
    public static long mix64(long z) {
        z ^= z >>> 33;
        z *= 0xFF51AFD7ED558CCDL;
        z ^= z >>> 33;
        z *= 0xC4CEB9FE1A85EC53L;
        z ^= z >>> 33;
        return z;
    }

    /** Hash of {@code s[from, to)}, reading two chars per round. */
    public static long hashChars(CharSequence s, int from, int to, long seed) {
        long h = seed ^ ((long) (to - from) * K);
        int i = from;
        for (; i + 1 < to; i += 2) {
            long v = ((long) s.charAt(i) << 16) | s.charAt(i + 1);
            h = Long.rotateLeft((h ^ v) * K, 29);
        }
        if (i < to) h = Long.rotateLeft((h ^ s.charAt(i)) * K, 29);
        return mix64(h);
    }

    public static long hashChars(CharSequence s, long seed) {
        return hashChars(s, 0, s.length(), seed);
    }

    /** Like {@link #hashChars} but case-insensitive (for word shingles and n-grams). */
    public static long hashLowerChars(CharSequence s, int from, int to, long seed) {
        long h = seed ^ ((long) (to - from) * K);
        for (int i = from; i < to; i++) h = Long.rotateLeft((h ^ Character.toLowerCase(s.charAt(i))) * K, 29);
        return mix64(h);
    }

    /** Order-dependent combination of a running hash with the next element's hash. */
    public static long combine(long h, long next) {
        return mix64(h * K + next);
    }

    /** A uniform double in [0, 1) from a hash and a seed. */
    public static double unitInterval(long hash, long seed) {
        return (mix64(hash ^ mix64(seed)) >>> 11) * 0x1.0p-53;
    }
}

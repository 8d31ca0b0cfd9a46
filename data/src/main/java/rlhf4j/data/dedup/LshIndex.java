package rlhf4j.data.dedup;

import rlhf4j.data.Hashing;

/**
 * Locality-sensitive hashing over MinHash signatures by banding: the signature is cut into
 * {@code bands} bands of {@code rows} entries, and two documents are near-duplicates when any band
 * is identical. Two documents with Jaccard similarity s collide with probability
 * 1 - (1 - s^rows)^bands, an S-curve whose steep part sits near (1/bands)^(1/rows).
 * Memory: only the band hashes of kept documents, 8 bytes each (about 16 bytes with the table's slack).
 */
public final class LshIndex {
    private final int bands;
    private final int rows;
    private final LongHashSet seen = new LongHashSet();

    public LshIndex(int bands, int rows) {
        if (bands < 1 || rows < 1) throw new IllegalArgumentException("bands and rows must be positive, got " + bands + " x " + rows);
        this.bands = bands;
        this.rows = rows;
    }

    /** One hash per band, the band's index mixed in so equal rows in different bands do not collide. */
    public long[] bandHashes(int[] signature) {
        if (signature.length < bands * rows) {
            throw new IllegalArgumentException("signature of " + signature.length + " entries is shorter than " + bands + " bands x " + rows + " rows");
        }
        long[] out = new long[bands];
        for (int band = 0; band < bands; band++) {
            long h = Hashing.mix64(band + 1L);
            for (int r = 0; r < rows; r++) h = Hashing.combine(h, signature[band * rows + r]);
            out[band] = h;
        }
        return out;
    }

    /** True when a stored document shares a band with this one; otherwise stores this one's bands. */
    public boolean checkAndAdd(long[] bandHashes) {
        for (long h : bandHashes) if (seen.contains(h)) return true;
        for (long h : bandHashes) seen.add(h);
        return false;
    }

    public long bytes() {
        return seen.bytes();
    }

    /** Jaccard similarity at which the collision probability is steepest, about (1/bands)^(1/rows). */
    public static double impliedThreshold(int bands, int rows) {
        return Math.pow(1.0 / bands, 1.0 / rows);
    }

    /**
     * Picks bands x rows (at most numPerm entries) that minimize the false-positive area below the
     * threshold plus the false-negative area above it, both equally weighted (the integrals of the
     * S-curve; the choice made by the datasketch library).
     */
    public static int[] chooseBandsRows(int numPerm, double threshold) {
        double best = Double.MAX_VALUE;
        int[] choice = {1, numPerm};
        for (int b = 1; b <= numPerm; b++) {
            for (int r = 1; b * r <= numPerm; r++) {
                double fp = integrate(b, r, 0, threshold, false);
                double fn = integrate(b, r, threshold, 1, true);
                if (fp + fn < best) {
                    best = fp + fn;
                    choice = new int[] {b, r};
                }
            }
        }
        return choice;
    }

    private static double integrate(int b, int r, double lo, double hi, boolean miss) {
        int steps = 200;
        double dx = (hi - lo) / steps, sum = 0;
        for (int i = 0; i < steps; i++) {
            double s = lo + (i + 0.5) * dx;
            double p = 1 - Math.pow(1 - Math.pow(s, r), b);
            sum += (miss ? 1 - p : p) * dx;
        }
        return sum;
    }
}

package rlhf4j.data;

import java.util.Random;

/** Seeded prose that passes every quality rule: varied pseudo-words, one sentence a line. */
public final class TestDocs {
    private static final String CONS = "bcdfghklmnprstvz";
    private static final String VOWELS = "aeiou";

    private TestDocs() {}

    public static String word(Random r) {
        int syllables = 2 + r.nextInt(2);
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < syllables; i++) w.append(CONS.charAt(r.nextInt(CONS.length()))).append(VOWELS.charAt(r.nextInt(VOWELS.length())));
        return w.toString();
    }

    /** {@code sentences} sentences of 8 to 12 words, each on its own line, ending in a period. */
    public static String prose(long seed, int sentences) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < sentences; s++) {
            int n = 8 + r.nextInt(5);
            for (int i = 0; i < n; i++) {
                String w = word(r);
                if (i == 0) w = Character.toUpperCase(w.charAt(0)) + w.substring(1);
                sb.append(w).append(i == n - 1 ? ".\n" : " ");
            }
        }
        return sb.toString().strip();
    }
}

package rlhf4j.data.clean;

import java.util.List;
import java.util.Locale;
import rlhf4j.data.Hashing;
import rlhf4j.data.prepare.PrepareConfig;

/**
 * Applies the Gopher / C4 document rules of {@link PrepareConfig.Filters} in {@link Rule} order,
 * stopping at the first failure. Holds per-thread scratch: use one instance per worker thread.
 */
public final class QualityFilter {
    private final PrepareConfig.Filters cfg;
    private final LongIntCounter counter = new LongIntCounter(1024);
    private boolean[] marked = new boolean[1024];
    private long[] grams = new long[1024]; // grams[i]: hash of the gramN words starting at word i
    private int gramN;

    public QualityFilter(PrepareConfig.Filters cfg) {
        this.cfg = cfg;
    }

    /** Null when {@code text} passes every enabled rule, else the first rule it fails. */
    public Verdict check(String text, Words words) {
        int n = words.count();
        if (n == 0) return new Verdict(Rule.EMPTY, "no words");
        var wc = cfg.wordCount();
        if (wc.enabled() && (n < wc.min() || n > wc.max())) {
            return new Verdict(Rule.WORD_COUNT, n + " words, outside [" + wc.min() + ", " + wc.max() + "]");
        }
        var mwl = cfg.meanWordLength();
        double mean = (double) words.chars() / n;
        if (mwl.enabled() && (mean < mwl.min() || mean > mwl.max())) {
            return new Verdict(Rule.MEAN_WORD_LENGTH, fmt("mean word length %.2f, outside [%s, %s]", mean, mwl.min(), mwl.max()));
        }
        if (cfg.symbolRatio().enabled()) {
            Verdict v = symbolRatio(text, n);
            if (v != null) return v;
        }
        if (cfg.linePunctuation().enabled() || cfg.duplicateLines().enabled()) {
            Verdict v = lines(text);
            if (v != null) return v;
        }
        gramN = 0;
        if (cfg.topNgrams().enabled()) {
            Verdict v = topNgrams(text, words);
            if (v != null) return v;
        }
        if (cfg.duplicateNgrams().enabled()) {
            return duplicateNgrams(words);
        }
        return null;
    }

    private Verdict symbolRatio(String text, int nWords) {
        int hashes = 0, ellipses = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '#') hashes++;
            else if (c == '\u2026') ellipses++;
            else if (c == '.' && i + 2 < text.length() && text.charAt(i + 1) == '.' && text.charAt(i + 2) == '.') {
                ellipses++;
                while (i + 1 < text.length() && text.charAt(i + 1) == '.') i++; // "....." counts once
            }
        }
        double max = cfg.symbolRatio().max();
        if ((double) hashes / nWords > max) return new Verdict(Rule.SYMBOL_RATIO, fmt("%d '#' for %d words, ratio > %s", hashes, nWords, max));
        if ((double) ellipses / nWords > max) return new Verdict(Rule.SYMBOL_RATIO, fmt("%d ellipses for %d words, ratio > %s", ellipses, nWords, max));
        return null;
    }

    /** Line-based rules: share of lines ending in terminal punctuation, then duplicate lines. */
    private Verdict lines(String text) {
        int lines = 0, punctuated = 0, dupLines = 0;
        long chars = 0, dupChars = 0;
        counter.clear();
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = text.length();
            int s = start, e = end;
            while (s < e && Character.isWhitespace(text.charAt(s))) s++;
            while (e > s && Character.isWhitespace(text.charAt(e - 1))) e--;
            if (e > s) {
                lines++;
                chars += e - s;
                if (isTerminalPunctuation(text.charAt(e - 1))) punctuated++;
                if (counter.increment(Hashing.hashChars(text, s, e, 17)) > 1) {
                    dupLines++;
                    dupChars += e - s;
                }
            }
            start = end + 1;
        }
        if (lines == 0) return new Verdict(Rule.EMPTY, "no lines");
        var lp = cfg.linePunctuation();
        double punctShare = (double) punctuated / lines;
        if (lp.enabled() && punctShare < lp.minFraction()) {
            return new Verdict(Rule.LINE_PUNCTUATION, fmt("%d of %d lines end in punctuation (%.2f < %s)", punctuated, lines, punctShare, lp.minFraction()));
        }
        var dl = cfg.duplicateLines();
        if (dl.enabled()) {
            double lineShare = (double) dupLines / lines, charShare = (double) dupChars / chars;
            if (lineShare > dl.maxLineFraction()) {
                return new Verdict(Rule.DUPLICATE_LINES, fmt("%d of %d lines repeat an earlier line (%.2f > %s)", dupLines, lines, lineShare, dl.maxLineFraction()));
            }
            if (charShare > dl.maxCharFraction()) {
                return new Verdict(Rule.DUPLICATE_LINES, fmt("repeated lines hold %.2f of the characters (> %s)", charShare, dl.maxCharFraction()));
            }
        }
        return null;
    }

    /** C4's terminal marks: period, exclamation, question mark, closing quote (plus the ellipsis character). */
    static boolean isTerminalPunctuation(char c) {
        return c == '.' || c == '!' || c == '?' || c == '"' || c == '\'' || c == '\u201D' || c == '\u2019' || c == '\u2026';
    }

    /** Gopher: the most frequent n-gram (n = 2, 3, 4) must not cover too much of the text. */
    private Verdict topNgrams(String text, Words words) {
        List<Double> max = cfg.topNgrams().max();
        int nWords = words.count();
        for (int n = 2; n <= 4; n++) {
            if (nWords < n) break;
            counter.clear();
            int bestCount = 0, bestAt = 0;
            long[] g = ngrams(words, n);
            for (int i = 0; i + n <= nWords; i++) {
                int c = counter.increment(g[i]);
                if (c > bestCount) {
                    bestCount = c;
                    bestAt = i;
                }
            }
            if (bestCount < 2) continue;
            long ngramChars = 0;
            for (int k = 0; k < n; k++) ngramChars += words.length(bestAt + k);
            double share = (double) ngramChars * bestCount / words.chars();
            if (share > max.get(n - 2)) {
                return new Verdict(Rule.TOP_NGRAMS, fmt("top %d-gram \"%s\" x%d covers %.2f of characters (> %s)",
                        n, snippet(text.substring(words.start(bestAt), words.end(bestAt + n - 1)), 40), bestCount, share, max.get(n - 2)));
            }
        }
        return null;
    }

    /** Gopher: characters inside n-grams (n = 5..10) that occur more than once, each character counted once. */
    private Verdict duplicateNgrams(Words words) {
        List<Double> max = cfg.duplicateNgrams().max();
        int nWords = words.count();
        if (marked.length < nWords) marked = new boolean[Math.max(nWords, marked.length * 2)];
        for (int n = 5; n <= 10; n++) {
            if (nWords < n) break;
            counter.clear();
            long[] g = ngrams(words, n);
            for (int i = 0; i + n <= nWords; i++) counter.increment(g[i]);
            if (counter.maxCount() < 2) break; // no repeated n-gram: none for larger n either
            java.util.Arrays.fill(marked, 0, nWords, false);
            for (int i = 0; i + n <= nWords; i++) {
                if (counter.get(g[i]) > 1) for (int k = i; k < i + n; k++) marked[k] = true;
            }
            long dupChars = 0;
            for (int k = 0; k < nWords; k++) if (marked[k]) dupChars += words.length(k);
            double share = (double) dupChars / words.chars();
            if (share > max.get(n - 5)) {
                return new Verdict(Rule.DUPLICATE_NGRAMS, fmt("repeated %d-grams cover %.2f of characters (> %s)", n, share, max.get(n - 5)));
            }
        }
        return null;
    }

    /** Hashes of every n-word window, extended from the (n-1)-word ones left by the previous call. */
    private long[] ngrams(Words words, int n) {
        int nWords = words.count();
        if (gramN == 0 || gramN > n) {
            if (grams.length < nWords) grams = new long[Math.max(nWords, grams.length * 2)];
            System.arraycopy(words.hashes(), 0, grams, 0, nWords);
            gramN = 1;
        }
        long[] h = words.hashes();
        for (; gramN < n; gramN++) {
            for (int i = 0; i + gramN < nWords; i++) grams[i] = Hashing.combine(grams[i], h[i + gramN]);
        }
        return grams;
    }

    public static String snippet(String s, int max) {
        String one = s.replace('\n', ' ');
        return one.length() <= max ? one : one.substring(0, max - 1) + "\u2026";
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}

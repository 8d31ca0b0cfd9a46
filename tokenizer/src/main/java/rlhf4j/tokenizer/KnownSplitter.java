package rlhf4j.tokenizer;

/**
 * Hand-written pre-tokenizers equal to the split regexes of tiktoken's {@code gpt2},
 * {@code cl100k_base} and {@code o200k_base} ({@link Encoding}), about 5x faster than
 * {@code java.util.regex} on them. Each alternative of the regex is tried in order, with the
 * outcome of its backtracking worked out by hand (comments give the alternative). Tests check
 * them against the regex on the fixture texts and on random strings.
 */
abstract sealed class KnownSplitter {
    // character class bits
    static final int L = 1, N = 2, S = 4, U = 8, W = 16, NL = 32;
    private static final byte[] BMP = new byte[1 << 16];

    static {
        for (int c = 0; c < BMP.length; c++) BMP[c] = (byte) compute(c);
    }

    private static int compute(int cp) {
        int bits = 0;
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.TITLECASE_LETTER -> bits = L | U;
            case Character.LOWERCASE_LETTER -> bits = L | W;
            case Character.MODIFIER_LETTER, Character.OTHER_LETTER -> bits = L | U | W;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> bits = U | W;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> bits = N;
            default -> { }
        }
        if (isWhiteSpace(cp)) bits |= S;
        if (cp == '\r' || cp == '\n') bits |= NL;
        return bits;
    }

    /** Unicode's White_Space property (what {@code \s} means in Rust's regex and with UNICODE_CHARACTER_CLASS). */
    private static boolean isWhiteSpace(int c) {
        return c >= 0x9 && c <= 0xD || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || c >= 0x2000 && c <= 0x200A || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    /**
     * Whether every pattern we know ends a pre-token at p, so text may be cut there and the parts
     * encoded apart: a lone newline (no white space before it) followed by a letter. (After "  \n"
     * GPT-2's {@code \s+(?!\S)} would split the run differently at the end of a part.)
     */
    static boolean isSafeCut(CharSequence t, int p) {
        return p >= 2 && p < t.length() && t.charAt(p - 1) == '\n' && (BMP[t.charAt(p - 2)] & S) == 0
                && Character.isLetter(t.charAt(p));
    }

    static int bits(int cp) {
        return cp < 0x10000 ? BMP[cp] : compute(cp);
    }

    /** The splitter for a pattern if it is one of the known ones, else null. */
    static KnownSplitter forPattern(String pattern) {
        if (pattern.equals(Encoding.GPT2.pattern())) return new Gpt2();
        if (pattern.equals(Encoding.CL100K_BASE.pattern())) return new Cl100k();
        if (pattern.equals(Encoding.O200K_BASE.pattern())) return new O200k();
        return null;
    }

    /** End of the pre-token that starts at {@code i} (i < end). */
    abstract int next(String t, int i, int end);

    static int cp(String t, int i) {
        char c = t.charAt(i);
        return Character.isHighSurrogate(c) ? Character.codePointAt(t, i) : c;
    }

    static int run(String t, int k, int end, int mask) {
        while (k < end) {
            int c = cp(t, k);
            if ((bits(c) & mask) == 0) break;
            k += Character.charCount(c);
        }
        return k;
    }

    /** Run of characters outside L, N and S ("other": punctuation, symbols, marks, controls). */
    static int otherRun(String t, int k, int end) {
        while (k < end) {
            int c = cp(t, k);
            if ((bits(c) & (L | N | S)) != 0) break;
            k += Character.charCount(c);
        }
        return k;
    }

    static boolean isOther(int cp) { return (bits(cp) & (L | N | S)) == 0; }

    /** After an apostrophe at k-1: end of {@code s|t|re|ve|m|ll|d} (case-insensitive if asked) or -1. */
    static int contraction(String t, int k, int end, boolean ignoreCase) {
        if (k >= end) return -1;
        char a = t.charAt(k);
        if (ignoreCase) a = fold(a);
        if (a == 's' || a == 't' || a == 'm' || a == 'd') return k + 1;
        if (k + 1 >= end) return -1;
        char b = t.charAt(k + 1);
        if (ignoreCase) b = fold(b);
        if ((a == 'r' || a == 'v') && b == 'e' || a == 'l' && b == 'l') return k + 2;
        return -1;
    }

    /** Simple case folding as far as the contractions need it (U+017F LONG S folds to s). */
    private static char fold(char c) {
        if (c >= 'A' && c <= 'Z') return (char) (c + 32);
        return c == '\u017F' ? 's' : c;
    }

    /**
     * {@code \s*[\r\n]+|\s+(?!\S)|\s+} at i (withNewlineRule) or {@code \s+(?!\S)|\s+}: ends after the
     * run's last newline; else the run minus its last character when a non-space follows; else the run.
     */
    static int whitespace(String t, int i, int end, boolean withNewlineRule) {
        int j = i, afterNewline = -1;
        while (j < end) {
            char c = t.charAt(j); // white space is all in the BMP
            int b = BMP[c];
            if ((b & S) == 0) break;
            if ((b & NL) != 0) afterNewline = j + 1;
            j++;
        }
        if (withNewlineRule && afterNewline > 0) return afterNewline;
        if (j == end || j - 1 == i) return j;
        return j - 1;
    }

    /** {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+} */
    static final class Gpt2 extends KnownSplitter {
        @Override
        int next(String t, int i, int end) {
            int c = cp(t, i);
            if (c == '\'') {
                int k = contraction(t, i + 1, end, false);
                if (k > 0) return k;
            }
            int k = i;
            if (c == ' ' && i + 1 < end) { k = i + 1; c = cp(t, k); }
            int b = bits(c);
            if ((b & L) != 0) return run(t, k, end, L);
            if ((b & N) != 0) return run(t, k, end, N);
            if ((b & S) == 0) return otherRun(t, k, end);
            return whitespace(t, i, end, false);
        }
    }

    /** {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+} */
    static final class Cl100k extends KnownSplitter {
        @Override
        int next(String t, int i, int end) {
            int c = cp(t, i);
            int ci = i + Character.charCount(c);
            if (c == '\'') {
                int k = contraction(t, ci, end, true);
                if (k > 0) return k;
            }
            int b = bits(c);
            if ((b & L) != 0) return run(t, ci, end, L);
            if ((b & (NL | N)) == 0 && ci < end && (bits(cp(t, ci)) & L) != 0) return run(t, ci, end, L);
            if ((b & N) != 0) {
                int k = ci;
                for (int n = 1; n < 3 && k < end; n++) {
                    int d = cp(t, k);
                    if ((bits(d) & N) == 0) break;
                    k += Character.charCount(d);
                }
                return k;
            }
            int k = -1;
            if (c == ' ' && ci < end && isOther(cp(t, ci))) k = ci;
            else if ((b & S) == 0) k = i;
            if (k >= 0) return run(t, otherRun(t, k, end), end, NL);
            return whitespace(t, i, end, true);
        }
    }

    /**
     * {@code A|B|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+} where
     * A = {@code [^\r\n\p{L}\p{N}]?[U]*[W]+C?}, B = {@code [^\r\n\p{L}\p{N}]?[U]+[W]*C?},
     * U = {@code \p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}}, W = {@code \p{Ll}\p{Lm}\p{Lo}\p{M}}, C = contraction.
     */
    static final class O200k extends KnownSplitter {
        @Override
        int next(String t, int i, int end) {
            int c = cp(t, i);
            int ci = i + Character.charCount(c);
            int b = bits(c);
            boolean prefix = (b & (NL | L | N)) == 0 && ci < end;
            int k;
            if (prefix && (k = wordA(t, ci, end)) > 0) return k;
            if ((k = wordA(t, i, end)) > 0) return k;
            if (prefix && (k = wordB(t, ci, end)) > 0) return k;
            if ((k = wordB(t, i, end)) > 0) return k;
            if ((b & N) != 0) {
                k = ci;
                for (int n = 1; n < 3 && k < end; n++) {
                    int d = cp(t, k);
                    if ((bits(d) & N) == 0) break;
                    k += Character.charCount(d);
                }
                return k;
            }
            k = -1;
            if (c == ' ' && ci < end && isOther(cp(t, ci))) k = ci;
            else if ((b & S) == 0) k = i;
            if (k >= 0) {
                k = otherRun(t, k, end);
                while (k < end && (t.charAt(k) == '\r' || t.charAt(k) == '\n' || t.charAt(k) == '/')) k++;
                return k;
            }
            return whitespace(t, i, end, true);
        }

        /** {@code [U]*[W]+C?} at s: greedy U*, backing off until W+ can match; -1 if it cannot. */
        private static int wordA(String t, int s, int end) {
            int u = run(t, s, end, U);
            int e;
            if (u < end && (bits(cp(t, u)) & W) != 0) {
                e = run(t, u, end, W);
            } else {
                e = -1;
                for (int k = u; k > s; ) {
                    int c = Character.codePointBefore(t, k);
                    if ((bits(c) & W) != 0) { e = k; break; }
                    k -= Character.charCount(c);
                }
                if (e < 0) return -1;
            }
            return withContraction(t, e, end);
        }

        /** {@code [U]+[W]*C?} at s, or -1. */
        private static int wordB(String t, int s, int end) {
            int u = run(t, s, end, U);
            if (u == s) return -1;
            return withContraction(t, run(t, u, end, W), end);
        }

        private static int withContraction(String t, int e, int end) {
            if (e < end && t.charAt(e) == '\'') {
                int k = contraction(t, e + 1, end, true);
                if (k > 0) return k;
            }
            return e;
        }
    }
}

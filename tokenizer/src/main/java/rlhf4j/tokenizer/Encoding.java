package rlhf4j.tokenizer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The named pre-tokenization schemes of OpenAI's tiktoken: the split regex and the special tokens
 * that each rank file needs (tiktoken keeps them in code, not in the rank file). Patterns are given
 * in the portable form tiktoken and Hugging Face publish; {@link #compile} makes them behave in
 * {@code java.util.regex} as in Rust's regex crate (Unicode {@code \s}, Unicode case folding).
 */
public enum Encoding {
    GPT2("gpt2", 50256,
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Map.of("<|endoftext|>", 50256)),
    CL100K_BASE("cl100k_base", 100277,
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            ordered("<|endoftext|>", 100257, "<|fim_prefix|>", 100258, "<|fim_middle|>", 100259,
                    "<|fim_suffix|>", 100260, "<|endofprompt|>", 100276)),
    O200K_BASE("o200k_base", 200019,
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
                    + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
                    + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            ordered("<|endoftext|>", 199999, "<|endofprompt|>", 200018));

    private final String id;
    private final int vocabSize;
    private final String pattern;
    private final Map<String, Integer> specialTokens;

    Encoding(String id, int vocabSize, String pattern, Map<String, Integer> specialTokens) {
        this.id = id;
        this.vocabSize = vocabSize;
        this.pattern = pattern;
        this.specialTokens = specialTokens;
    }

    /** tiktoken's name, e.g. {@code cl100k_base}. */
    public String id() { return id; }

    /** Number of ids including special tokens (the largest id plus one). */
    public int vocabSize() { return vocabSize; }

    /** The split regex in its portable (tiktoken / Hugging Face) spelling. */
    public String pattern() { return pattern; }

    public Map<String, Integer> specialTokens() { return specialTokens; }

    /** By tiktoken name ({@code gpt2}, {@code r50k_base}, {@code cl100k_base}, {@code o200k_base}), case-insensitive. */
    public static Encoding byName(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        for (Encoding e : values()) if (e.id.equals(n)) return e;
        if (n.equals("r50k_base")) return GPT2;
        if (n.equals("cl100k")) return CL100K_BASE;
        if (n.equals("o200k")) return O200K_BASE;
        throw new IllegalArgumentException("unknown encoding '" + name + "'; known: gpt2, cl100k_base, o200k_base");
    }

    /**
     * Compiles a split pattern so it behaves as in Rust's regex crate, which tiktoken uses:
     * {@code \s}, {@code \w} and case-insensitive groups are Unicode-aware, and {@code $} means the
     * end of the text (Java's {@code $} would also match before a final line terminator).
     */
    public static Pattern compile(String pattern) {
        return Pattern.compile(endAnchorsToZ(pattern), Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNICODE_CASE);
    }

    /** Replaces unescaped {@code $} outside character classes with {@code \z}. */
    private static String endAnchorsToZ(String p) {
        StringBuilder sb = new StringBuilder(p.length() + 4);
        boolean inClass = false;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\' && i + 1 < p.length()) {
                sb.append(c).append(p.charAt(++i));
            } else if (c == '[') {
                inClass = true;
                sb.append(c);
            } else if (c == ']') {
                inClass = false;
                sb.append(c);
            } else if (c == '$' && !inClass) {
                sb.append("\\z");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static Map<String, Integer> ordered(Object... kv) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (Integer) kv[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
    }
}

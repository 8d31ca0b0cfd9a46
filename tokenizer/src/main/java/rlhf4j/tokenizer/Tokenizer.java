package rlhf4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A byte-level BPE tokenizer with tiktoken's semantics: the text is split by a regex into
 * pre-tokens, each pre-token's UTF-8 bytes are merged pairwise by lowest priority (see
 * {@link BpeMerger}), and special tokens are recognised only where the caller allows them.
 *
 * <p>Text that is not well-formed UTF-16 (a lone surrogate) is encoded as if each lone surrogate
 * were U+FFFD, as tiktoken does. Decoding bytes that are not valid UTF-8 (a prefix of a multi-byte
 * character, say) yields U+FFFD for each maximal ill-formed subsequence; {@link #decodeBytes} gives
 * the exact bytes. Hence {@code decode(encode(s)).equals(s)} for every well-formed string and
 * {@code decodeBytes(encode(s))} equals the UTF-8 of s (lone surrogates as U+FFFD) for every string.
 *
 * <p>Immutable and thread-safe; scratch space is per thread.
 */
public final class Tokenizer {
    private final String name;
    private final String pattern;
    private final Pattern split;
    private final KnownSplitter known;          // hand-written split for tiktoken's patterns, else null
    private final byte[][] tokens;              // id -> bytes (special tokens: their UTF-8)
    private final ByteSeqMap map;               // ordinary tokens only
    private final int[] priority;               // id -> merge priority, lower merges first
    private final Map<String, Integer> specials; // special token text -> id
    private final Pattern allSpecials;
    private final boolean[] special;             // id -> is a special token
    private final ThreadLocal<Worker> workers = ThreadLocal.withInitial(Worker::new);

    /**
     * @param ordinary id -> token bytes for ordinary tokens (null for ids that are special or unused);
     *                 must contain all 256 single bytes
     * @param priority id -> merge priority (null: the id itself, as in tiktoken rank files)
     */
    public Tokenizer(String name, String pattern, byte[][] ordinary, int[] priority, Map<String, Integer> specials) {
        this.name = name;
        this.pattern = pattern;
        this.split = Encoding.compile(pattern);
        this.known = KnownSplitter.forPattern(pattern);
        int size = ordinary.length;
        for (int id : specials.values()) size = Math.max(size, id + 1);
        this.tokens = Arrays.copyOf(ordinary, size);
        this.map = new ByteSeqMap(ordinary);
        byte[] one = new byte[1];
        for (int b = 0; b < 256; b++) {
            one[0] = (byte) b;
            if (map.get(one, 0, 1) < 0) throw new IllegalArgumentException(
                    "tokenizer '" + name + "': vocabulary lacks the single byte 0x" + Integer.toHexString(b));
        }
        this.priority = new int[size];
        for (int id = 0; id < size; id++) this.priority[id] = priority == null ? id : (id < priority.length ? priority[id] : id);
        this.special = new boolean[size];
        Map<String, Integer> sp = new LinkedHashMap<>();
        for (var e : specials.entrySet()) {
            int id = e.getValue();
            if (id < ordinary.length && ordinary[id] != null)
                throw new IllegalArgumentException("special token " + e.getKey() + " has id " + id + ", which an ordinary token already uses");
            sp.put(e.getKey(), id);
            special[id] = true;
            tokens[id] = e.getKey().getBytes(StandardCharsets.UTF_8);
        }
        this.specials = Collections.unmodifiableMap(sp);
        this.allSpecials = specialsPattern(sp.keySet());
    }

    /** A tiktoken encoding from its rank table (id = rank). */
    public static Tokenizer of(Encoding encoding, byte[][] ranks) {
        return new Tokenizer(encoding.id(), encoding.pattern(), ranks, null, encoding.specialTokens());
    }

    public String name() { return name; }

    /** The split regex in its portable spelling. */
    public String pattern() { return pattern; }

    /** Number of ids (largest id + 1), special tokens included. */
    public int vocabSize() { return tokens.length; }

    public Map<String, Integer> specialTokens() { return specials; }

    /**
     * This tokenizer with extra special tokens at the next free ids (from {@link #vocabSize()} on),
     * skipping any it already has: how a pretrained vocabulary gains chat markers.
     */
    public Tokenizer withSpecialTokens(List<String> extra) {
        Map<String, Integer> sp = new LinkedHashMap<>(specials);
        int next = tokens.length;
        for (String t : extra) if (!sp.containsKey(t)) sp.put(t, next++);
        byte[][] ordinary = new byte[tokens.length][];
        for (int id = 0; id < tokens.length; id++) if (!special[id]) ordinary[id] = tokens[id];
        return new Tokenizer(name, pattern, ordinary, priority, sp);
    }

    /**
     * This tokenizer cut to its first {@code size} ids, for a model with fewer embedding rows than
     * the vocabulary has ids: ordinary tokens at ids from {@code size} on are dropped, and special
     * tokens there move, in id order, onto the highest ordinary ids below {@code size} (whose tokens
     * are dropped too). Where ids follow merge order, as in tiktoken rank files and trained
     * vocabularies, every token kept is still made from kept tokens, so the result is a smaller BPE
     * of the same kind (e.g. GPT-2's vocabulary cut to 32,000 ids: ranks 0..31998, then
     * {@code <|endoftext|>} at 31999).
     */
    public Tokenizer truncated(int size) {
        if (size == tokens.length) return this;
        if (size > tokens.length) throw new IllegalArgumentException("tokenizer '" + name + "' has " + tokens.length
                + " ids; it cannot be cut to " + size);
        byte[][] ordinary = new byte[size][];
        for (int id = 0; id < size; id++) if (!special[id]) ordinary[id] = tokens[id];
        Map<String, Integer> moved = new LinkedHashMap<>();
        List<Map.Entry<String, Integer>> moving = new ArrayList<>();
        for (var e : specials.entrySet()) if (e.getValue() >= size) moving.add(e);
        moving.sort(Map.Entry.comparingByValue());
        int next = size;
        for (int i = moving.size() - 1; i >= 0; i--) {
            do next--; while (next >= 0 && special[next]);
            if (next < 0) throw new IllegalArgumentException("tokenizer '" + name + "': " + size + " ids are too few for its "
                    + specials.size() + " special tokens");
            ordinary[next] = null;
            moved.put(moving.get(i).getKey(), next);
        }
        Map<String, Integer> sp = new LinkedHashMap<>();
        for (var e : specials.entrySet()) sp.put(e.getKey(), moved.getOrDefault(e.getKey(), e.getValue()));
        return new Tokenizer(name, pattern, ordinary, Arrays.copyOf(priority, size), sp);
    }

    /** Id of a special token; throws if this tokenizer lacks it. */
    public int specialId(String token) {
        Integer id = specials.get(token);
        if (id == null) throw new IllegalArgumentException("tokenizer '" + name + "' has no special token " + token
                + " (it has " + specials.keySet() + ")");
        return id;
    }

    public boolean isSpecial(int id) { return id >= 0 && id < special.length && special[id]; }

    /** Bytes of token {@code id} (a copy); for a special token, its UTF-8 text. */
    public byte[] tokenBytes(int id) {
        checkId(id);
        return tokens[id].clone();
    }

    /** Merge priority of an ordinary token (lower merges first). */
    public int priority(int id) {
        checkId(id);
        return priority[id];
    }

    /** Merge priority of the ordinary token with bytes b[from, to), or Integer.MAX_VALUE if there is none. */
    int priorityOf(byte[] b, int from, int to) {
        int id = map.get(b, from, to);
        return id < 0 ? Integer.MAX_VALUE : priority[id];
    }

    /** Ids of ordinary tokens in merge-priority order (single bytes first). */
    public int[] ordinaryIdsByPriority() {
        return java.util.stream.IntStream.range(0, tokens.length)
                .filter(id -> tokens[id] != null && !isSpecial(id)).boxed()
                .sorted((a, b) -> priority[a] != priority[b] ? Integer.compare(priority[a], priority[b]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
    }

    // ---------------------------------------------------------------- encode

    /** Encodes text with no special tokens recognised: {@code <|endoftext|>} in the text is just text. */
    public int[] encode(String text) {
        IntList out = new IntList(text.length() / 3 + 8);
        encodeRange(wellFormed(text), 0, text.length(), out);
        return out.toArray();
    }

    /** Encodes text recognising the allowed special tokens (all of this tokenizer's when allowed is null). */
    public int[] encode(String text, Set<String> allowed) {
        IntList out = new IntList(text.length() / 3 + 8);
        encode(text, allowed, out);
        return out.toArray();
    }

    /** Appends the ids of text to out, recognising the allowed special tokens (null: all, empty: none). */
    public void encode(String text, Set<String> allowed, IntList out) {
        text = wellFormed(text);
        if (allowed != null && allowed.isEmpty() || specials.isEmpty()) {
            encodeRange(text, 0, text.length(), out);
            return;
        }
        Pattern sp = allowed == null ? allSpecials : specialsPattern(allowed);
        Matcher m = sp.matcher(text);
        int start = 0;
        while (m.find()) {
            encodeRange(text, start, m.start(), out);
            out.add(specialId(m.group()));
            start = m.end();
        }
        encodeRange(text, start, text.length(), out);
    }

    /** Appends the ids of {@code text[from, to)} to out, special tokens treated as text. */
    public void encodeOrdinary(String text, int from, int to, IntList out) {
        encodeRange(wellFormed(text), from, to, out);
    }

    private void encodeRange(String wellFormedText, int from, int to, IntList out) {
        if (from < to) workers.get().encode(wellFormedText, from, to, out);
    }

    /** Encodes many texts (no special tokens) on the given number of threads; result i is text i's ids. */
    public int[][] encodeAll(List<String> texts, int threads) {
        return encodeAll(texts, Set.of(), threads);
    }

    /** Encodes many texts recognising the allowed special tokens (null: all) on the given number of threads. */
    public int[][] encodeAll(List<String> texts, Set<String> allowed, int threads) {
        int[][] result = new int[texts.size()][];
        int block = 256; // texts per task: short lines would otherwise cost more in hand-offs than in encoding
        int n = texts.size();
        ParallelChunks.run((n + block - 1) / block, threads, b -> {
            for (int i = b * block, e = Math.min(n, i + block); i < e; i++) result[i] = encode(texts.get(i), allowed);
        });
        return result;
    }

    /**
     * Encodes one long text on several threads. The text is cut only where every pre-tokenizer
     * we know ends a pre-token ({@link KnownSplitter#isSafeCut}), so the ids equal
     * {@link #encode(String)}'s.
     */
    public int[] encodeParallel(String text, int threads) {
        if (threads <= 1 || text.length() < 1 << 16) return encode(text);
        String t = wellFormed(text);
        List<int[]> cuts = new ArrayList<>();
        int chunk = Math.max(1 << 15, t.length() / (threads * 8));
        int start = 0;
        while (start < t.length()) {
            int end = Math.min(t.length(), start + chunk);
            while (end < t.length() && !KnownSplitter.isSafeCut(t, end)) end++;
            cuts.add(new int[]{start, end});
            start = end;
        }
        int[][] parts = new int[cuts.size()][];
        ParallelChunks.run(cuts.size(), threads, i -> {
            IntList out = new IntList((cuts.get(i)[1] - cuts.get(i)[0]) / 3 + 8);
            encodeRange(t, cuts.get(i)[0], cuts.get(i)[1], out);
            parts[i] = out.toArray();
        });
        IntList all = new IntList(t.length() / 3 + 8);
        for (int[] p : parts) all.addAll(p);
        return all.toArray();
    }

    // ---------------------------------------------------------------- decode

    /** The exact bytes the ids stand for. */
    public byte[] decodeBytes(int[] ids) {
        int n = 0;
        for (int id : ids) { checkId(id); n += tokens[id].length; }
        byte[] out = new byte[n];
        int at = 0;
        for (int id : ids) {
            byte[] t = tokens[id];
            System.arraycopy(t, 0, out, at, t.length);
            at += t.length;
        }
        return out;
    }

    /** The text the ids stand for; invalid UTF-8 becomes U+FFFD per maximal ill-formed subsequence. */
    public String decode(int[] ids) {
        return new String(decodeBytes(ids), StandardCharsets.UTF_8);
    }

    private void checkId(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null)
            throw new IllegalArgumentException("token id " + id + " is not in tokenizer '" + name + "' (vocabulary size " + tokens.length + ")");
    }

    // ---------------------------------------------------------------- helpers

    /** Replaces lone surrogates with U+FFFD (same length, so offsets stay valid). */
    static String wellFormed(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) { i++; continue; }
                char[] a = s.toCharArray();
                for (int j = i; j < n; j++) {
                    if (Character.isHighSurrogate(a[j]) && j + 1 < n && Character.isLowSurrogate(a[j + 1])) j++;
                    else if (Character.isSurrogate(a[j])) a[j] = '\uFFFD';
                }
                return new String(a);
            }
        }
        return s;
    }

    private static Pattern specialsPattern(Set<String> tokens) {
        if (tokens.isEmpty()) return Pattern.compile("(?!)");
        StringBuilder sb = new StringBuilder();
        // longer first, so a special that is a prefix of another never hides it
        tokens.stream().sorted((a, b) -> b.length() - a.length()).forEach(t -> {
            if (!sb.isEmpty()) sb.append('|');
            sb.append(Pattern.quote(t));
        });
        return Pattern.compile(sb.toString());
    }

    /** Per-thread scratch: the piece's UTF-8, the merger and a cache of recent multi-token pieces. */
    private final class Worker {
        private static final int CACHE = 1 << 12;
        private byte[] buf = new byte[256];
        private final BpeMerger merger = new BpeMerger(map, priority);
        private final Matcher matcher = split.matcher("");
        private final int[] cacheHash = new int[CACHE];
        private final byte[][] cacheKey = new byte[CACHE][];
        private final int[][] cacheIds = new int[CACHE][];
        private final IntList tmp = new IntList(64);

        void encode(String text, int from, int to, IntList out) {
            if (known != null) {
                for (int i = from; i < to; ) {
                    int j = known.next(text, i, to);
                    piece(text, i, j, out);
                    i = j;
                }
                return;
            }
            // A custom pattern may leave text unmatched: keep it as its own piece (Hugging Face's
            // "isolated" split) so that decode(encode(s)) == s still holds.
            Matcher m = matcher.reset(text);
            m.region(from, to);
            int last = from;
            while (m.find()) {
                if (m.start() == m.end()) continue;
                if (m.start() > last) piece(text, last, m.start(), out);
                piece(text, m.start(), m.end(), out);
                last = m.end();
            }
            if (last < to) piece(text, last, to, out);
            m.reset(""); // drop the reference to text
        }

        private void piece(String text, int from, int to, IntList out) {
            int len = utf8(text, from, to);
            byte[] b = buf;
            int id = map.get(b, 0, len);
            if (id >= 0) { out.add(id); return; }
            int h = ByteSeqMap.hash(b, 0, len);
            int slot = (h ^ (h >>> 15)) & (CACHE - 1);
            byte[] key = cacheKey[slot];
            if (key != null && cacheHash[slot] == h && Arrays.equals(key, 0, key.length, b, 0, len)) {
                out.addAll(cacheIds[slot]);
                return;
            }
            tmp.clear();
            merger.merge(b, len, tmp);
            int[] ids = tmp.toArray();
            out.addAll(ids);
            if (len <= 64) {
                cacheHash[slot] = h;
                cacheKey[slot] = Arrays.copyOf(b, len);
                cacheIds[slot] = ids;
            }
        }

        /** UTF-8 of text[from, to) into buf; returns the byte count. */
        private int utf8(String s, int from, int to) {
            int need = (to - from) * 3;
            if (buf.length < need) buf = new byte[Math.max(need, buf.length * 2)];
            byte[] b = buf;
            int n = 0;
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    b[n++] = (byte) c;
                } else if (c < 0x800) {
                    b[n++] = (byte) (0xC0 | c >> 6);
                    b[n++] = (byte) (0x80 | c & 0x3F);
                } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    b[n++] = (byte) (0xF0 | cp >> 18);
                    b[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    b[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    b[n++] = (byte) (0x80 | cp & 0x3F);
                } else {
                    if (Character.isSurrogate(c)) c = '\uFFFD';
                    b[n++] = (byte) (0xE0 | c >> 12);
                    b[n++] = (byte) (0x80 | c >> 6 & 0x3F);
                    b[n++] = (byte) (0x80 | c & 0x3F);
                }
            }
            return n;
        }
    }
}

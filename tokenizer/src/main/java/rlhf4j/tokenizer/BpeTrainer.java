package rlhf4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Trains byte-level BPE over a weighted table of distinct pre-tokens (from {@link PreTokenCounter}).
 * Ids 0-255 are the bytes, then one id per merge, then the special tokens. Each step merges the
 * most frequent adjacent pair (ties: the smaller (left id, right id)), so training is
 * deterministic. Pair counts are kept incrementally: a merge touches only the words that contain
 * the pair (an index from pair to words), and a max-heap with lazy deletion finds the next pair,
 * so there are no rescans of the whole table.
 */
public final class BpeTrainer {
    /** Special tokens reserved by default: document boundaries and our chat template's markers. */
    public static final List<String> DEFAULT_SPECIALS =
            List.of("<|endoftext|>", "<|bos|>", "<|user|>", "<|assistant|>", "<|system|>", "<|end|>");

    private final int[][] words;   // distinct pre-token -> its symbols (token ids); rewritten by merges
    private final int[] lengths;   // live symbol count per word
    private final long[] weights;  // occurrences of each pre-token
    private final PairTable pairs;
    private final int[] stamp;
    private int stampNow;
    private int[] pushed = new int[1 << 16]; // pair slot -> stamp of its last push

    private record Candidate(long count, int left, int right) {}

    public BpeTrainer(Map<String, long[]> preTokens) {
        int n = preTokens.size();
        words = new int[n][];
        lengths = new int[n];
        weights = new long[n];
        stamp = new int[n];
        pairs = new PairTable(1 << 16);
        // sort for determinism (HashMap order depends on insertion history)
        String[] keys = preTokens.keySet().toArray(new String[0]);
        Arrays.sort(keys);
        for (int w = 0; w < n; w++) {
            byte[] b = keys[w].getBytes(StandardCharsets.UTF_8);
            int[] s = new int[b.length];
            for (int i = 0; i < b.length; i++) s[i] = b[i] & 0xff;
            words[w] = s;
            lengths[w] = s.length;
            weights[w] = preTokens.get(keys[w])[0];
            for (int i = 0; i + 1 < s.length; i++) add(s[i], s[i + 1], weights[w], w);
        }
    }

    private int add(int a, int b, long delta, int word) {
        return pairs.add(PairTable.key(a, b), delta, word);
    }

    private long count(int a, int b) {
        int s = pairs.find(PairTable.key(a, b));
        return s < 0 ? 0 : pairs.count(s);
    }

    /**
     * Runs merges until the vocabulary (bytes + merges + specials) reaches vocabSize or no pair is left.
     * @param progress receives a line now and then (may be null)
     */
    public Tokenizer train(String name, String pattern, int vocabSize, List<String> specials, Consumer<String> progress) {
        int merges = vocabSize - 256 - specials.size();
        if (merges < 0) throw new IllegalArgumentException("vocab size " + vocabSize + " is below 256 bytes + "
                + specials.size() + " special tokens");
        List<byte[]> tokens = new ArrayList<>(vocabSize);
        Map<ByteKey, Integer> idOfBytes = new HashMap<>();
        for (int b = 0; b < 256; b++) { tokens.add(new byte[]{(byte) b}); idOfBytes.put(new ByteKey(tokens.get(b)), b); }

        PriorityQueue<Candidate> heap = new PriorityQueue<>((x, y) -> x.count != y.count ? Long.compare(y.count, x.count)
                : x.left != y.left ? Integer.compare(x.left, y.left) : Integer.compare(x.right, y.right));
        for (int s = 0; s < pairs.size(); s++) {
            if (pairs.count(s) > 0) heap.add(new Candidate(pairs.count(s), PairTable.left(pairs.key(s)), PairTable.right(pairs.key(s))));
        }
        long t0 = System.nanoTime();
        if (progress != null) progress.accept(String.format("%,d distinct pairs; merging", heap.size()));
        int done = 0;
        IntList grown = new IntList();
        while (done < merges && !heap.isEmpty()) {
            Candidate top = heap.poll();
            long now = count(top.left, top.right);
            if (now != top.count) {
                if (now > 0) heap.add(new Candidate(now, top.left, top.right));
                continue;
            }
            byte[] lb = tokens.get(top.left), rb = tokens.get(top.right);
            byte[] merged = Arrays.copyOf(lb, lb.length + rb.length);
            System.arraycopy(rb, 0, merged, lb.length, rb.length);
            // the same bytes can arise from a different split (a+bc vs ab+c): reuse that token
            Integer existing = idOfBytes.get(new ByteKey(merged));
            int id;
            if (existing != null) {
                id = existing;
            } else {
                id = tokens.size();
                tokens.add(merged);
                idOfBytes.put(new ByteKey(merged), id);
                done++;
            }
            grown.clear();
            applyMerge(top.left, top.right, id, grown);
            stampNow++; // pushes each grown pair once
            for (int g = 0; g < grown.size(); g++) {
                int slot = grown.get(g);
                if (pushed.length <= slot) pushed = Arrays.copyOf(pushed, Math.max(slot + 1, pushed.length * 2));
                if (pushed[slot] == stampNow) continue;
                pushed[slot] = stampNow;
                long c = pairs.count(slot);
                long k = pairs.key(slot);
                if (c > 0) heap.add(new Candidate(c, PairTable.left(k), PairTable.right(k)));
            }
            if (progress != null && existing == null && (done % 1000 == 0 || done == merges)) {
                progress.accept(String.format("merge %,d/%,d  count %,d  %.1fs", done, merges, top.count, (System.nanoTime() - t0) / 1e9));
            }
        }
        if (done < merges && progress != null) {
            progress.accept(String.format("the corpus has no pairs left after %,d merges: vocabulary is %,d, not %,d",
                    done, 256 + done + specials.size(), vocabSize));
        }
        byte[][] ordinary = tokens.toArray(new byte[0][]);
        Map<String, Integer> sp = new LinkedHashMap<>();
        for (String s : specials) sp.put(s, ordinary.length + sp.size());
        return new Tokenizer(name, pattern, ordinary, null, sp);
    }

    /** Replaces every (a, b) in the words that hold it by c, keeping pair counts exact. */
    private void applyMerge(int a, int b, int c, IntList grown) {
        int slot = pairs.find(PairTable.key(a, b));
        IntList ws = slot < 0 ? null : pairs.takeWords(slot);
        if (ws == null) return;
        stampNow++;
        for (int wi = 0; wi < ws.size(); wi++) {
            int w = ws.get(wi);
            if (stamp[w] == stampNow) continue; // listed twice
            stamp[w] = stampNow;
            int[] s = words[w];
            int n = lengths[w];
            long f = weights[w];
            int out = 0;
            for (int i = 0; i < n; ) {
                if (i + 1 < n && s[i] == a && s[i + 1] == b) {
                    add(a, b, -f, w);
                    if (out > 0) {
                        int left = s[out - 1];
                        add(left, a, -f, w);
                        grown.add(add(left, c, f, w));
                    }
                    if (i + 2 < n) {
                        int right = s[i + 2];
                        add(b, right, -f, w);
                        grown.add(add(c, right, f, w));
                    }
                    s[out++] = c;
                    i += 2;
                } else {
                    s[out++] = s[i++];
                }
            }
            lengths[w] = out;
        }
    }

    /** Byte-array key with value equality. */
    private record ByteKey(byte[] bytes) {
        @Override public boolean equals(Object o) { return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes); }
        @Override public int hashCode() { return Arrays.hashCode(bytes); }
    }
}

package rlhf4j.tokenizer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BpeTrainerTest {
    static final String TEXT = """
            The cat sat on the mat. The cat ate the rat. Then the cat sat on the hat.
            That is the theory: the other cat thinks the mat is theirs, and they're right.
            """;

    static Tokenizer train(String text, int vocab) {
        PreTokenCounter counter = new PreTokenCounter(Encoding.CL100K_BASE.pattern());
        counter.addText(text);
        return new BpeTrainer(counter.counts()).train("t", Encoding.CL100K_BASE.pattern(), vocab, BpeTrainer.DEFAULT_SPECIALS, null);
    }

    @Test
    void firstMergesAreTheMostFrequentPairs() {
        Tokenizer tok = train(TEXT.repeat(20), 256 + 20 + 6);
        assertThat(new String(tok.tokenBytes(256), StandardCharsets.UTF_8)).isEqualTo("he"); // most frequent pair (the, The, then, other, they...)
        List<String> learned = new ArrayList<>();
        for (int id = 256; id < 276; id++) learned.add(new String(tok.tokenBytes(id), StandardCharsets.UTF_8));
        assertThat(learned).contains(" the", " cat", "he");
        assertThat(tok.vocabSize()).isEqualTo(282);
        assertThat(tok.specialId("<|endoftext|>")).isEqualTo(276);
        assertThat(tok.specialId("<|end|>")).isEqualTo(281);
    }

    @Test
    void trainingIsDeterministic() {
        Tokenizer a = train(TEXT.repeat(5), 400), b = train(TEXT.repeat(5), 400);
        assertThat(a.vocabSize()).isEqualTo(b.vocabSize());
        for (int id = 0; id < a.vocabSize(); id++) assertThat(a.tokenBytes(id)).isEqualTo(b.tokenBytes(id));
    }

    @Test
    void specialTokensAreNeverProducedFromText() {
        String text = TEXT + "<|endoftext|><|user|>hi<|end|><|assistant|><|bos|><|system|>";
        Tokenizer tok = train(text.repeat(30), 600);
        int[] ids = tok.encode(text);
        for (int id : ids) assertThat(tok.isSpecial(id)).isFalse();
        assertThat(tok.decode(ids)).isEqualTo(text);
        assertThat(tok.encode("<|user|>", null)).containsExactly(tok.specialId("<|user|>"));
    }

    @Test
    void trainedTokenizerCompressesItsCorpus() {
        Tokenizer tok = train(TEXT.repeat(10), 512);
        assertThat(tok.encode(TEXT).length).isLessThan(TEXT.length() / 3);
    }

    /** The incremental trainer picks the same merges as a naive one that recounts every pair each step. */
    @Property(tries = 60)
    void incrementalCountsMatchNaiveRecounting(@ForAll @IntRange(min = 1, max = 100_000) int seed) {
        Random r = new Random(seed);
        String[] pool = {"a", "b", "ab", "aa", "ba", " ", "c", "é", "the"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0, n = 20 + r.nextInt(200); i < n; i++) sb.append(pool[r.nextInt(pool.length)]);
        PreTokenCounter counter = new PreTokenCounter(Encoding.GPT2.pattern());
        counter.addText(sb.toString());
        int vocab = 256 + 1 + r.nextInt(40);
        Tokenizer fast = new BpeTrainer(counter.counts()).train("t", Encoding.GPT2.pattern(), vocab, List.of(), null);
        List<byte[]> naive = naiveTrain(counter.counts(), vocab - 256);
        assertThat(fast.vocabSize()).isEqualTo(naive.size());
        for (int id = 0; id < naive.size(); id++) assertThat(fast.tokenBytes(id)).isEqualTo(naive.get(id));
    }

    static List<byte[]> naiveTrain(Map<String, long[]> counts, int merges) {
        List<byte[]> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) tokens.add(new byte[]{(byte) b});
        List<List<Integer>> words = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        counts.keySet().stream().sorted().forEach(k -> {
            List<Integer> w = new ArrayList<>();
            for (byte x : k.getBytes(StandardCharsets.UTF_8)) w.add(x & 0xff);
            words.add(w);
            weights.add(counts.get(k)[0]);
        });
        int done = 0;
        while (done < merges) {
            java.util.TreeMap<List<Integer>, Long> pc = new java.util.TreeMap<>((x, y) -> x.get(0).equals(y.get(0))
                    ? Integer.compare(x.get(1), y.get(1)) : Integer.compare(x.get(0), y.get(0)));
            for (int w = 0; w < words.size(); w++)
                for (int i = 0; i + 1 < words.get(w).size(); i++)
                    pc.merge(List.of(words.get(w).get(i), words.get(w).get(i + 1)), weights.get(w), Long::sum);
            if (pc.isEmpty()) break;
            List<Integer> best = null;
            long bestCount = 0;
            for (var e : pc.entrySet()) if (e.getValue() > bestCount) { best = e.getKey(); bestCount = e.getValue(); }
            byte[] l = tokens.get(best.get(0)), rr = tokens.get(best.get(1));
            byte[] m = Arrays.copyOf(l, l.length + rr.length);
            System.arraycopy(rr, 0, m, l.length, rr.length);
            int id = -1;
            for (int t = 0; t < tokens.size(); t++) if (Arrays.equals(tokens.get(t), m)) id = t;
            if (id < 0) { id = tokens.size(); tokens.add(m); done++; }
            for (List<Integer> w : words) {
                for (int i = 0; i + 1 < w.size(); i++) {
                    if (w.get(i).equals(best.get(0)) && w.get(i + 1).equals(best.get(1))) { w.set(i, id); w.remove(i + 1); }
                }
            }
        }
        return tokens;
    }

    @Test
    void countsJsonlDocumentsAndNamesTheBadLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path ok = dir.resolve("a.jsonl");
        Files.writeString(ok, "{\"text\": \"hello world\"}\n\n{\"text\": \"hello\"}\n");
        PreTokenCounter counter = new PreTokenCounter(Encoding.GPT2.pattern());
        counter.addFile(ok, null);
        assertThat(counter.counts().get("hello")[0]).isEqualTo(2);
        Path bad = dir.resolve("b.jsonl");
        Files.writeString(bad, "{\"text\": \"x\"}\n{\"txt\": 1}\n");
        assertThatThrownBy(() -> counter.addFile(bad, null)).hasMessageContaining("b.jsonl line 2");
    }

    @Test
    void countsPlainTextFilesLikeOneDocument(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 60_000; i++) sb.append("Line ").append(i).append(" of text,\n\n  indented  \nNext\n");
        Path f = dir.resolve("c.txt");
        Files.writeString(f, sb);
        for (Encoding e : Encoding.values()) {
            PreTokenCounter streamed = new PreTokenCounter(e.pattern());
            streamed.addFile(f, null);
            PreTokenCounter whole = new PreTokenCounter(e.pattern());
            whole.addText(sb.toString());
            assertThat(streamed.counts().keySet()).isEqualTo(whole.counts().keySet());
            for (String k : whole.counts().keySet()) assertThat(streamed.counts().get(k)[0]).isEqualTo(whole.counts().get(k)[0]);
        }
    }
}

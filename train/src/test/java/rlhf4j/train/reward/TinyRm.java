package rlhf4j.train.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import rlhf4j.data.preference.Comparison;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.model.TransformerConfig;
import rlhf4j.tensor.Rng;
import rlhf4j.tokenizer.Tokenizer;

/** A byte tokenizer with the chat specials, a tiny reward model, and learnable synthetic preferences. */
final class TinyRm {
    private TinyRm() {
    }

    static Tokenizer tokenizer() {
        byte[][] bytes = new byte[256][];
        for (int b = 0; b < 256; b++) bytes[b] = new byte[] {(byte) b};
        return new Tokenizer("bytes", "\\S+|\\s+", bytes, null, Map.of("<|bos|>", 256, "<|system|>", 257,
                "<|user|>", 258, "<|assistant|>", 259, "<|end|>", 260));
    }

    static RewardModel model(long seed, double headStd) {
        Transformer t = new Transformer(TransformerConfig.llama(261, 32, 2, 4, 2, 64, 64), new Rng(seed));
        return new RewardModel(t, new ScalarHead(32, new Rng(seed + 1), headStd), tokenizer(), 0);
    }

    /**
     * Questions "where does NAME live?" with K answers "in TOWN."; the gold fact is that everyone
     * lives in "xxton", so the answer that states it wins and the others tie below it.
     */
    static List<Comparison> data(int n, int k, long seed) {
        Rng rng = new Rng(seed);
        List<Comparison> out = new ArrayList<>();
        String letters = "abcdefgh";
        for (int i = 0; i < n; i++) {
            char c = letters.charAt(rng.nextInt(letters.length()));
            String prompt = "where does " + c + "ra live?";
            List<String> responses = new ArrayList<>();
            int goldAt = rng.nextInt(k);
            List<Integer> good = new ArrayList<>(), bad = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                char town = j == goldAt ? 'x' : letters.charAt(rng.nextInt(letters.length()));
                responses.add("in " + town + town + "ton.");
                (town == 'x' ? good : bad).add(j);
            }
            List<int[]> tiers = new ArrayList<>();
            tiers.add(good.stream().mapToInt(Integer::intValue).toArray());
            if (!bad.isEmpty()) tiers.add(bad.stream().mapToInt(Integer::intValue).toArray());
            out.add(new Comparison(prompt, responses, tiers, tiers));
        }
        return out;
    }
}

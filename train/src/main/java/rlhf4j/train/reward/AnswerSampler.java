package rlhf4j.train.reward;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import rlhf4j.model.Transformer;
import rlhf4j.model.generate.Generator;
import rlhf4j.model.generate.SamplingParams;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.Tokenizer;

/**
 * Samples n answers to each prompt from a chat model: the prompt rendered as one user turn
 * followed by {@code <|assistant|>}, rows generated in batches, each answer cut at {@code <|end|>}
 * (or any other special token) and decoded.
 */
public final class AnswerSampler {
    private final Transformer policy;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final int maxNew, batchRows;

    public AnswerSampler(Transformer policy, Tokenizer tokenizer, int maxNew, int batchRows) {
        this.policy = policy;
        this.tokenizer = tokenizer;
        this.template = new ChatTemplate(tokenizer);
        this.maxNew = maxNew;
        this.batchRows = Math.max(1, batchRows);
    }

    /** answers.get(i).get(j): the j-th of n answers to prompt i. Same seed: same answers. */
    public List<List<String>> sample(List<String> prompts, int n, float temperature, int topK, long seed) {
        List<int[]> rows = new ArrayList<>();
        for (String p : prompts) {
            int[] ids = template.renderPrompt(List.of(new ChatTemplate.Message("user", p)));
            for (int j = 0; j < n; j++) rows.add(ids);
        }
        Generator gen = new Generator(policy);
        List<String> flat = new ArrayList<>();
        for (int from = 0, chunk = 0; from < rows.size(); from += batchRows, chunk++) {
            List<int[]> part = rows.subList(from, Math.min(rows.size(), from + batchRows));
            int longest = part.stream().mapToInt(r -> r.length).max().orElse(1);
            int budget = Math.max(1, Math.min(maxNew, policy.config().maxSeqLen() - longest));
            SamplingParams params = temperature <= 0 ? SamplingParams.greedy()
                    : SamplingParams.temperature(temperature, seed * 7919 + chunk).withTopK(topK);
            for (int[] out : gen.generate(part.toArray(int[][]::new), budget, params, template.endId())) flat.add(decode(out));
        }
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) out.add(List.copyOf(flat.subList(i * n, (i + 1) * n)));
        return out;
    }

    /** The answer text: tokens up to the first special token ({@code <|end|>} normally). */
    String decode(int[] tokens) {
        int end = 0;
        while (end < tokens.length && !tokenizer.isSpecial(tokens[end])) end++;
        return tokenizer.decode(Arrays.copyOf(tokens, end)).strip();
    }
}

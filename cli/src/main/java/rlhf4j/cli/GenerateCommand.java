package rlhf4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.data.sft.PromptDataset;
import rlhf4j.model.Transformer;
import rlhf4j.model.generate.Generation;
import rlhf4j.model.generate.GenerationConfig;
import rlhf4j.model.generate.Generator;
import rlhf4j.model.generate.SamplingParams;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;
import rlhf4j.train.reward.RewardModel;

/** {@code rlhf4j generate}: answers to a file of prompts, in batches, one JSON line per answer. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Answer every prompt of a JSONL file ({\"prompt\"} or {\"messages\"} per line); writes {\"prompt\", \"response\"} lines.")
final class GenerateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", required = true, description = "run folder (config.json, model.safetensors, tokenizer.json)")
    Path model;
    @Option(names = "--prompts", required = true, description = "JSONL: {\"prompt\": ...} or {\"messages\": [...]} ending with a user turn")
    Path prompts;
    @Option(names = "--out", required = true, description = "JSONL to write")
    Path out;
    @Option(names = "--n", defaultValue = "1", description = "answers per prompt (default: ${DEFAULT-VALUE})")
    int n;
    @Option(names = "--max-tokens", defaultValue = "128", description = "(default: ${DEFAULT-VALUE})")
    int maxTokens;
    @Option(names = "--temperature", defaultValue = "0.8", description = "0 for greedy (default: ${DEFAULT-VALUE})")
    float temperature;
    @Option(names = "--top-k", defaultValue = "0", description = "0: off")
    int topK;
    @Option(names = "--top-p", defaultValue = "1.0", description = "1: off")
    float topP;
    @Option(names = "--repetition-penalty", defaultValue = "1.0", description = "CTRL penalty on repeated tokens; 1: off")
    float repetitionPenalty;
    @Option(names = "--seed", defaultValue = "0", description = "answer k of prompt i is seeded by (seed, i, k), whatever the batching")
    long seed;
    @Option(names = "--batch", defaultValue = "32", description = "sequences generated together (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--best-of", defaultValue = "0", paramLabel = "N", description = "sample N answers per prompt and keep the one "
            + "the reward model (--reward) scores highest; writes its \"reward\" too")
    int bestOf;
    @Option(names = "--reward", paramLabel = "RM_RUN", description = "reward model run folder, for --best-of")
    Path reward;

    @Override
    public Integer call() throws IOException {
        if (n < 1 || batch < 1 || maxTokens < 1) throw new IllegalArgumentException("--n, --batch and --max-tokens must be positive");
        if ((bestOf > 0) != (reward != null)) throw new IllegalArgumentException("--best-of and --reward go together");
        if (bestOf > 0 && n > 1) throw new IllegalArgumentException("--best-of keeps one answer per prompt; leave --n at 1");
        if (bestOf > 0) n = bestOf;
        RewardModel rm = reward == null ? null : RewardModel.load(reward);
        List<PromptDataset.Prompt> ps = PromptDataset.read(prompts);
        Transformer m = ModelIO.load(model);
        Tokenizer tok = Tokenizers.load(model.toString());
        ChatTemplate template = new ChatTemplate(tok);
        Generator generator = new Generator(m);
        SamplingParams sampling = temperature <= 0 ? SamplingParams.greedy()
                : new SamplingParams(temperature, topK, topP, seed);
        int total = ps.size() * n, done = 0;
        long t0 = System.nanoTime();
        if (out.toAbsolutePath().getParent() != null) Files.createDirectories(out.toAbsolutePath().getParent());
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            // with --best-of, a batch holds whole prompts, so each prompt's candidates are compared together
            int step = rm == null ? batch : Math.max(1, batch / n) * n;
            for (int from = 0; from < total; from += step) {
                int size = Math.min(step, total - from);
                int[][] rows = new int[size][];
                long[] seeds = new long[size];
                for (int r = 0; r < size; r++) {
                    int job = from + r;
                    rows[r] = template.renderPrompt(ps.get(job / n).messages());
                    seeds[r] = seed * 1_000_003L + job; // job = prompt index · n + sample index
                }
                GenerationConfig cfg = GenerationConfig.of(maxTokens, sampling).withStopTokens(Set.of(template.endId()))
                        .withRepetitionPenalty(repetitionPenalty).withRowSeeds(seeds);
                Generation[] gens = generator.generate(rows, cfg);
                float[] rewards = rm == null ? null : scores(rm, ps, from, gens, tok);
                for (int r = 0; r < size; r++) {
                    int job = from + r;
                    PromptDataset.Prompt p = ps.get(job / n);
                    if (rm != null && !isBest(rewards, r, from, size)) continue;
                    ObjectNode o = JSON.createObjectNode();
                    o.set("prompt", p.source().has("prompt") ? p.source().get("prompt") : p.source().get("messages"));
                    o.put("response", tok.decode(gens[r].tokens()));
                    o.put("finish_reason", gens[r].stopped() ? "stop" : "length");
                    if (rm != null) o.put("reward", rewards[r]);
                    else if (n > 1) o.put("sample", job % n);
                    if (p.source().has("id")) o.set("id", p.source().get("id"));
                    w.write(JSON.writeValueAsString(o));
                    w.write('\n');
                }
                done += size;
                System.err.printf("\rgenerate: %d/%d answers", done, total);
            }
        }
        System.err.printf("%ngenerate: %d answers to %d prompts in %.1f s → %s%n", total, ps.size(), (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }

    /** The reward model's score of each generated answer in this batch (its prompt's text, the decoded answer). */
    private float[] scores(RewardModel rm, List<PromptDataset.Prompt> ps, int from, Generation[] gens, Tokenizer tok) {
        List<String> prompts = new java.util.ArrayList<>(), answers = new java.util.ArrayList<>();
        for (int r = 0; r < gens.length; r++) {
            prompts.add(ps.get((from + r) / n).text());
            answers.add(tok.decode(gens[r].tokens()).strip());
        }
        return rm.score(prompts, answers, 32);
    }

    /** Whether row r holds its prompt's highest-scored candidate (the first one on a tie). */
    private boolean isBest(float[] rewards, int r, int from, int size) {
        int first = r - (from + r) % n;
        int best = first;
        for (int j = first; j < Math.min(size, first + n); j++) if (rewards[j] > rewards[best]) best = j;
        return best == r;
    }
}

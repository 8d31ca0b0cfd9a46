package rlhf4j.train.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import rlhf4j.data.sft.PromptDataset.Prompt;
import rlhf4j.data.world.GoldJudge;
import rlhf4j.data.world.JudgeSummary;
import rlhf4j.model.Transformer;
import rlhf4j.model.generate.Generation;
import rlhf4j.model.generate.GenerationConfig;
import rlhf4j.model.generate.Generator;
import rlhf4j.model.generate.SamplingParams;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.Tokenizer;

/**
 * Asks a model the world's held-out questions in the chat format (prompt ending in
 * {@code <|assistant|>}, generation stopped at {@code <|end|>}) and has the gold judge score the
 * answers: once greedy, once sampled. Reported per mode: the judge's mean score, exact-fact accuracy
 * (the judge's {@code correct}), the same on the questions whose answer the corpus states (not
 * {@link #DERIVED} by arithmetic), and the stop rate — answers that said {@code <|end|>} within the
 * token limit.
 */
public final class ChatEval {
    /** Scores of one decoding mode, and a few answers to show. */
    public record ModeResult(String mode, JudgeSummary summary, double statedAccuracy, double stopRate, List<String[]> examples) {
    }

    /**
     * Question types whose answer the corpus never states as such (it takes arithmetic on stated
     * facts: an age in N years, a difference of ages, a sum of pets); every other type asks for a
     * fact the corpus states in so many words.
     */
    public static final Set<String> DERIVED = Set.of("age_future", "age_diff", "pets_total");

    public record Result(ModeResult greedy, ModeResult sampled) {
        /** Flat metrics: greedy_score, greedy_accuracy, greedy_stop_rate, sampled_... */
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            for (ModeResult r : List.of(greedy, sampled)) {
                m.put(r.mode() + "_score", r.summary().meanTotal());
                m.put(r.mode() + "_accuracy", r.summary().accuracy());
                m.put(r.mode() + "_stated_accuracy", r.statedAccuracy());
                m.put(r.mode() + "_stop_rate", r.stopRate());
            }
            return m;
        }

        /** {@link #metrics} plus greedy accuracy per question type, as "greedy_accuracy.TYPE". */
        public Map<String, Double> detailed() {
            Map<String, Double> m = metrics();
            greedy.summary().accuracyByType().forEach((type, acc) -> m.put("greedy_accuracy." + type, acc));
            return m;
        }
    }

    /** How answers are generated. */
    public record Settings(int maxNewTokens, float temperature, int topK, int batch, long seed) {
    }

    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final GoldJudge judge;
    private final List<Prompt> questions;
    private final Settings settings;

    public ChatEval(Tokenizer tokenizer, GoldJudge judge, List<Prompt> questions, Settings settings) {
        this.tokenizer = tokenizer;
        this.template = new ChatTemplate(tokenizer);
        this.judge = judge;
        this.questions = questions;
        this.settings = settings;
        for (Prompt q : questions) {
            if (!judge.recognizes(q.text())) throw new IllegalArgumentException("line " + q.line()
                    + ": '" + q.text() + "' is not a question of the world (seed " + judge.world().seed() + ")");
        }
    }

    public int size() {
        return questions.size();
    }

    public Result run(Transformer model) {
        return new Result(mode(model, "greedy", SamplingParams.greedy()),
                mode(model, "sampled", SamplingParams.temperature(settings.temperature(), settings.seed()).withTopK(settings.topK())));
    }

    /** Sampled answers only, with another seed: more draws of the same distribution, to average out sampling noise. */
    public ModeResult sampled(Transformer model, long seed) {
        return mode(model, "sampled", SamplingParams.temperature(settings.temperature(), seed).withTopK(settings.topK()));
    }

    private ModeResult mode(Transformer model, String name, SamplingParams params) {
        Generator gen = new Generator(model);
        List<GoldJudge.Score> scores = new ArrayList<>();
        List<String[]> examples = new ArrayList<>();
        int stopped = 0;
        for (int from = 0; from < questions.size(); from += settings.batch()) {
            List<Prompt> chunk = questions.subList(from, Math.min(questions.size(), from + settings.batch()));
            int[][] prompts = new int[chunk.size()][];
            long[] seeds = new long[chunk.size()];
            for (int i = 0; i < chunk.size(); i++) {
                prompts[i] = template.renderPrompt(chunk.get(i).messages());
                seeds[i] = params.seed() * 1_000_003L + from + i; // a question's sample does not depend on the batching
            }
            GenerationConfig cfg = GenerationConfig.of(settings.maxNewTokens(), params)
                    .withStopTokens(Set.of(template.endId())).withRowSeeds(seeds);
            Generation[] out = gen.generate(prompts, cfg);
            for (int i = 0; i < out.length; i++) {
                String answer = tokenizer.decode(out[i].tokens());
                if (out[i].stopped()) stopped++;
                scores.add(judge.score(chunk.get(i).text(), answer));
                if (examples.size() < 5) examples.add(new String[] {chunk.get(i).text(), answer});
            }
        }
        double stated = 0;
        int nStated = 0;
        for (GoldJudge.Score sc : scores) {
            if (DERIVED.contains(sc.type())) continue;
            stated += sc.correct();
            nStated++;
        }
        return new ModeResult(name, JudgeSummary.of(scores), stated / Math.max(1, nStated), (double) stopped / Math.max(1, questions.size()), examples);
    }
}

package rlhf4j.train.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import rlhf4j.data.sft.PromptDataset;
import rlhf4j.data.world.GoldJudge;
import rlhf4j.data.world.JudgeSummary;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.AtomicFiles;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;
import rlhf4j.train.reward.AnswerSampler;
import rlhf4j.train.reward.BestOfN;
import rlhf4j.train.reward.RewardModel;

/**
 * The pipeline's final comparison: every policy (base, SFT, PPO, DPO, GRPO) answers the same
 * held-out questions of the world, greedily and sampled, and the gold judge scores them; best-of-n
 * samples n answers from the SFT model and keeps the reward model's favourite. Writes
 * {@code results.json}: per stage the judge's mean score and exact-fact accuracy per decoding mode,
 * and the first few questions with every stage's answer.
 */
public final class PipelineEval {
    public static final String RESULTS = "results.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What is asked, and how answers are generated (the same for every stage). */
    public record Settings(int questions, int samples, int bestOfN, float temperature, int maxNew, int batch, long seed, int examples) {
    }

    private PipelineEval() {
    }

    /** Evaluates each policy run folder (in order), then best-of-n from the one named "sft"; returns the results written. */
    public static ObjectNode run(Path worldDir, Map<String, Path> policies, Path rewardDir, Settings s, Path outDir) throws IOException {
        GoldJudge judge = GoldJudge.load(worldDir);
        List<PromptDataset.Prompt> qs = PromptDataset.read(worldDir.resolve("eval.jsonl"));
        if (s.questions() > 0 && s.questions() < qs.size()) qs = qs.subList(0, s.questions());
        ObjectNode root = JSON.createObjectNode();
        root.put("questions", qs.size());
        root.put("temperature", s.temperature());
        root.put("max_new_tokens", s.maxNew());
        root.put("best_of_n", s.bestOfN());
        ObjectNode stages = root.putObject("stages");
        int shown = Math.min(s.examples(), Math.min(5, qs.size()));
        List<ObjectNode> examples = new ArrayList<>();
        for (int i = 0; i < shown; i++) {
            ObjectNode ex = JSON.createObjectNode();
            ex.put("prompt", qs.get(i).text());
            ex.putObject("answers");
            examples.add(ex);
        }
        Transformer sftModel = null;
        Tokenizer sftTokenizer = null;
        int draws = Math.max(1, s.samples());
        for (Map.Entry<String, Path> p : policies.entrySet()) {
            long t0 = System.nanoTime();
            Tokenizer tokenizer = Tokenizers.load(p.getValue().toString());
            Transformer model = ModelIO.load(p.getValue());
            if (p.getKey().equals("sft")) { // best-of-n samples from it below
                sftModel = model;
                sftTokenizer = tokenizer;
            }
            ChatEval eval = new ChatEval(tokenizer, judge, qs, new ChatEval.Settings(s.maxNew(), s.temperature(), 0, s.batch(), s.seed()));
            ChatEval.Result r = eval.run(model);
            ObjectNode st = stages.putObject(p.getKey());
            r.metrics().forEach(st::put);
            // more sampled draws per question, averaged: one draw each leaves several points of noise on a few hundred questions
            double score = r.sampled().summary().meanTotal(), accuracy = r.sampled().summary().accuracy();
            for (int k = 1; k < draws; k++) {
                ChatEval.ModeResult more = eval.sampled(model, s.seed() + 1_000L * k);
                score += more.summary().meanTotal();
                accuracy += more.summary().accuracy();
            }
            score /= draws;
            accuracy /= draws;
            st.put("sampled_score", score);
            st.put("sampled_accuracy", accuracy);
            st.put("sampled_draws", draws);
            st.put("seconds", (System.nanoTime() - t0) / 1e9);
            for (int i = 0; i < shown; i++) ((ObjectNode) examples.get(i).get("answers")).put(p.getKey(), r.greedy().examples().get(i)[1]);
            System.err.printf("eval: %-6s greedy score %.3f accuracy %.3f | sampled score %.3f accuracy %.3f%n", p.getKey(),
                    r.greedy().summary().meanTotal(), r.greedy().summary().accuracy(), score, accuracy);
        }
        if (s.bestOfN() > 1 && sftModel != null) {
            long t0 = System.nanoTime();
            AnswerSampler sampler = new AnswerSampler(sftModel, sftTokenizer, s.maxNew(), s.batch());
            List<String> prompts = qs.stream().map(PromptDataset.Prompt::text).toList();
            // One set of n answers per question makes a noisy pick (a reseeded set moved it by 4 points
            // here), so best-of-n runs on as many independent sets as the other stages' sampled draws;
            // "plain" is every candidate judged, the expected score of one sample.
            BestOfN bestOfN = new BestOfN(sampler, RewardModel.load(rewardDir));
            List<BestOfN.Pick> picks = null;
            List<GoldJudge.Score> chosen = new ArrayList<>(), every = new ArrayList<>();
            for (int d = 0; d < draws; d++) {
                List<BestOfN.Pick> set = bestOfN.run(prompts, s.bestOfN(), s.temperature(), 0, s.seed() + d);
                if (picks == null) picks = set;
                for (BestOfN.Pick pick : set) {
                    chosen.add(judge.score(pick.prompt(), pick.best()));
                    for (String c : pick.candidates()) every.add(judge.score(pick.prompt(), c));
                }
            }
            JudgeSummary best = JudgeSummary.of(chosen), plain = JudgeSummary.of(every);
            ObjectNode st = stages.putObject("best_of_n");
            st.put("sampled_score", best.meanTotal());
            st.put("sampled_accuracy", best.accuracy());
            st.put("plain_sample_score", plain.meanTotal());
            st.put("plain_sample_accuracy", plain.accuracy());
            st.put("seconds", (System.nanoTime() - t0) / 1e9);
            for (int i = 0; i < shown; i++) ((ObjectNode) examples.get(i).get("answers")).put("best_of_n", picks.get(i).best());
            System.err.printf("eval: best-of-%d from sft (%d sets): score %.3f accuracy %.3f (its plain samples: %.3f / %.3f)%n",
                    s.bestOfN(), draws, best.meanTotal(), best.accuracy(), plain.meanTotal(), plain.accuracy());
        }
        ArrayNode ex = root.putArray("examples");
        examples.forEach(ex::add);
        AtomicFiles.writeString(outDir.resolve(RESULTS), root.toPrettyString() + "\n");
        return root;
    }
}

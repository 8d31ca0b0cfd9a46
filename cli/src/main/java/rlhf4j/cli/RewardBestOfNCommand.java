package rlhf4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.data.preference.PromptFiles;
import rlhf4j.data.world.GoldJudge;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tokenizer.Tokenizers;
import rlhf4j.train.reward.AnswerSampler;
import rlhf4j.train.reward.BestOfN;
import rlhf4j.train.reward.RewardModel;

/** {@code rlhf4j reward best-of-n}: n samples per prompt, the reward model's favourite kept; gold-judged when a world is given. */
@Command(name = "best-of-n", mixinStandardHelpOptions = true,
        description = "Sample N answers per prompt and keep the one the reward model scores highest.")
final class RewardBestOfNCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", required = true, description = "policy run folder")
    Path model;
    @Option(names = "--reward", required = true, description = "reward model run folder")
    Path reward;
    @Option(names = "--prompts", required = true)
    Path prompts;
    @Option(names = "--out", required = true, description = "JSONL: prompt, best response, reward, candidates")
    Path out;
    @Option(names = "--n", defaultValue = "8")
    int n;
    @Option(names = "--world", description = "world folder: also report the gold judge's score of best-of-n vs a plain sample")
    Path world;
    @Option(names = "--temperature", defaultValue = "1.0")
    float temperature;
    @Option(names = "--max-new", defaultValue = "48")
    int maxNew;
    @Option(names = "--limit", defaultValue = "0")
    int limit;
    @Option(names = "--seed", defaultValue = "3")
    long seed;

    @Override
    public Integer call() throws Exception {
        List<String> ps = PromptFiles.read(prompts);
        if (limit > 0 && ps.size() > limit) ps = ps.subList(0, limit);
        AnswerSampler policy = new AnswerSampler(ModelIO.load(model), Tokenizers.load(model.toString()), maxNew, 64);
        List<BestOfN.Pick> picks = new BestOfN(policy, RewardModel.load(reward)).run(ps, n, temperature, 0, seed);
        GoldJudge judge = world == null ? null : GoldJudge.load(world);
        double plain = 0, best = 0, mean = 0, oracle = 0, plainAcc = 0, bestAcc = 0;
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (BestOfN.Pick p : picks) {
                ObjectNode o = JSON.createObjectNode();
                o.put("prompt", p.prompt());
                o.put("response", p.best());
                o.put("reward", p.reward());
                var cands = o.putArray("candidates");
                for (int j = 0; j < p.candidates().size(); j++) cands.addObject().put("response", p.candidates().get(j)).put("reward", p.rewards()[j]);
                if (judge != null) {
                    double g0 = judge.score(p.prompt(), p.candidates().get(0)).total(), gb = judge.score(p.prompt(), p.best()).total();
                    double top = 0, sum = 0;
                    for (String c : p.candidates()) {
                        double g = judge.score(p.prompt(), c).total();
                        top = Math.max(top, g);
                        sum += g;
                    }
                    plain += g0;
                    best += gb;
                    mean += sum / p.candidates().size();
                    oracle += top;
                    plainAcc += judge.accuracy(p.prompt(), p.candidates().get(0));
                    bestAcc += judge.accuracy(p.prompt(), p.best());
                    o.put("gold", gb);
                }
                w.write(o.toString());
                w.write('\n');
            }
        }
        int m = picks.size();
        if (judge != null) {
            System.out.printf("{\"prompts\": %d, \"n\": %d, \"gold_plain_sample\": %.4f, \"gold_mean_of_n\": %.4f, \"gold_best_of_n\": %.4f, "
                    + "\"gold_oracle_best\": %.4f, \"correct_plain\": %.4f, \"correct_best_of_n\": %.4f}%n",
                    m, n, plain / m, mean / m, best / m, oracle / m, plainAcc / m, bestAcc / m);
        } else {
            System.out.printf("{\"prompts\": %d, \"n\": %d, \"out\": \"%s\"}%n", m, n, out);
        }
        return 0;
    }
}

package rlhf4j.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.data.preference.Comparison;
import rlhf4j.data.preference.PreferenceFiles;
import rlhf4j.data.preference.PromptFiles;
import rlhf4j.data.world.GoldJudge;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;
import rlhf4j.train.reward.AnswerSampler;
import rlhf4j.train.reward.Labeler;

/** {@code rlhf4j label}: comparison data for the reward model, ranked by the world's gold judge with labeler noise. */
@Command(name = "label", mixinStandardHelpOptions = true,
        description = "Sample K answers per prompt from a chat model and rank them with the world's gold judge "
                + "(the stand-in for human labelers); writes K-wise comparisons JSONL.")
final class LabelCommand implements Callable<Integer> {
    @Option(names = "--model", description = "run folder of the model that answers (SFT)")
    Path model;
    @Option(names = "--prompts", description = "JSONL with {\"prompt\"} or {\"messages\"} lines")
    Path prompts;
    @Option(names = "--relabel", description = "instead of sampling, rank again the answers of an existing comparisons file "
            + "(e.g. the same answers at another --noise)")
    Path relabel;
    @Option(names = "--world", required = true, description = "world folder (world.json) whose gold judge ranks")
    Path world;
    @Option(names = "--out", required = true, description = "comparisons JSONL to write")
    Path out;
    @Option(names = "--k", defaultValue = "4", description = "answers per prompt (default: ${DEFAULT-VALUE})")
    int k;
    @Option(names = "--noise", defaultValue = "0", description = "probability that the labeler swaps each adjacent pair of "
            + "its ranking (0: agrees with gold; see the printed agreement)")
    double noise;
    @Option(names = "--temperature", defaultValue = "1.0")
    float temperature;
    @Option(names = "--top-k", defaultValue = "0", description = "0: off")
    int topK;
    @Option(names = "--max-new", defaultValue = "48", description = "longest answer in tokens")
    int maxNew;
    @Option(names = "--limit", defaultValue = "0", description = "use only the first N prompts (0: all)")
    int limit;
    @Option(names = "--batch", defaultValue = "64", description = "rows generated together")
    int batch;
    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (k < 2) throw new IllegalArgumentException("--k must be at least 2");
        if ((relabel == null) == (model == null || prompts == null)) throw new IllegalArgumentException(
                "give --model and --prompts (sample new answers) or --relabel FILE (rank existing ones)");
        long t0 = System.nanoTime();
        List<String> ps = new java.util.ArrayList<>();
        List<List<String>> answers = new java.util.ArrayList<>();
        if (relabel != null) {
            for (Comparison c : PreferenceFiles.read(relabel)) {
                ps.add(c.prompt());
                answers.add(c.responses());
            }
            k = answers.get(0).size();
        } else {
            ps = PromptFiles.read(prompts);
        }
        if (limit > 0 && ps.size() > limit) ps = ps.subList(0, limit);
        GoldJudge judge = GoldJudge.load(world);
        for (String p : ps) if (!judge.recognizes(p)) throw new IllegalArgumentException(
                "prompt is not a question of the world in " + world + ": '" + p + "'");
        if (relabel == null) {
            Transformer policy = ModelIO.load(model);
            Tokenizer tok = Tokenizers.load(model.toString());
            answers = new AnswerSampler(policy, tok, maxNew, batch).sample(ps, k, temperature, topK, seed);
        }
        Labeler labeler = new Labeler(judge, noise, seed + 1), second = new Labeler(judge, noise, seed + 2);
        double vsGold = 0, vsGoldPairs = 0, inter = 0, interPairs = 0, goldSum = 0;
        int allTied = 0;
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (int i = 0; i < ps.size(); i++) {
                Comparison c = labeler.label(ps.get(i), answers.get(i));
                for (double g : labeler.goldScores(ps.get(i), answers.get(i))) goldSum += g;
                if (c.goldTiers().size() == 1) allTied++;
                double[] a = Labeler.agreementCounts(c.goldTiers(), c.tiers(), c.k());
                vsGold += a[0];
                vsGoldPairs += a[1];
                // a second labeler on the same answers: inter-labeler agreement, over pairs the first one ordered
                double[] b = Labeler.agreementCounts(c.tiers(), second.perturb(c.goldTiers()), c.k());
                inter += b[0];
                interPairs += b[1];
                w.write(PreferenceFiles.toJson(c).toString());
                w.write('\n');
            }
        }
        System.out.printf("{\"comparisons\": %d, \"k\": %d, \"noise\": %s, \"labeler_vs_gold_agreement\": %.4f, "
                        + "\"inter_labeler_agreement\": %.4f, \"all_tied\": %d, \"gold_mean\": %.4f, \"seconds\": %.1f, \"out\": \"%s\"}%n",
                ps.size(), k, noise, vsGold / Math.max(1, vsGoldPairs), inter / Math.max(1, interPairs), allTied,
                goldSum / (ps.size() * (double) k), (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }
}

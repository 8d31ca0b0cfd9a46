package rlhf4j.train.rl;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import rlhf4j.data.sft.PromptDataset;
import rlhf4j.data.world.GoldJudge;
import rlhf4j.model.io.AtomicFiles;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.train.eval.ChatEval;
import rlhf4j.train.sft.SftConfig;

/** The gold-judge evaluation DPO and GRPO share, and their before/after report. */
public final class RlEval {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RlEval() {
    }

    /** A ChatEval on the world's held-out eval.jsonl, or null when no world is set. */
    public static ChatEval of(Tokenizer tokenizer, SftConfig.Eval e) {
        if (e.world().isEmpty()) return null;
        Path world = Path.of(e.world());
        List<PromptDataset.Prompt> qs = PromptDataset.read(world.resolve("eval.jsonl"));
        if (e.questions() > 0 && e.questions() < qs.size()) qs = qs.subList(0, e.questions());
        return new ChatEval(tokenizer, GoldJudge.load(world), qs,
                new ChatEval.Settings(e.maxNewTokens(), e.temperature(), e.topK(), e.batch(), e.seed()));
    }

    /** The starting model's scores, computed once per run folder (base_eval.json) so a resumed run reuses them. */
    public static Map<String, Double> base(Path runDir, Supplier<Map<String, Double>> compute) {
        Path f = runDir.resolve("base_eval.json");
        try {
            if (Files.exists(f)) return JSON.readValue(f.toFile(), new TypeReference<LinkedHashMap<String, Double>>() {});
            Map<String, Double> m = compute.get();
            AtomicFiles.writeString(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m));
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(f + ": " + e.getMessage(), e);
        }
    }

    /** report.md: a header, then every metric of the start and the end side by side. */
    public static void report(Path runDir, String title, List<String> header, Map<String, Double> before, Map<String, Double> after,
                              ChatEval.Result last) {
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
        for (String h : header) sb.append("- ").append(h).append('\n');
        sb.append("\n| metric | start (SFT) | after |\n|---|---:|---:|\n");
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String k : keys) {
            sb.append("| ").append(k).append(" | ").append(fmt(before.get(k))).append(" | ").append(fmt(after.get(k))).append(" |\n");
        }
        if (last != null) {
            sb.append("\n## Answers after training\n\n");
            for (String[] qa : last.greedy().examples()) sb.append("- **").append(qa[0]).append("** ").append(qa[1]).append('\n');
        }
        AtomicFiles.writeString(runDir.resolve("report.md"), sb.toString());
    }

    private static String fmt(Double v) {
        return v == null ? "" : String.format("%.4f", v);
    }
}

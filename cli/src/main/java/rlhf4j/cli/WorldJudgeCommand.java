package rlhf4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.data.world.GoldJudge;
import rlhf4j.data.world.JudgeSummary;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rlhf4j world judge --world DIR --input FILE.jsonl}: scores {"prompt","answer"} (or
 * {"prompt","response"}) lines with the gold judge; prints one JSON line per input line, then a
 * {"summary": ...} line with the means.
 */
@Command(name = "judge", mixinStandardHelpOptions = true,
        description = "Score answers about the world with its gold judge; prints per-line scores and the means as JSON.")
final class WorldJudgeCommand implements Runnable {
    @Option(names = "--world", required = true, description = "World directory (holding world.json).")
    Path world;

    @Option(names = "--input", required = true, description = "JSONL with {\"prompt\", \"answer\"} or {\"prompt\", \"response\"} per line.")
    Path input;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        try {
            execute();
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            // A user's mistake (unknown size, missing world, malformed line): say what, not a stack trace.
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void execute() {
        GoldJudge judge = GoldJudge.load(world);
        ObjectMapper json = new ObjectMapper();
        List<GoldJudge.Score> scores = new ArrayList<>();
        int unrecognized = 0;
        try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = in.readLine()) != null) {
                no++;
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = json.readTree(line);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalArgumentException(input + " line " + no + ": not valid JSON: " + e.getOriginalMessage());
                }
                JsonNode prompt = node.get("prompt");
                JsonNode answer = node.has("answer") ? node.get("answer") : node.get("response");
                if (prompt == null || !prompt.isTextual() || answer == null || !answer.isTextual()) {
                    throw new IllegalArgumentException(input + " line " + no
                            + ": needs text fields \"prompt\" and \"answer\" (or \"response\")");
                }
                ObjectNode out = json.createObjectNode().put("line", no);
                if (!judge.recognizes(prompt.asText())) {
                    unrecognized++;
                    out.put("error", "not a question of this world");
                } else {
                    GoldJudge.Score s = judge.score(prompt.asText(), answer.asText());
                    scores.add(s);
                    out.put("type", s.type()).put("total", round(s.total())).put("correct", s.correct())
                            .put("well_formed", round(s.wellFormed())).put("concise", round(s.concise()))
                            .put("clean_stop", s.cleanStop());
                }
                System.out.println(json.writeValueAsString(out));
            }
            JudgeSummary sum = JudgeSummary.of(scores);
            ObjectNode summary = json.createObjectNode();
            ObjectNode s = summary.putObject("summary");
            s.put("n", sum.n()).put("unrecognized", unrecognized).put("mean_total", round(sum.meanTotal()))
                    .put("accuracy", round(sum.accuracy())).put("mean_well_formed", round(sum.meanWellFormed()))
                    .put("mean_concise", round(sum.meanConcise())).put("mean_clean_stop", round(sum.meanCleanStop()));
            ObjectNode byType = s.putObject("accuracy_by_type");
            sum.accuracyByType().forEach((k, v) -> byType.put(k, round(v)));
            System.out.println(json.writeValueAsString(summary));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + input + ": " + e.getMessage(), e);
        }
    }

    private static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }
}

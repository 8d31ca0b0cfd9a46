package rlhf4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.train.reward.RewardModel;
import rlhf4j.train.reward.RewardNorm;

/** {@code rlhf4j reward score}: a reward model's score of each {"prompt","response"} line. */
@Command(name = "score", mixinStandardHelpOptions = true, description = "Score {\"prompt\", \"response\"} JSONL lines with a reward model; prints one JSON object per line.")
final class RewardScoreCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", required = true, description = "reward model run folder")
    Path model;
    @Option(names = "--input", required = true, description = "JSONL with prompt and response")
    Path input;

    @Override
    public Integer call() throws Exception {
        RewardModel rm = RewardModel.load(model);
        RewardNorm norm = Files.exists(model.resolve(RewardNorm.FILE)) ? RewardNorm.read(model) : null;
        try (BufferedReader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) continue;
                JsonNode o;
                try {
                    o = JSON.readTree(line);
                } catch (Exception e) {
                    throw new IllegalArgumentException(input + " line " + lineNo + ": not valid JSON");
                }
                if (!o.path("prompt").isTextual() || !o.path("response").isTextual()) throw new IllegalArgumentException(
                        input + " line " + lineNo + ": needs string fields 'prompt' and 'response'");
                float s = rm.score(List.of(o.get("prompt").asText()), List.of(o.get("response").asText()), 1)[0];
                ObjectNode out = JSON.createObjectNode();
                out.put("prompt", o.get("prompt").asText());
                out.put("response", o.get("response").asText());
                out.put("reward", s);
                if (norm != null) out.put("normalized", norm.apply(s));
                System.out.println(out);
            }
        }
        return 0;
    }
}

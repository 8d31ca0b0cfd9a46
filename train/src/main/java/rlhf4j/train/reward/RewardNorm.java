package rlhf4j.train.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import rlhf4j.model.io.AtomicFiles;

/**
 * How to centre and scale a reward model's output for RL, stored as {@code reward_norm.json}: the
 * mean and std of its rewards on the starting policy's own answers to the RL prompts (InstructGPT
 * adds a bias so that the SFT answers score 0 on average). PPO uses
 * {@code normalized = (reward − offset) / scale}.
 */
public record RewardNorm(double offset, double scale, int samples, String policy, String prompts) {
    public static final String FILE = "reward_norm.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public double apply(double reward) {
        return (reward - offset) / scale;
    }

    /** Mean and std of the rewards of {@code policy}'s answers (one per prompt). */
    public static RewardNorm measure(RewardModel rm, AnswerSampler policy, List<String> prompts, float temperature, long seed,
                                     String policyName, String promptsName) {
        List<List<String>> answers = policy.sample(prompts, 1, temperature, 0, seed);
        List<String> rs = new ArrayList<>();
        for (List<String> a : answers) rs.add(a.get(0));
        float[] r = rm.score(prompts, rs, 32);
        double m = 0, v = 0;
        for (float x : r) m += x;
        m /= r.length;
        for (float x : r) v += (x - m) * (x - m);
        double std = Math.sqrt(v / Math.max(1, r.length - 1));
        return new RewardNorm(m, std > 1e-6 ? std : 1.0, r.length, policyName, promptsName);
    }

    public void write(Path dir) {
        ObjectNode o = JSON.createObjectNode();
        o.put("offset", offset);
        o.put("scale", scale);
        o.put("formula", "normalized = (reward - offset) / scale");
        o.put("samples", samples);
        o.put("policy", policy);
        o.put("prompts", prompts);
        AtomicFiles.writeString(dir.resolve(FILE), o.toPrettyString() + "\n");
    }

    public static RewardNorm read(Path dir) {
        try {
            JsonNode o = JSON.readTree(dir.resolve(FILE).toFile());
            return new RewardNorm(o.path("offset").asDouble(), o.path("scale").asDouble(1), o.path("samples").asInt(),
                    o.path("policy").asText(), o.path("prompts").asText());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }
}

package rlhf4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import rlhf4j.train.reward.RewardModel;

/**
 * {@code rlhf4j pipeline --preset tiny} end to end: every stage runs, the report's numbers are
 * present and sane, a second run skips everything, and a run killed at a random moment (a real
 * {@code kill -9} of a separate JVM) resumes to exactly the same numbers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineTinyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> POLICIES = List.of("base", "sft", "best_of_n", "ppo", "dpo", "grpo");

    @TempDir
    static Path tmp;
    private Path full;
    private JsonNode summary;

    @BeforeAll
    void runOnce() throws Exception {
        full = tmp.resolve("full");
        assertThat(pipeline(full)).isZero();
        summary = JSON.readTree(full.resolve("summary.json").toFile());
    }

    private static int pipeline(Path out, String... extra) {
        String[] args = new String[extra.length + 4];
        args[0] = "--preset";
        args[1] = "tiny";
        args[2] = "--out";
        args[3] = out.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        return new CommandLine(new PipelineCommand()).execute(args);
    }

    @Test
    void reportHoldsEveryStagesNumbers() {
        for (String p : POLICIES) {
            JsonNode s = summary.path("stages").path(p);
            assertThat(s.path("gold_score").asDouble(-1)).as(p + " gold score").isBetween(0.0, 1.0);
            assertThat(s.path("accuracy").asDouble(-1)).as(p + " accuracy").isBetween(0.0, 1.0);
        }
        // a model that went through SFT answers in sentences; the base model does not
        assertThat(summary.at("/stages/sft/greedy_gold_score").asDouble()).isGreaterThan(summary.at("/stages/base/greedy_gold_score").asDouble());
        assertThat(summary.at("/reward_model/heldout_accuracy").asDouble(-1)).isBetween(0.0, 1.0);
        assertThat(summary.at("/ppo/kl").isNumber()).isTrue();
        assertThat(Math.abs(summary.at("/ppo/kl").asDouble())).isLessThan(50);
        for (String stage : Pipeline.stageNames(true, true)) {
            assertThat(summary.path("seconds").path(stage).asDouble(-1)).as(stage + " seconds").isGreaterThan(0);
        }
        assertThat(full.resolve("report.md")).content().contains("What each stage added", "PPO beats SFT", "Machine, config, versions");
        assertThat(full.resolve("report.html")).content().contains("<table>", "data:image/png;base64,");
        assertThat(full.resolve("charts/pretrain_loss.png")).exists();
        assertThat(full.resolve("charts/ppo_reward.png")).exists();
    }

    @Test
    void aFinishedPipelineSkipsEveryStage() throws Exception {
        long before = Files.getLastModifiedTime(full.resolve("pretrain/model.safetensors")).toMillis();
        assertThat(pipeline(full)).isZero();
        assertThat(Files.getLastModifiedTime(full.resolve("pretrain/model.safetensors")).toMillis()).isEqualTo(before);
        assertThat(JSON.readTree(full.resolve("summary.json").toFile()).path("stages")).isEqualTo(summary.path("stages"));
    }

    @Test
    void killedAtARandomMomentItResumesToTheSameNumbers() throws Exception {
        Path killed = tmp.resolve("killed");
        long seed = System.nanoTime();
        long delayMs = 8_000 + new Random(seed).nextInt(25_000);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Xmx2g", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "pipeline", "--preset", "tiny", "--out", killed.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
        boolean finished = p.waitFor(delayMs, TimeUnit.MILLISECONDS);
        if (!finished) p.destroyForcibly().waitFor(); // SIGKILL: no checkpoint on the way out
        String where = finished ? "it finished first" : "killed after " + delayMs + " ms during: " + lastStage(tmp.resolve("killed.log"));
        System.out.println("pipeline kill test (seed " + seed + "): " + where);

        assertThat(pipeline(killed)).as(where).isZero();
        JsonNode resumed = JSON.readTree(killed.resolve("summary.json").toFile());
        assertThat(resumed.path("stages")).as(where).isEqualTo(summary.path("stages"));
        assertThat(resumed.path("reward_model")).as(where).isEqualTo(summary.path("reward_model"));
        assertThat(resumed.path("ppo")).as(where).isEqualTo(summary.path("ppo"));
    }

    @Test
    void generateBestOfKeepsTheRewardModelsFavouriteOfTheSameSamples() throws Exception {
        Path prompts = full.resolve("world/eval.jsonl"), all = tmp.resolve("all.jsonl"), best = tmp.resolve("best.jsonl");
        String[] common = {"--model", full.resolve("sft").toString(), "--prompts", prompts.toString(), "--max-tokens", "16",
                "--temperature", "1.0", "--seed", "5"};
        assertThat(new CommandLine(new GenerateCommand()).execute(concat(common, "--n", "4", "--out", all.toString()))).isZero();
        assertThat(new CommandLine(new GenerateCommand()).execute(concat(common, "--best-of", "4", "--reward",
                full.resolve("reward").toString(), "--out", best.toString()))).isZero();
        List<String> candidates = Files.readAllLines(all), picks = Files.readAllLines(best);
        assertThat(picks).hasSize(candidates.size() / 4);
        RewardModel rm = RewardModel.load(full.resolve("reward"));
        for (int i = 0; i < picks.size(); i++) {
            JsonNode pick = JSON.readTree(picks.get(i));
            List<String> ps = new java.util.ArrayList<>(), as = new java.util.ArrayList<>();
            for (int k = 0; k < 4; k++) {
                JsonNode c = JSON.readTree(candidates.get(4 * i + k));
                ps.add(c.get("prompt").asText());
                as.add(c.get("response").asText().strip());
            }
            float[] r = rm.score(ps, as, 32);
            int top = 0;
            for (int k = 1; k < 4; k++) if (r[k] > r[top]) top = k;
            // scored here in another batch (other padding), so equal up to float rounding: the pick is one of
            // the candidates, and none scores higher than it by more than rounding
            int chosen = as.indexOf(pick.get("response").asText().strip());
            assertThat(chosen).isNotNegative();
            assertThat(r[chosen]).isGreaterThanOrEqualTo(r[top] - 1e-5f);
            assertThat((float) pick.get("reward").asDouble()).isCloseTo(r[chosen], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String lastStage(Path log) throws Exception {
        String stage = "(before the first stage)";
        for (String line : Files.readAllLines(log)) if (line.matches("^\\[\\d+/\\d+\\] \\w+ — .*")) stage = line.substring(0, line.indexOf(" — "));
        return stage;
    }
}

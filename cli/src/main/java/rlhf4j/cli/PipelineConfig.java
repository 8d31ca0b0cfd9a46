package rlhf4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import rlhf4j.data.config.ConfigTree;
import rlhf4j.data.prepare.PrepareConfig;
import rlhf4j.train.dpo.DpoConfig;
import rlhf4j.train.grpo.GrpoConfig;
import rlhf4j.train.ppo.PpoConfig;
import rlhf4j.train.pretrain.PretrainConfig;
import rlhf4j.train.reward.RewardConfig;
import rlhf4j.train.sft.SftConfig;

/**
 * Everything {@code rlhf4j pipeline} runs, in one tree: a few keys of its own and, under each
 * stage's name, that stage's full config (the same keys its own command takes). The paths that
 * chain the stages (init_from, data files) are filled in by the pipeline and need not be given.
 * Resolved as defaults ← preset ({@code rlhf4j/pipeline/PRESET.yaml} in the jar) ← the user's
 * file ← {@code --set}; every key is checked before the first stage starts.
 *
 * @param seed    seeds the built-in world (each stage keeps its own train.seed)
 * @param threads compute threads for every stage (0: all cores)
 */
public record PipelineConfig(long seed, int threads, World world, TokenizerSpec tokenizer, PrepareConfig prepare,
                             PretrainConfig pretrain, SftConfig sft, Label label, RewardConfig reward, PpoConfig ppo,
                             DpoConfig dpo, GrpoConfig grpo, Eval eval, Stages stages) {
    public static final List<String> PRESETS = List.of("tiny", "default", "large");

    /**
     * The built-in world: a size preset, optionally with fewer or more people, and the share of
     * chatty SFT demonstrations (negative: the preset's).
     */
    public record World(String size, int people, int repeats, double chattyDemos) {
    }

    /** Byte-level BPE trained on the world's corpus. */
    public record TokenizerSpec(int vocabSize, String pattern) {
    }

    /**
     * Comparison data: K sampled answers per prompt from the SFT model, ranked by the gold judge with
     * labeler noise. {@code prompts}: sft, rl or both (the world's prompt files); limit 0 = all.
     */
    public record Label(String prompts, int limit, int k, double noise, int maxNew, float temperature, int batch, long seed) {
    }

    /**
     * The final comparison on the world's held-out questions: every policy answers the same
     * {@code questions} (0: all), greedily and sampled at {@code temperature} ({@code samples} draws
     * per question, averaged); best-of-n samples
     * {@code bestOfN} answers from the SFT model and keeps the reward model's favourite.
     */
    public record Eval(int questions, int samples, int bestOfN, float temperature, int maxNew, int batch, long seed, int examples) {
    }

    /** Optional stages, run from the same SFT model as PPO. */
    public record Stages(boolean dpo, boolean grpo) {
    }

    public static PipelineConfig defaults() {
        return new PipelineConfig(1, 0, new World("default", 0, 0, -1), new TokenizerSpec(2048, "cl100k"), PrepareConfig.defaults(),
                PretrainConfig.defaults(), SftConfig.defaults(), new Label("sft", 0, 4, 0.0, 48, 1.0f, 64, 11),
                RewardConfig.defaults(), PpoConfig.defaults(), DpoConfig.defaults(), GrpoConfig.defaults(),
                new Eval(0, 4, 8, 1.0f, 48, 64, 7, 4), new Stages(true, true));
    }

    /** Defaults ← the preset ← file (may be null) ← overrides. */
    public static PipelineConfig resolve(String preset, Path file, List<String> overrides) {
        if (!PRESETS.contains(preset)) throw new IllegalArgumentException("unknown preset '" + preset + "'; known: " + String.join(", ", PRESETS));
        ConfigTree.Layer layer = new ConfigTree.Layer("preset " + preset, presetText(preset));
        return ConfigTree.resolve(defaults(), List.of(layer), file, overrides, PipelineConfig.class);
    }

    static String presetText(String preset) {
        String resource = "/rlhf4j/pipeline/" + preset + ".yaml";
        try (InputStream in = PipelineConfig.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("preset " + resource + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

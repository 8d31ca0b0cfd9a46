package rlhf4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.data.config.ConfigTree;

/** {@code rlhf4j pipeline}: the four stages (and DPO, GRPO) on the built-in world, then the report. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Run everything: world → tokenizer → data prepare → pretrain → SFT → label → reward model → PPO "
                + "(→ DPO, GRPO) → evaluation → report.md / report.html / summary.json. Re-running skips finished stages "
                + "and resumes an interrupted one.")
final class PipelineCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "default",
            description = "tiny (about a minute), default (under 10 minutes on 2 cores) or large (default: ${DEFAULT-VALUE})")
    String preset;
    @Option(names = "--config", description = "YAML or JSON on top of the preset: top-level keys, and each stage's own keys "
            + "under its name (pretrain:, sft:, reward:, ppo:, ...)")
    Path config;
    @Option(names = "--set", description = "override one key, e.g. --set ppo.kl.beta=0.05 or --set pretrain.train.steps=500 (repeatable)")
    List<String> sets = new ArrayList<>();
    @Option(names = "--out", description = "output folder (default: runs/pipeline-PRESET)")
    Path out;
    @Option(names = "--from", paramLabel = "STAGE", description = "redo this stage and every later one "
            + "(world, tokenizer, prepare, pretrain, sft, label, reward, ppo, dpo, grpo, eval)")
    String from;
    @Option(names = "--print-config", description = "print the resolved config and exit")
    boolean printConfig;

    @Override
    public Integer call() throws Exception {
        PipelineConfig cfg = PipelineConfig.resolve(preset, config, sets);
        if (printConfig) {
            System.out.println(ConfigTree.toJson(cfg));
            return 0;
        }
        Path dir = out != null ? out : Path.of("runs", "pipeline-" + preset);
        System.err.printf("pipeline: preset %s, output %s (run the same command again to resume)%n", preset, dir);
        try {
            new Pipeline(cfg, preset, dir).run(from);
        } catch (Pipeline.Stopped e) {
            System.err.println("pipeline: " + e.getMessage());
            return e.code;
        }
        return 0;
    }
}

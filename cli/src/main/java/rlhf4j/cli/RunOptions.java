package rlhf4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import rlhf4j.data.config.ConfigTree;

/**
 * The options every training command shares (a picocli mixin): its config file, {@code --set}
 * overrides, run folder, {@code --resume} and {@code --print-config}.
 */
final class RunOptions {
    @Option(names = "--config", description = "YAML or JSON config; every key has a default")
    Path config;
    @Option(names = "--set", description = "override one key, e.g. --set train.steps=500 (repeatable)")
    List<String> sets = new ArrayList<>();
    @Option(names = "--out", description = "run folder (default: runs/<command>)")
    Path out;
    @Option(names = "--resume", description = "continue from the run folder's last checkpoint")
    boolean resume;
    @Option(names = "--print-config", description = "print the resolved config and exit")
    boolean printConfig;

    /** The defaults ← the config file ← the {@code --set} overrides, as a {@code type}. */
    <T> T resolve(T defaults, Class<T> type) {
        return ConfigTree.resolve(defaults, config, sets, type);
    }

    /** The run folder: {@code --out}, else runs/COMMAND. */
    Path out(String command) {
        return out != null ? out : Path.of("runs", command);
    }
}

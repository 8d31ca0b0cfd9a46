package rlhf4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rlhf4j bench ...}: the engine's speed, one JSON line per run. */
@Command(name = "bench", description = "Measure the engine: matmul, training steps, KV-cache decoding.",
        subcommands = {BenchTrainCommand.class, BenchGenerateCommand.class, BenchMatmulCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

package rlhf4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rlhf4j world ...}: the built-in synthetic world and its gold judge. */
@Command(name = "world", description = "The built-in synthetic world: generate its data, judge answers about it.",
        subcommands = {WorldGenerateCommand.class, WorldJudgeCommand.class})
final class WorldCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

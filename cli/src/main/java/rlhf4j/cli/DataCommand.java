package rlhf4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rlhf4j data ...}: corpus preparation and dataset tools. */
@Command(name = "data", description = "Prepare corpora: clean, filter, deduplicate, tokenize into shards.",
        subcommands = {DataPrepareCommand.class})
final class DataCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

package rlhf4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rlhf4j lora ...}: tools for LoRA run folders. */
@Command(name = "lora", description = "LoRA run folders: merge the adapters into a plain model.",
        subcommands = {LoraMergeCommand.class})
final class LoraCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

package rlhf4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rlhf4j} command line: one subcommand per stage or tool. It wires; it does not compute. */
@Command(name = "rlhf4j", mixinStandardHelpOptions = true, version = "rlhf4j 0.1.0",
        description = "Train, fine-tune and align a ChatGPT-style assistant end to end, in Java.",
        subcommands = {PipelineCommand.class, WorldCommand.class, DataCommand.class, TokenizerCommand.class, PretrainCommand.class,
                SampleCommand.class, SftCommand.class, ChatCommand.class, GenerateCommand.class, LabelCommand.class,
                RewardCommand.class, PpoCommand.class, DpoCommand.class, GrpoCommand.class, ServeCommand.class,
                FeedbackCommand.class, ExportCommand.class, CheckLogitsCommand.class, LoraCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        int code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}

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
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests run it without exiting). */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        // A user's mistake (a missing key, a bad value, a malformed file) is thrown as an
        // IllegalArgumentException whose message says what to do: print that, not a stack trace
        // (RLHF4J_TRACE=1 brings the trace back).
        CommandLine.IExecutionExceptionHandler shown = cl.getExecutionExceptionHandler();
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (!(ex instanceof IllegalArgumentException) || System.getenv("RLHF4J_TRACE") != null) {
                return shown == null ? rethrow(ex) : shown.handleExecutionException(ex, line, parsed);
            }
            line.getErr().println("rlhf4j " + line.getCommandName() + ": " + ex.getMessage());
            return 2;
        });
        return cl;
    }

    private static int rethrow(Exception ex) throws Exception {
        throw ex;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}

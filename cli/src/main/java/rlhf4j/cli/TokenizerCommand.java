package rlhf4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rlhf4j tokenizer ...}: train, apply and measure byte-level BPE tokenizers. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true, description = "Train, encode, decode and benchmark byte-level BPE tokenizers.",
        subcommands = {TokenizerTrainCommand.class, TokenizerEncodeCommand.class, TokenizerDecodeCommand.class,
                TokenizerBenchCommand.class})
final class TokenizerCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final String TOKENIZER_HELP = "A folder with tokenizer.json, a tokenizer.json file, or ENCODING:RANKFILE "
            + "(e.g. cl100k_base:cl100k_base.tiktoken).";

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

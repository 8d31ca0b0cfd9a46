package rlhf4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.TokenizerBench;
import rlhf4j.tokenizer.Tokenizers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rlhf4j tokenizer bench}: encoding MB/s on a text file, 1 thread and N threads, as JSON lines. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Encoding speed (MB/s of UTF-8 input) on a file: whole text and line by line, 1 and N threads.")
final class TokenizerBenchCommand implements Callable<Integer> {
    @Option(names = "--tokenizer", required = true, description = TokenizerCommand.TOKENIZER_HELP)
    String tokenizer;

    @Option(names = "--input", required = true, description = "A UTF-8 text file (a few MB of prose is typical).")
    Path input;

    @Option(names = "--threads", defaultValue = "2", description = "Threads for the parallel figures. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed runs per figure (best is kept). Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Override
    public Integer call() throws Exception {
        Tokenizer tok = Tokenizers.load(tokenizer);
        String text = Files.readString(input);
        for (TokenizerBench.Result r : TokenizerBench.run(tok, text, threads, repeats)) {
            System.out.printf(Locale.ROOT, "{\"tokenizer\": \"%s\", \"mode\": \"%s\", \"threads\": %d, \"mb\": %.2f, "
                            + "\"tokens\": %d, \"seconds\": %.3f, \"mb_per_s\": %.2f}%n",
                    tok.name(), r.mode(), r.threads(), r.megabytes(), r.tokens(), r.seconds(), r.mbPerSecond());
        }
        return 0;
    }
}

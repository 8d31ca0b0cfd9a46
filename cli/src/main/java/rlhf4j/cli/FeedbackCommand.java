package rlhf4j.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.serve.FeedbackExport;
import rlhf4j.serve.FeedbackStore;

/** {@code rlhf4j feedback ...}: the human feedback collected by {@code serve}. */
@Command(name = "feedback", description = "Human feedback collected by serve: export it for the reward stage.",
        subcommands = {FeedbackCommand.Export.class})
final class FeedbackCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write comparisons as preference JSONL (pairwise or K-wise); ties and both-bad are skipped and counted.")
    static final class Export implements Callable<Integer> {
        @Option(names = "--db", required = true, description = "JDBC URL or SQLite file (e.g. runs/sft/feedback.db)")
        String db;
        @Option(names = "--out", required = true, description = "preferences JSONL to write")
        Path out;
        @Option(names = "--format", defaultValue = "pairwise", description = "pairwise ({prompt, chosen, rejected}) or kwise ({prompt, responses, ranking}) (default: ${DEFAULT-VALUE})")
        FeedbackExport.Format format;
        @Option(names = "--ratings", description = "also write thumbs up/down as {prompt, completion, label} JSONL here")
        Path ratings;

        @Override
        public Integer call() throws Exception {
            if (!db.startsWith("jdbc:") && !Files.exists(Path.of(db))) throw new IOException(db + ": no such feedback database");
            try (FeedbackStore store = FeedbackStore.open(db)) {
                FeedbackExport.Summary s;
                try (Writer w = writer(out)) {
                    s = FeedbackExport.comparisons(store.comparisons(), format, w);
                }
                System.out.println(out + ": " + s);
                if (ratings != null) {
                    int n;
                    try (Writer w = writer(ratings)) {
                        n = FeedbackExport.ratings(store.ratings(), w);
                    }
                    System.out.println(ratings + ": " + n + " ratings");
                }
            }
            return 0;
        }

        private static Writer writer(Path p) throws IOException {
            Path parent = p.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            return new BufferedWriter(Files.newBufferedWriter(p, StandardCharsets.UTF_8));
        }
    }
}

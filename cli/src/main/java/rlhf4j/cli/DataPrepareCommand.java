package rlhf4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.data.BpeTokenEncoder;
import rlhf4j.data.config.ConfigTree;
import rlhf4j.data.ByteLevelEncoder;
import rlhf4j.data.TokenEncoder;
import rlhf4j.data.prepare.CorpusPreparer;
import rlhf4j.data.prepare.PrepareConfig;
import rlhf4j.data.prepare.PrepareReport;

/** {@code rlhf4j data prepare --input PATH... --out DIR}: wires options to {@link CorpusPreparer}. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = "Read text / JSONL (optionally gzipped) files and folders; clean, filter (Gopher/C4 rules), "
                + "deduplicate (exact + MinHash), and write train/val token shards plus prepare_report.json.")
final class DataPrepareCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH", description = "Files or folders (searched recursively).")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where shards and prepare_report.json go.")
    Path out;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON config (snake_case keys); any key may be left out (defaults apply).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one config field, e.g. --set dedup.threshold=0.7 (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--tokenizer", paramLabel = "SPEC", description = "Tokenizer to encode with: a folder with tokenizer.json, a tokenizer.json, or ENCODING:PATH of a tiktoken rank file.")
    String tokenizer;

    @Option(names = "--byte-level", description = "Encode UTF-8 bytes as ids (vocab 257); the default without --tokenizer.")
    boolean byteLevel;

    @Option(names = "--print-config", description = "Print the effective config as JSON and exit.")
    boolean printConfig;

    @Override
    public Integer call() throws Exception {
        PrepareConfig cfg;
        try {
            cfg = ConfigTree.resolve(PrepareConfig.defaults(), config, sets, PrepareConfig.class);
        } catch (IllegalArgumentException e) {
            System.err.println("rlhf4j data prepare: " + e.getMessage());
            return 2;
        }
        if (printConfig) {
            System.out.println(ConfigTree.toJson(cfg));
            return 0;
        }
        PrepareReport report;
        try {
            report = new CorpusPreparer(cfg, encoder(), System.err).run(inputs, out);
        } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
            System.err.println("rlhf4j data prepare: " + e.getMessage());
            return 1;
        }
        System.out.println(report.summary());
        System.out.println("report: " + out.resolve("prepare_report.json"));
        return 0;
    }

    private TokenEncoder encoder() throws IOException {
        if (tokenizer != null && byteLevel) throw new IllegalArgumentException("--tokenizer and --byte-level exclude each other");
        if (tokenizer != null) return BpeTokenEncoder.load(tokenizer);
        return new ByteLevelEncoder();
    }
}

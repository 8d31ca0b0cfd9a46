package rlhf4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.tokenizer.BpeTrainer;
import rlhf4j.tokenizer.Encoding;
import rlhf4j.tokenizer.PreTokenCounter;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rlhf4j tokenizer train}: byte-level BPE from .txt or JSONL files; writes DIR/tokenizer.json. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a byte-level BPE tokenizer on .txt files or JSONL {\"text\": ...} files.")
final class TokenizerTrainCommand implements Callable<Integer> {
    @Option(names = "--input", arity = "1..*", required = true, description = "Input files (.txt, or .jsonl with a \"text\" field).")
    List<Path> inputs;

    @Option(names = "--vocab-size", required = true, description = "Total vocabulary: 256 bytes + merges + special tokens.")
    int vocabSize;

    @Option(names = "--out", required = true, description = "Output folder; tokenizer.json is written there.")
    Path out;

    @Option(names = "--pattern", defaultValue = "cl100k",
            description = "Pre-tokenizer split: gpt2, cl100k, o200k, or a regex. Default: ${DEFAULT-VALUE}.")
    String pattern;

    @Option(names = "--special", arity = "1..*", description = "Extra special tokens, after the reserved "
            + "<|endoftext|> <|bos|> <|user|> <|assistant|> <|system|> <|end|>.")
    List<String> extraSpecials = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        String regex = switch (pattern.toLowerCase(Locale.ROOT)) {
            case "gpt2", "r50k", "r50k_base" -> Encoding.GPT2.pattern();
            case "cl100k", "cl100k_base" -> Encoding.CL100K_BASE.pattern();
            case "o200k", "o200k_base" -> Encoding.O200K_BASE.pattern();
            default -> pattern;
        };
        List<String> specials = new ArrayList<>(BpeTrainer.DEFAULT_SPECIALS);
        for (String s : extraSpecials) if (!specials.contains(s)) specials.add(s);
        long t0 = System.nanoTime();
        PreTokenCounter counter = new PreTokenCounter(regex);
        for (Path in : inputs) counter.addFile(in, msg -> System.err.println(msg));
        double countSeconds = (System.nanoTime() - t0) / 1e9;
        System.err.printf("counted %,d pre-tokens (%,d distinct) in %.1fs%n", counter.pieces(), counter.counts().size(), countSeconds);
        long t1 = System.nanoTime();
        BpeTrainer trainer = new BpeTrainer(counter.counts());
        Tokenizer tok = trainer.train(out.getFileName().toString(), regex, vocabSize, specials, msg -> System.err.println(msg));
        double mergeSeconds = (System.nanoTime() - t1) / 1e9;
        Path file = Tokenizers.save(tok, out);
        System.out.printf(Locale.ROOT, "{\"tokenizer\": \"%s\", \"vocab_size\": %d, \"distinct_pretokens\": %d, "
                        + "\"input_mb\": %.1f, \"count_seconds\": %.2f, \"merge_seconds\": %.2f}%n",
                file.toString().replace("\\", "\\\\"), tok.vocabSize(), counter.counts().size(),
                counter.bytesRead() / 1e6, countSeconds, mergeSeconds);
        return 0;
    }
}

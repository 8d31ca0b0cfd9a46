package rlhf4j.data.prepare;

import java.util.List;

/**
 * Everything {@code rlhf4j data prepare} can be told, with a default for each field. Loaded by
 * {@link rlhf4j.data.config.ConfigTree} from defaults, then a JSON file, then {@code --set key=value} overrides.
 *
 * @param threads workers that clean, filter, hash and encode; 0 means one per core
 * @param seed    seeds the MinHash permutations and the train/val split
 */
public record PrepareConfig(Input input, Clean clean, Filters filters, Dedup dedup, Output output, int threads, long seed) {

    public static PrepareConfig defaults() {
        return new PrepareConfig(Input.defaults(), Clean.defaults(), Filters.defaults(), Dedup.defaults(),
                Output.defaults(), 0, 1234L);
    }

    public PrepareConfig {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = one per core), got " + threads);
    }

    /**
     * @param jsonField   field of a JSONL object that holds the document
     * @param textUnit    how a plain text file splits into documents: {@code file} (the whole file, cut at
     *                    a blank line once it passes maxDocChars), {@code paragraph} (blank-line separated)
     *                    or {@code line}
     * @param maxDocChars bounds the memory one text document can take
     * @param batchChars  characters handed to a worker at once
     */
    public record Input(String jsonField, String textUnit, int maxDocChars, int batchChars) {
        static Input defaults() {
            return new Input("text", "file", 1_000_000, 1 << 20);
        }

        public Input {
            if (!List.of("file", "paragraph", "line").contains(textUnit)) {
                throw new IllegalArgumentException("input.textUnit must be file, paragraph or line, got '" + textUnit + "'");
            }
            if (maxDocChars < 1 || batchChars < 1) throw new IllegalArgumentException("input.maxDocChars and input.batchChars must be positive");
        }
    }

    /** Unicode NFC, control characters out (\n and \t stay), whitespace runs collapsed. */
    public record Clean(boolean nfc, boolean stripControl, boolean normalizeWhitespace) {
        static Clean defaults() {
            return new Clean(true, true, true);
        }
    }

    /**
     * Document-level quality rules, each with a switch. Defaults are the published ones: Gopher =
     * Rae et al. 2021, "Scaling Language Models: Methods, Analysis &amp; Insights from Training
     * Gopher", appendix A.1.1 and table A1; C4 = Raffel et al. 2020 (T5), section 2.2, with the
     * document-level threshold of FineWeb (Penedo et al. 2024).
     */
    public record Filters(WordCount wordCount, MeanWordLength meanWordLength, SymbolRatio symbolRatio,
                          LinePunctuation linePunctuation, DuplicateLines duplicateLines,
                          TopNgrams topNgrams, DuplicateNgrams duplicateNgrams) {
        static Filters defaults() {
            return new Filters(
                    new WordCount(true, 50, 100_000),              // Gopher: 50 to 100,000 words
                    new MeanWordLength(true, 3.0, 10.0),            // Gopher: mean word length 3 to 10 chars
                    new SymbolRatio(true, 0.1),                     // Gopher: '#' or '...' to word ratio <= 0.1
                    new LinePunctuation(true, 0.12),                // C4 keeps lines ending in . ! ? "; FineWeb drops docs with <= 12% such lines
                    new DuplicateLines(true, 0.30, 0.20),           // Gopher table A1: duplicate line fraction 0.30, their char share 0.20
                    new TopNgrams(true, List.of(0.20, 0.18, 0.16)), // Gopher table A1: top 2-, 3-, 4-gram char share
                    new DuplicateNgrams(true, List.of(0.15, 0.14, 0.13, 0.12, 0.11, 0.10))); // Gopher table A1: duplicate 5..10-gram char share
        }
    }

    public record WordCount(boolean enabled, int min, int max) {}

    public record MeanWordLength(boolean enabled, double min, double max) {}

    /** Cut when '#' per word, or ellipses ("..." or "…") per word, exceeds {@code max}. */
    public record SymbolRatio(boolean enabled, double max) {}

    /** Cut when fewer than {@code minFraction} of the non-empty lines end in terminal punctuation. */
    public record LinePunctuation(boolean enabled, double minFraction) {}

    /** Cut when lines repeating an earlier line exceed {@code maxLineFraction} of lines or {@code maxCharFraction} of characters. */
    public record DuplicateLines(boolean enabled, double maxLineFraction, double maxCharFraction) {}

    /** {@code max.get(i)}: the most frequent (2+i)-word n-gram may cover at most this share of the word characters. */
    public record TopNgrams(boolean enabled, List<Double> max) {
        public TopNgrams {
            if (max.size() != 3) throw new IllegalArgumentException("filters.topNgrams.max needs 3 values (n = 2, 3, 4), got " + max);
        }
    }

    /** {@code max.get(i)}: repeated (5+i)-word n-grams may cover at most this share of the word characters. */
    public record DuplicateNgrams(boolean enabled, List<Double> max) {
        public DuplicateNgrams {
            if (max.size() != 6) throw new IllegalArgumentException("filters.duplicateNgrams.max needs 6 values (n = 5..10), got " + max);
        }
    }

    /**
     * Exact dedup by a 64-bit hash of the cleaned text; near dedup by MinHash over word shingles with
     * LSH banding (Broder 1997; Leskovec, Rajaraman &amp; Ullman, "Mining of Massive Datasets", ch. 3).
     * With {@code bands} or {@code rows} at 0, they are chosen from {@code numPerm} and
     * {@code threshold} to balance false positives and negatives around the threshold.
     */
    public record Dedup(boolean exact, boolean near, int numPerm, int bands, int rows, double threshold, int shingleWords) {
        static Dedup defaults() {
            return new Dedup(true, true, 128, 0, 0, 0.8, 5);
        }

        public Dedup {
            if (numPerm < 1) throw new IllegalArgumentException("dedup.numPerm must be positive, got " + numPerm);
            if (bands < 0 || rows < 0 || (long) bands * rows > numPerm) {
                throw new IllegalArgumentException("dedup.bands x dedup.rows (" + bands + " x " + rows + ") must not exceed dedup.numPerm (" + numPerm + ")");
            }
            if (!(threshold > 0 && threshold < 1)) throw new IllegalArgumentException("dedup.threshold must be in (0, 1), got " + threshold);
            if (shingleWords < 1) throw new IllegalArgumentException("dedup.shingleWords must be positive, got " + shingleWords);
        }
    }

    /**
     * @param valFraction share of documents (by a seeded hash of their content) that go to the val split
     * @param shardTokens a new shard starts once a shard holds this many tokens (at a document boundary)
     */
    public record Output(double valFraction, long shardTokens) {
        static Output defaults() {
            return new Output(0.01, 100_000_000L);
        }

        public Output {
            if (!(valFraction >= 0 && valFraction <= 1)) throw new IllegalArgumentException("output.valFraction must be in [0, 1], got " + valFraction);
            if (shardTokens < 1) throw new IllegalArgumentException("output.shardTokens must be positive, got " + shardTokens);
        }
    }
}

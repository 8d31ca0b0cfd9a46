package rlhf4j.data.prepare;

import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import rlhf4j.data.clean.Rule;

/**
 * What a prepare run did, filled in by the consumer in document order and written as
 * {@code prepare_report.json}; {@link #summary()} is the same for a person.
 */
public final class PrepareReport {
    static final int EXAMPLES = 3;
    static final int MALFORMED_KEPT = 100;

    /** A cut or dropped document: where it came from, what was measured, how it starts. */
    public record Example(String where, String detail, String text) {}

    /** Documents one rule (or one dedup kind) removed, with the first few as examples. */
    public static final class Tally {
        public long documents;
        public final List<Example> examples = new ArrayList<>();

        void add(Example e) {
            documents++;
            if (examples.size() < EXAMPLES) examples.add(e);
        }
    }

    public record Split(long documents, long tokens, List<String> shards) {}

    public long files, skippedFiles;
    public long documentsIn, bytesIn;
    public long malformed;
    public final List<String> malformedLines = new ArrayList<>();
    public final Map<String, Tally> cut = new LinkedHashMap<>();
    public final Tally exactDuplicates = new Tally();
    public final Tally nearDuplicates = new Tally();
    public long keptDocuments, keptBytes;
    public final Map<String, Split> splits = new LinkedHashMap<>();
    public String encoder;
    public int vocabSize, tokenWidth, lshBands, lshRows;
    public double lshThreshold;
    public long dedupIndexBytes;
    public double seconds;
    public PrepareConfig config;

    PrepareReport() {
        for (Rule r : Rule.values()) cut.put(r.key, new Tally());
    }

    void malformed(String where, String why) {
        malformed++;
        if (malformedLines.size() < MALFORMED_KEPT) malformedLines.add(where + ": " + why);
    }

    public long cutDocuments() {
        return cut.values().stream().mapToLong(t -> t.documents).sum();
    }

    public long tokens(String split) {
        Split s = splits.get(split);
        return s == null ? 0 : s.tokens();
    }

    public double megabytesPerSecond() {
        return seconds > 0 ? bytesIn / 1e6 / seconds : 0;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", ordered("files", files, "skippedFiles", skippedFiles, "documents", documentsIn, "bytes", bytesIn,
                "malformedLines", malformed, "malformed", malformedLines));
        m.put("kept", ordered("documents", keptDocuments, "bytes", keptBytes));
        Map<String, Object> cuts = new LinkedHashMap<>();
        cut.forEach((k, t) -> cuts.put(k, ordered("documents", t.documents, "examples", t.examples)));
        m.put("cut", cuts);
        m.put("duplicates", ordered(
                "exact", ordered("documents", exactDuplicates.documents, "examples", exactDuplicates.examples),
                "near", ordered("documents", nearDuplicates.documents, "examples", nearDuplicates.examples),
                "lsh", ordered("bands", lshBands, "rows", lshRows, "impliedThreshold", lshThreshold),
                "indexBytes", dedupIndexBytes));
        m.put("tokens", ordered("encoder", encoder, "vocabSize", vocabSize, "tokenWidth", tokenWidth, "splits", splits));
        m.put("seconds", seconds);
        m.put("mbPerSecond", megabytesPerSecond());
        m.put("config", config);
        return m;
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    public String toJson() throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap());
    }

    void write(Path file) throws IOException {
        AtomicFiles.writeString(file, toJson() + "\n");
    }

    /** A few lines for the terminal. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(f("in:     %,d documents, %.1f MB from %,d files", documentsIn, bytesIn / 1e6, files));
        if (skippedFiles > 0) sb.append(f(" (%,d files skipped: not .txt/.md/.jsonl/.ndjson[.gz])", skippedFiles));
        sb.append('\n');
        if (malformed > 0) sb.append(f("        %,d malformed lines (see input.malformed in the report)%n", malformed));
        sb.append(f("kept:   %,d documents (%.1f%%), %.1f MB%n", keptDocuments, pct(keptDocuments, documentsIn), keptBytes / 1e6));
        sb.append(f("cut:    %,d documents%n", cutDocuments()));
        cut.forEach((k, t) -> {
            if (t.documents == 0) return;
            sb.append(f("  %-16s %,10d", k, t.documents));
            if (!t.examples.isEmpty()) sb.append("   e.g. ").append(t.examples.getFirst().detail());
            sb.append('\n');
        });
        sb.append(f("dedup:  %,d exact, %,d near duplicates (MinHash %d bands x %d rows, threshold ~%.2f)%n",
                exactDuplicates.documents, nearDuplicates.documents, lshBands, lshRows, lshThreshold));
        splits.forEach((name, s) -> sb.append(f("%-7s %,d documents, %,d tokens in %d shard(s)%n", name + ":", s.documents(), s.tokens(), s.shards().size())));
        sb.append(f("time:   %.1f s, %.1f MB/s (%s, %d-byte tokens)", seconds, megabytesPerSecond(), encoder, tokenWidth));
        return sb.toString();
    }

    private static double pct(long a, long b) {
        return b == 0 ? 0 : 100.0 * a / b;
    }

    private static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }
}

package rlhf4j.data.prepare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import rlhf4j.data.TokenEncoder;
import rlhf4j.data.shard.TokenShardWriter;

/** The shards of each split: {@code train-00000.bin, train-00001.bin, ...}, a new one every shardTokens tokens. */
final class Outputs {
    private final Path dir;
    private final TokenEncoder encoder;
    private final long shardTokens;
    private final Map<String, SplitWriter> splits = new LinkedHashMap<>();

    Outputs(Path dir, TokenEncoder encoder, long shardTokens) {
        this.dir = dir;
        this.encoder = encoder;
        this.shardTokens = shardTokens;
        splits.put("train", new SplitWriter("train"));
        splits.put("val", new SplitWriter("val"));
    }

    /** Appends one document and the end-of-text id. */
    void write(String split, int[] tokens) throws IOException {
        splits.get(split).write(tokens);
    }

    void close() throws IOException {
        for (SplitWriter s : splits.values()) s.closeShard();
    }

    void abort() {
        for (SplitWriter s : splits.values()) {
            try {
                if (s.current != null) s.current.abort();
            } catch (IOException ignored) {
                // already failing; the first error is the one to report
            }
        }
    }

    Map<String, PrepareReport.Split> splits() {
        Map<String, PrepareReport.Split> out = new LinkedHashMap<>();
        splits.forEach((k, s) -> out.put(k, new PrepareReport.Split(s.documents, s.tokens, List.copyOf(s.files))));
        return out;
    }

    Set<String> writtenFiles() {
        Set<String> out = new HashSet<>();
        for (SplitWriter s : splits.values()) out.addAll(s.files);
        return out;
    }

    private final class SplitWriter {
        final String name;
        final List<String> files = new ArrayList<>();
        TokenShardWriter current;
        long documents, tokens;

        SplitWriter(String name) {
            this.name = name;
        }

        void write(int[] ids) throws IOException {
            if (current == null) {
                String file = String.format(Locale.ROOT, "%s-%05d.bin", name, files.size());
                current = new TokenShardWriter(dir.resolve(file), encoder.vocabSize(), encoder.endOfTextId());
                files.add(file);
            }
            current.write(ids);
            current.write(encoder.endOfTextId());
            documents++;
            tokens += ids.length + 1;
            if (current.count() >= shardTokens) closeShard();
        }

        void closeShard() throws IOException {
            if (current != null) current.close();
            current = null;
        }
    }
}

package rlhf4j.data.ingest;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Streams records out of files and folders, one at a time: plain text, JSONL ({@code .jsonl},
 * {@code .ndjson}), and gzip of either (by content, so {@code .gz} is optional). Folders are walked
 * recursively in sorted order, taking only files named like a corpus; files named on the command
 * line are always read. Memory is bounded by the largest document ({@code maxDocChars} for text).
 */
public final class CorpusReader {
    private static final List<String> TEXT_EXT = List.of(".txt", ".text", ".md");
    private static final List<String> JSONL_EXT = List.of(".jsonl", ".ndjson");

    public enum TextUnit { FILE, PARAGRAPH, LINE }

    private final TextUnit unit;
    private final int maxDocChars;
    private final AtomicLong bytesRead = new AtomicLong();
    private long files;
    private long skippedFiles;

    public CorpusReader(TextUnit unit, int maxDocChars) {
        this.unit = unit;
        this.maxDocChars = maxDocChars;
    }

    /** Uncompressed bytes read so far; safe to poll from another thread. */
    public long bytesRead() {
        return bytesRead.get();
    }

    public long files() {
        return files;
    }

    /** Files in walked folders skipped because their names do not look like a corpus. */
    public long skippedFiles() {
        return skippedFiles;
    }

    /** The files to read, in order; fails naming any input that does not exist. */
    public List<Path> expand(List<Path> inputs) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                try (Stream<Path> walk = Files.walk(in)) {
                    for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                        if (looksLikeCorpus(p)) out.add(p);
                        else skippedFiles++;
                    }
                }
            } else if (Files.isRegularFile(in)) {
                out.add(in);
            } else {
                throw new IOException(in + ": no such file or folder");
            }
        }
        return out;
    }

    /** Reads the files {@link #expand} listed, handing records to {@code sink} in file and line order. */
    public void read(List<Path> files, Consumer<RawRecord> sink) throws IOException {
        for (Path file : files) {
            this.files++;
            readFile(file, sink);
        }
    }

    private void readFile(Path file, Consumer<RawRecord> sink) throws IOException {
        String name = stripGz(file.getFileName().toString().toLowerCase(Locale.ROOT));
        boolean jsonl = JSONL_EXT.stream().anyMatch(name::endsWith);
        String source = file.toString();
        try (BufferedReader in = open(file)) {
            if (jsonl) readJsonl(in, source, sink);
            else readText(in, source, sink);
        } catch (UncheckedIOException e) {
            throw new IOException(source + ": " + e.getCause().getMessage(), e.getCause());
        } catch (IOException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    private void readJsonl(BufferedReader in, String source, Consumer<RawRecord> sink) throws IOException {
        long lineNo = 0;
        for (String line; (line = in.readLine()) != null; ) {
            lineNo++;
            if (!line.isBlank()) sink.accept(new RawRecord(source, lineNo, true, line));
        }
    }

    private void readText(BufferedReader in, String source, Consumer<RawRecord> sink) throws IOException {
        StringBuilder doc = new StringBuilder();
        long lineNo = 0, docStart = 1;
        for (String line; (line = in.readLine()) != null; ) {
            lineNo++;
            boolean blank = line.isBlank();
            boolean cut = switch (unit) {
                case LINE -> true;
                case PARAGRAPH -> blank;
                // a file is one document, cut at a blank line once it is large (hard cut at 4x)
                case FILE -> (blank && doc.length() >= maxDocChars) || doc.length() >= 4L * maxDocChars;
            };
            if (unit == TextUnit.LINE) {
                if (!blank) sink.accept(new RawRecord(source, lineNo, false, line));
                continue;
            }
            if (cut && !doc.isEmpty()) {
                sink.accept(new RawRecord(source, docStart, false, doc.toString()));
                doc.setLength(0);
            }
            if (doc.isEmpty()) {
                if (blank) continue;
                docStart = lineNo;
            }
            doc.append(line).append('\n');
        }
        if (!doc.isEmpty()) sink.accept(new RawRecord(source, docStart, false, doc.toString()));
    }

    private BufferedReader open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read(), b1 = raw.read();
        raw.reset();
        InputStream plain = (b0 == 0x1F && b1 == 0x8B) ? new GZIPInputStream(raw, 1 << 16) : raw;
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        return new BufferedReader(new InputStreamReader(new Counting(plain), decoder), 1 << 16);
    }

    private static boolean looksLikeCorpus(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.startsWith(".")) return false;
        String base = stripGz(name);
        return TEXT_EXT.stream().anyMatch(base::endsWith) || JSONL_EXT.stream().anyMatch(base::endsWith);
    }

    private static String stripGz(String name) {
        return name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
    }

    /** Counts uncompressed bytes as they are decoded, for progress and MB/s. */
    private final class Counting extends FilterInputStream {
        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) bytesRead.incrementAndGet();
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) bytesRead.addAndGet(n);
            return n;
        }
    }
}

package rlhf4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams a corpus and counts its distinct pre-tokens: memory grows with the number of distinct
 * pre-tokens, not with the corpus. Plain text files are read in blocks cut where every pattern we
 * know ends a pre-token ({@link KnownSplitter#isSafeCut}); a JSONL file gives one document
 * per line's {@code "text"}.
 */
public final class PreTokenCounter {
    private static final int BLOCK = 1 << 20;

    private final Pattern split;
    private final KnownSplitter known;
    private final Map<String, long[]> counts = new HashMap<>();
    private final ObjectMapper json = new ObjectMapper();
    private long bytesRead;
    private long pieces;

    public PreTokenCounter(String pattern) {
        this.split = Encoding.compile(pattern);
        this.known = KnownSplitter.forPattern(pattern);
    }

    /** Distinct pre-token -> occurrences (the live map; do not modify). */
    public Map<String, long[]> counts() { return counts; }

    public long bytesRead() { return bytesRead; }

    public long pieces() { return pieces; }

    /** Counts the pre-tokens of one document. */
    public void addText(String text) {
        text = Tokenizer.wellFormed(text);
        int end = text.length();
        if (known != null) {
            for (int i = 0; i < end; ) {
                int j = known.next(text, i, end);
                count(text.substring(i, j));
                i = j;
            }
        } else {
            Matcher m = split.matcher(text);
            int last = 0;
            while (m.find()) {
                if (m.start() == m.end()) continue;
                if (m.start() > last) count(text.substring(last, m.start()));
                count(m.group());
                last = m.end();
            }
            if (last < end) count(text.substring(last));
        }
    }

    private void count(String piece) {
        pieces++;
        long[] c = counts.get(piece);
        if (c == null) counts.put(piece, new long[]{1});
        else c[0]++;
    }

    /** Adds a .txt file (streamed in blocks) or a .jsonl file of {"text": ...} objects. */
    public void addFile(Path file, Consumer<String> progress) throws IOException {
        boolean jsonl = file.getFileName().toString().endsWith(".jsonl") || file.getFileName().toString().endsWith(".json");
        long size = Files.size(file);
        long nextReport = 0;
        // Invalid UTF-8 in a scraped corpus is common: it becomes U+FFFD rather than stopping training.
        var utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file), utf8), 1 << 16)) {
            StringBuilder block = new StringBuilder(BLOCK + 4096);
            long lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                bytesRead += line.length() + 1; // chars, close enough for progress
                if (jsonl) {
                    if (line.isBlank()) continue;
                    addText(textOf(file, lineNo, line));
                } else {
                    block.append(line).append('\n');
                    if (block.length() >= BLOCK) flushBlock(block, false);
                }
                if (progress != null && bytesRead >= nextReport && bytesRead > 0) {
                    progress.accept(String.format("counting %s: %.0f%%, %,d distinct pre-tokens",
                            file.getFileName(), 100.0 * Math.min(bytesRead, size) / Math.max(1, size), counts.size()));
                    nextReport = bytesRead + 8L * BLOCK;
                }
            }
            if (!jsonl) flushBlock(block, true);
        }
    }

    private String textOf(Path file, long lineNo, String line) throws IOException {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + " line " + lineNo + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode text = node == null ? null : node.get("text");
        if (text == null || !text.isTextual())
            throw new IOException(file + " line " + lineNo + ": expected an object with a string field \"text\"");
        return text.asText();
    }

    /** Counts the block up to its last safe cut (all of it at the end of the file); keeps the rest. */
    private void flushBlock(StringBuilder block, boolean all) {
        int cut = block.length();
        if (!all) {
            cut = -1;
            for (int i = block.length() - 1; i > 0; i--) {
                if (KnownSplitter.isSafeCut(block, i)) { cut = i; break; }
            }
            if (cut < 0) return; // no safe cut yet: keep reading
        }
        addText(block.substring(0, cut));
        block.delete(0, cut);
    }
}

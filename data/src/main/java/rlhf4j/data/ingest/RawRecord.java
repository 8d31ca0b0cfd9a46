package rlhf4j.data.ingest;

/**
 * One unit read from the corpus, before parsing or cleaning.
 *
 * @param source  the file it came from, as the user will recognise it
 * @param line    1-based line where it starts
 * @param json    true when {@code payload} is one JSONL line still to parse, false for plain text
 * @param payload the raw text or JSON line
 */
public record RawRecord(String source, long line, boolean json, String payload) {
    public String where() {
        return source + ":" + line;
    }
}

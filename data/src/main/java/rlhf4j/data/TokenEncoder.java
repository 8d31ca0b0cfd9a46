package rlhf4j.data;

/**
 * What corpus preparation needs from a tokenizer: text to ids, the vocabulary size (it decides the
 * shard's token width) and the id written between documents. The tokenizer module adapts its BPE
 * to this; {@link ByteLevelEncoder} is the trivial stand-in used by tests and {@code --byte-level}.
 * Implementations must be safe to call from several threads at once.
 */
public interface TokenEncoder {
    /** The ids of {@code text}, without any end-of-text marker. */
    int[] encode(String text);

    /** Number of ids; every id is in {@code [0, vocabSize)}. */
    int vocabSize();

    /** The id appended after each document in a shard. */
    int endOfTextId();

    /** A short name for reports, e.g. {@code "byte-level"} or a tokenizer file name. */
    default String name() {
        return getClass().getSimpleName();
    }
}

package rlhf4j.data.clean;

/** The document-level rules, in the order they are checked; a cut document is blamed on the first it fails. */
public enum Rule {
    EMPTY("empty"),
    WORD_COUNT("wordCount"),
    MEAN_WORD_LENGTH("meanWordLength"),
    SYMBOL_RATIO("symbolRatio"),
    LINE_PUNCTUATION("linePunctuation"),
    DUPLICATE_LINES("duplicateLines"),
    TOP_NGRAMS("topNgrams"),
    DUPLICATE_NGRAMS("duplicateNgrams");

    /** The rule's key in the config and the report. */
    public final String key;

    Rule(String key) {
        this.key = key;
    }
}

package rlhf4j.data.prepare;

import rlhf4j.data.clean.Verdict;
import rlhf4j.data.ingest.RawRecord;

/**
 * What a worker made of one record; exactly one of malformed / cut / tokens says what happened.
 *
 * @param malformed   why the record could not be read (null if it could)
 * @param cut         the quality rule it failed (null if it passed)
 * @param snippet     the start of the cleaned text, for report examples
 * @param contentHash hash of the cleaned text: exact dedup and the train/val split
 * @param bands       LSH band hashes (null when near dedup is off)
 * @param tokens      the encoded document, without the end-of-text id
 * @param keptBytes   UTF-8 size of the cleaned text
 */
record Outcome(RawRecord from, String malformed, Verdict cut, String snippet, long contentHash, long[] bands,
               int[] tokens, long keptBytes) {

    static Outcome malformed(RawRecord from, String why) {
        return new Outcome(from, why, null, null, 0, null, null, 0);
    }
}

package rlhf4j.model.generate;

/**
 * What one prompt produced.
 *
 * @param tokens    the answer's tokens, without the stop token
 * @param stopToken the stop token that ended it, or -1 when it ran out of tokens
 */
public record Generation(int[] tokens, int stopToken) {
    /** Ended by a stop token (rather than by reaching the token limit). */
    public boolean stopped() {
        return stopToken >= 0;
    }
}

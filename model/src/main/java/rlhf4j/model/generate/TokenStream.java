package rlhf4j.model.generate;

/** Receives each token as soon as it is drawn (for streaming output); row is the prompt's index in the batch. */
@FunctionalInterface
public interface TokenStream {
    void onToken(int row, int token);
}

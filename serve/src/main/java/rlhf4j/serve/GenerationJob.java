package rlhf4j.serve;

import java.util.List;
import rlhf4j.model.generate.SamplingParams;

/**
 * One request's work for the decode loop: a prompt and the sampling of each of its rows (the
 * {@code n} choices), with a deadline and a cancel flag the request thread may set at any time
 * (client gone, stop button, timeout).
 *
 * @param prompt    token ids ending where the answer begins
 * @param maxTokens new tokens per row at most
 * @param stops     strings that end a row (not included in its text)
 * @param rows      sampling of each row; their count is the request's n
 */
public final class GenerationJob {
    /** Why a row ended, in OpenAI's words where it has them. */
    public enum Finish {
        STOP("stop"), LENGTH("length"), CANCELLED("cancelled"), TIMEOUT("timeout");

        public final String openAi;

        Finish(String openAi) { this.openAi = openAi; }
    }

    /**
     * What the request hears about its rows. Called on the decode thread: implementations must
     * not block (they hand events to the request thread through a queue or a future).
     */
    public interface Listener {
        void onText(int row, String piece);

        void onFinish(int row, Finish reason, int completionTokens);

        /** The whole job failed before or while running (no onFinish follows for unfinished rows). */
        void onError(ApiError error);
    }

    final int[] prompt;
    final int maxTokens;
    final List<String> stops;
    final SamplingParams[] rows;
    final Listener listener;
    final long deadlineNanos;
    private volatile boolean cancelled;

    public GenerationJob(int[] prompt, int maxTokens, List<String> stops, SamplingParams[] rows, Listener listener,
                         long timeoutMillis) {
        if (prompt.length == 0) throw new IllegalArgumentException("a prompt needs at least one token");
        if (maxTokens <= 0) throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        if (rows.length == 0) throw new IllegalArgumentException("a job needs at least one row");
        this.prompt = prompt;
        this.maxTokens = maxTokens;
        this.stops = List.copyOf(stops);
        this.rows = rows.clone();
        this.listener = listener;
        this.deadlineNanos = System.nanoTime() + timeoutMillis * 1_000_000L;
    }

    /** Asks the decode loop to drop this job's rows at its next step (or not to start them). */
    public void cancel() { cancelled = true; }

    public boolean cancelled() { return cancelled; }

    boolean expired(long now) { return now - deadlineNanos > 0; }

    int positionsNeeded() { return prompt.length + maxTokens; }
}

package rlhf4j.serve;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a validated request on its model's decode loop and hands back the result: all at once
 * ({@link #collect}) or as a stream of events ({@link #stream}). Used by the OpenAI endpoints and
 * by the comparison page.
 */
final class Completions {
    private Completions() {}

    /** The finished choices of a request. */
    record Result(String[] texts, GenerationJob.Finish[] finish, int[] completionTokens) {
        int totalCompletionTokens() {
            int t = 0;
            for (int c : completionTokens) t += c;
            return t;
        }
    }

    static ApiError queueFull() {
        return new ApiError(429, "rate_limit_exceeded", "queue_full", null,
                "the server is busy (its request queue is full); retry after a moment");
    }

    /** Blocks until every choice is finished; a timeout or failure becomes an ApiError. */
    static Result collect(DecodeScheduler scheduler, GenerationRequest req, long timeoutMs) {
        int n = req.n();
        StringBuilder[] texts = new StringBuilder[n];
        for (int i = 0; i < n; i++) texts[i] = new StringBuilder();
        GenerationJob.Finish[] finish = new GenerationJob.Finish[n];
        int[] tokens = new int[n];
        CompletableFuture<Void> done = new CompletableFuture<>();
        GenerationJob job = new GenerationJob(req.prompt(), req.maxTokens(), req.stops(), req.rows(), new GenerationJob.Listener() {
            int remaining = n;

            @Override public void onText(int row, String piece) { texts[row].append(piece); }

            @Override public void onFinish(int row, GenerationJob.Finish reason, int completionTokens) {
                finish[row] = reason;
                tokens[row] = completionTokens;
                if (--remaining == 0) done.complete(null);
            }

            @Override public void onError(ApiError error) { done.completeExceptionally(error); }
        }, timeoutMs);
        if (!scheduler.submit(job)) throw queueFull();
        try {
            done.get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ApiError a ? a : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            job.cancel();
            throw timeout();
        } catch (InterruptedException e) {
            job.cancel();
            Thread.currentThread().interrupt();
            throw timeout();
        }
        for (GenerationJob.Finish f : finish) if (f == GenerationJob.Finish.TIMEOUT) throw timeout();
        String[] out = new String[n];
        for (int i = 0; i < n; i++) out[i] = texts[i].toString();
        return new Result(out, finish, tokens);
    }

    static ApiError timeout() {
        return new ApiError(408, "timeout", "request_timeout", null, "the request took longer than the server's timeout");
    }

    /** What a streaming request hears, in order, from the decode loop. */
    sealed interface Event {
        record Text(int row, String piece) implements Event {}

        record Finished(int row, GenerationJob.Finish reason, int completionTokens) implements Event {}

        record Failed(ApiError error) implements Event {}
    }

    /** A submitted streaming job and the queue its events arrive on. */
    record Stream(GenerationJob job, BlockingQueue<Event> events) {
        /** The next event, or null after waitMs. */
        Event next(long waitMs) throws InterruptedException {
            return events.poll(waitMs, TimeUnit.MILLISECONDS);
        }
    }

    static Stream stream(DecodeScheduler scheduler, GenerationRequest req, long timeoutMs) {
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        GenerationJob job = new GenerationJob(req.prompt(), req.maxTokens(), req.stops(), req.rows(), new GenerationJob.Listener() {
            @Override public void onText(int row, String piece) { events.add(new Event.Text(row, piece)); }

            @Override public void onFinish(int row, GenerationJob.Finish reason, int completionTokens) {
                events.add(new Event.Finished(row, reason, completionTokens));
            }

            @Override public void onError(ApiError error) { events.add(new Event.Failed(error)); }
        }, timeoutMs);
        if (!scheduler.submit(job)) throw queueFull();
        return new Stream(job, events);
    }
}

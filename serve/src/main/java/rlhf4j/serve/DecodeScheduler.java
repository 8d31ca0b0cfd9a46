package rlhf4j.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import rlhf4j.model.DecodeArena;
import rlhf4j.model.KvCache;
import rlhf4j.model.Transformer;
import rlhf4j.model.generate.Sampler;
import rlhf4j.tokenizer.Tokenizer;

/**
 * The one thread that owns a model (which is not thread-safe) and decodes for every request.
 *
 * <p>Batching: the loop takes the first waiting job, then keeps gathering jobs that arrive within
 * {@code gatherMillis} (or are already queued) until the batch holds {@code maxBatchRows} rows.
 * Every row of every gathered job (a job has n rows) goes into one left-padded prefill and then
 * one decode step per token for all rows at once, so concurrent requests share each matrix
 * multiply. A row stops at any special token (e.g. {@code <|end|>}), a stop string, its max_tokens,
 * its deadline or a cancel; the batch ends when all its rows have. Jobs that arrive meanwhile wait
 * for the next batch (the KV cache cannot take new rows mid-batch). A job is added to a batch only
 * while the longest prompt plus the largest max_tokens still fits the context; otherwise it leads
 * the next batch.
 */
public final class DecodeScheduler implements AutoCloseable {
    private final ServedModel served;
    private final BlockingQueue<GenerationJob> queue;
    private final int maxBatchRows;
    private final long gatherMillis;
    private final Thread thread;
    private final boolean[] stopToken;
    private volatile boolean closed;
    private GenerationJob carried; // taken from the queue but did not fit the last batch; only the loop thread touches it
    private final AtomicLong batches = new AtomicLong(), rowsDecoded = new AtomicLong(), tokens = new AtomicLong();
    private volatile int activeRows, largestBatch;

    public DecodeScheduler(ServedModel served, int queueCapacity, int maxBatchRows, long gatherMillis) {
        if (queueCapacity <= 0 || maxBatchRows <= 0 || gatherMillis < 0) throw new IllegalArgumentException(
                "queue capacity and batch rows must be positive and the gather time not negative");
        this.served = served;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.maxBatchRows = maxBatchRows;
        this.gatherMillis = gatherMillis;
        Tokenizer tok = served.tokenizer();
        stopToken = new boolean[served.model().config().vocabSize()];
        for (int id : tok.specialTokens().values()) stopToken[id] = true;
        // ids the model can emit but the tokenizer cannot decode also end a row
        for (int id = tok.vocabSize(); id < stopToken.length; id++) stopToken[id] = true;
        thread = Thread.ofPlatform().name("decode-" + served.name()).daemon(true).start(this::loop);
    }

    /** Queues a job; false when the queue is full (the caller answers 429). */
    public boolean submit(GenerationJob job) {
        if (closed) return false;
        if (job.positionsNeeded() > served.contextLength()) throw new IllegalArgumentException(
                "prompt + max_tokens exceed the context of " + served.contextLength());
        if (job.rows.length > maxBatchRows) throw new IllegalArgumentException(
                "a job has " + job.rows.length + " rows, a batch at most " + maxBatchRows);
        return queue.offer(job);
    }

    public ServedModel model() { return served; }

    public int queued() { return queue.size(); }

    public int activeRows() { return activeRows; }

    public long batches() { return batches.get(); }

    public long rowsDecoded() { return rowsDecoded.get(); }

    public long tokensGenerated() { return tokens.get(); }

    public int largestBatch() { return largestBatch; }

    private void loop() {
        while (!closed) {
            List<GenerationJob> batch;
            try {
                batch = gather();
            } catch (InterruptedException e) {
                break;
            }
            if (batch.isEmpty()) continue;
            try {
                decode(batch);
            } catch (Throwable e) {
                // the loop must survive whatever one batch does, or every later request would hang
                System.err.println("decode-" + served.name() + ": batch failed: " + e);
                ApiError err = new ApiError(500, "server_error", "decode_failed", null,
                        "generation failed: " + e.getMessage());
                for (GenerationJob j : batch) j.listener.onError(err);
            } finally {
                activeRows = 0;
            }
        }
        ApiError gone = new ApiError(503, "server_error", "shutting_down", null, "the server is shutting down");
        if (carried != null) carried.listener.onError(gone);
        for (GenerationJob j; (j = queue.poll()) != null; ) j.listener.onError(gone);
    }

    /** The next batch: the first live job, then whatever fits that arrives within the gather window. */
    private List<GenerationJob> gather() throws InterruptedException {
        List<GenerationJob> batch = new ArrayList<>();
        GenerationJob first = carried != null ? carried : queue.poll(200, TimeUnit.MILLISECONDS);
        carried = null;
        if (first == null || !live(first)) return batch;
        batch.add(first);
        int rows = first.rows.length, longestPrompt = first.prompt.length, mostTokens = first.maxTokens;
        long until = System.nanoTime() + gatherMillis * 1_000_000L;
        while (rows < maxBatchRows) {
            long wait = until - System.nanoTime();
            GenerationJob next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) break;
            if (!live(next)) continue;
            int p = Math.max(longestPrompt, next.prompt.length), t = Math.max(mostTokens, next.maxTokens);
            if (rows + next.rows.length > maxBatchRows || p + t > served.contextLength()) {
                carried = next;
                break;
            }
            batch.add(next);
            rows += next.rows.length;
            longestPrompt = p;
            mostTokens = t;
        }
        return batch;
    }

    /** False (and the job is told) when it was cancelled or timed out while waiting. */
    private boolean live(GenerationJob job) {
        if (job.cancelled()) {
            for (int r = 0; r < job.rows.length; r++) job.listener.onFinish(r, GenerationJob.Finish.CANCELLED, 0);
            return false;
        }
        if (job.expired(System.nanoTime())) {
            job.listener.onError(new ApiError(408, "timeout", "request_timeout", null,
                    "the request waited longer than its timeout for a free decoder; try again later"));
            return false;
        }
        return true;
    }

    /** One row of the batch: a choice of one job. */
    private static final class Row {
        final GenerationJob job;
        final int index;
        final Sampler sampler;
        final TextStream text;
        int produced;
        boolean done;

        Row(GenerationJob job, int index) {
            this.job = job;
            this.index = index;
            this.sampler = new Sampler(job.rows[index]);
            this.text = new TextStream(job.stops);
        }
    }

    private void decode(List<GenerationJob> jobs) {
        List<Row> rows = new ArrayList<>();
        for (GenerationJob j : jobs) for (int r = 0; r < j.rows.length; r++) rows.add(new Row(j, r));
        int batch = rows.size(), longest = 0, steps = 0;
        for (Row r : rows) {
            longest = Math.max(longest, r.job.prompt.length);
            steps = Math.max(steps, r.job.maxTokens);
        }
        activeRows = batch;
        largestBatch = Math.max(largestBatch, batch);
        batches.incrementAndGet();
        rowsDecoded.addAndGet(batch);

        Transformer model = served.model();
        Tokenizer tok = served.tokenizer();
        // left-pad so every row's last prompt token sits at the same index; the last sampled token is never fed back
        KvCache cache = model.newCache(batch, longest + steps - 1);
        int[] ids = new int[batch * longest], padding = new int[batch];
        for (int b = 0; b < batch; b++) {
            int[] p = rows.get(b).job.prompt;
            padding[b] = longest - p.length;
            System.arraycopy(p, 0, ids, b * longest + padding[b], p.length);
        }
        cache.setLeftPadding(padding);
        // op outputs come from buffers reused every step once its logits are read (the cache was made above)
        try (DecodeArena arena = DecodeArena.open()) {
            float[] logits = model.forwardCachedLogits(ids, batch, longest, cache);

            int vocab = model.config().vocabSize();
            int[] next = new int[batch];
            for (int step = 0; step < steps; step++) {
                long now = System.nanoTime();
                int live = 0;
                for (int b = 0; b < batch; b++) {
                    Row row = rows.get(b);
                    if (row.done) continue;
                    if (row.job.cancelled()) { finish(row, GenerationJob.Finish.CANCELLED); continue; }
                    if (row.job.expired(now)) { finish(row, GenerationJob.Finish.TIMEOUT); continue; }
                    int token = row.sampler.sample(logits, b * vocab, vocab);
                    next[b] = token;
                    if (stopToken[token]) { finish(row, GenerationJob.Finish.STOP); continue; }
                    row.produced++;
                    tokens.incrementAndGet();
                    String piece = row.text.add(tok.tokenBytes(token));
                    if (!piece.isEmpty()) row.job.listener.onText(row.index, piece);
                    if (row.text.stopped()) finish(row, GenerationJob.Finish.STOP);
                    else if (row.produced == row.job.maxTokens) finish(row, GenerationJob.Finish.LENGTH);
                    else live++;
                }
                if (live == 0) break;
                // finished rows keep feeding their last token; their logits are ignored
                arena.nextStep();
                logits = model.forwardCachedLogits(next, batch, 1, cache);
            }
        }
        for (Row row : rows) if (!row.done) finish(row, GenerationJob.Finish.LENGTH);
    }

    private static void finish(Row row, GenerationJob.Finish reason) {
        row.done = true;
        String rest = row.text.finish();
        if (!rest.isEmpty() && reason != GenerationJob.Finish.CANCELLED) row.job.listener.onText(row.index, rest);
        row.job.listener.onFinish(row.index, reason, row.produced);
    }

    /** Stops the loop; queued jobs are told the server is shutting down. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

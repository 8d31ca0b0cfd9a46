package rlhf4j.data.prepare;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import rlhf4j.data.Hashing;
import rlhf4j.data.TokenEncoder;
import rlhf4j.data.dedup.LongHashSet;
import rlhf4j.data.dedup.LshIndex;
import rlhf4j.data.dedup.MinHasher;
import rlhf4j.data.ingest.CorpusReader;
import rlhf4j.data.ingest.RawRecord;
import rlhf4j.data.shard.ShardFormat;

/**
 * {@code rlhf4j data prepare}: corpus files in, token shards and a report out.
 *
 * <p>Three kinds of thread: one reader streams records into batches; workers parse, clean,
 * filter, hash and encode each batch; the calling thread takes the batches back in the order they
 * were read (a bounded queue of futures) and does everything order-dependent: exact and near
 * dedup (first copy wins), the train/val split, writing shards, the report. So the output is the
 * same for any number of workers, and memory is bounded by the queue, not the corpus.
 */
public final class CorpusPreparer {
    private static final Future<List<Outcome>> END = CompletableFuture.completedFuture(null);
    private static final Pattern SHARD_NAME = Pattern.compile("(train|val)-\\d{5}\\.bin");

    private final PrepareConfig cfg;
    private final TokenEncoder encoder;
    private final PrintStream log; // null: quiet (tests)
    private final AtomicLong keptSoFar = new AtomicLong();

    public CorpusPreparer(PrepareConfig cfg, TokenEncoder encoder, PrintStream log) {
        this.cfg = cfg;
        this.encoder = encoder;
        this.log = log;
    }

    public PrepareReport run(List<Path> inputs, Path outDir) throws IOException {
        long t0 = System.nanoTime();
        PrepareReport report = new PrepareReport();
        report.config = cfg;
        report.encoder = encoder.name();
        report.vocabSize = encoder.vocabSize();
        report.tokenWidth = ShardFormat.widthFor(encoder.vocabSize());

        var dd = cfg.dedup();
        int[] br = dd.bands() > 0 && dd.rows() > 0 ? new int[] {dd.bands(), dd.rows()} : LshIndex.chooseBandsRows(dd.numPerm(), dd.threshold());
        report.lshBands = br[0];
        report.lshRows = br[1];
        report.lshThreshold = LshIndex.impliedThreshold(br[0], br[1]);
        MinHasher minHasher = dd.near() ? new MinHasher(dd.numPerm(), dd.shingleWords(), cfg.seed()) : null;
        LshIndex lsh = new LshIndex(br[0], br[1]);
        LongHashSet exact = new LongHashSet();

        int nWorkers = cfg.threads() > 0 ? cfg.threads() : Runtime.getRuntime().availableProcessors();
        AtomicInteger workerId = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(nWorkers,
                r -> Thread.ofPlatform().name("data-worker-" + workerId.getAndIncrement()).daemon().unstarted(r));
        ThreadLocal<DocumentProcessor> processors = ThreadLocal.withInitial(() -> new DocumentProcessor(cfg, minHasher, lsh, encoder));
        BlockingQueue<Future<List<Outcome>>> pending = new ArrayBlockingQueue<>(2 * nWorkers + 2);

        CorpusReader reader = new CorpusReader(CorpusReader.TextUnit.valueOf(cfg.input().textUnit().toUpperCase(Locale.ROOT)), cfg.input().maxDocChars());
        List<Path> files = reader.expand(inputs); // fail early on a missing input
        if (files.isEmpty()) throw new IOException("no corpus files in " + inputs + " (folders are searched for .txt, .md, .jsonl, .ndjson, optionally .gz)");
        Thread readerThread = Thread.ofPlatform().name("data-reader").daemon().start(() -> {
            try {
                List<RawRecord> batch = new ArrayList<>();
                long[] chars = {0};
                reader.read(files, rec -> {
                    batch.add(rec);
                    chars[0] += rec.payload().length();
                    if (chars[0] >= cfg.input().batchChars() || batch.size() >= 8192) {
                        submit(workers, processors, pending, List.copyOf(batch));
                        batch.clear();
                        chars[0] = 0;
                    }
                });
                if (!batch.isEmpty()) submit(workers, processors, pending, List.copyOf(batch));
                put(pending, END);
            } catch (Throwable e) {
                try {
                    put(pending, CompletableFuture.failedFuture(e));
                } catch (RuntimeException interrupted) {
                    // the consumer is gone already
                }
            }
        });

        Outputs outputs = new Outputs(outDir, encoder, cfg.output().shardTokens());
        boolean ok = false;
        try (Progress progress = log == null ? null : new Progress(log, reader::bytesRead, keptSoFar::get)) {
            while (true) {
                Future<List<Outcome>> next = pending.take();
                if (next == END) break;
                for (Outcome o : join(next)) consume(o, report, exact, lsh, outputs);
            }
            ok = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            readerThread.interrupt();
            workers.shutdownNow();
            if (!ok) outputs.abort();
        }
        outputs.close();
        report.splits.putAll(outputs.splits());
        removeStaleShards(outDir, outputs.writtenFiles());
        report.files = reader.files();
        report.skippedFiles = reader.skippedFiles();
        report.bytesIn = reader.bytesRead();
        report.dedupIndexBytes = exact.bytes() + lsh.bytes();
        report.seconds = (System.nanoTime() - t0) / 1e9;
        report.write(outDir.resolve("prepare_report.json"));
        return report;
    }

    private void consume(Outcome o, PrepareReport report, LongHashSet exact, LshIndex lsh, Outputs outputs) throws IOException {
        String where = o.from().where();
        if (o.malformed() != null) {
            report.malformed(where, o.malformed());
            if (log != null && report.malformed <= 20) log.println("\nwarning: " + where + ": " + o.malformed());
            if (log != null && report.malformed == 21) log.println("\nwarning: more malformed lines; all are counted in the report");
            return;
        }
        report.documentsIn++;
        if (o.cut() != null) {
            report.cut.get(o.cut().rule().key).add(new PrepareReport.Example(where, o.cut().detail(), o.snippet()));
            return;
        }
        if (cfg.dedup().exact() && !exact.add(o.contentHash())) {
            report.exactDuplicates.add(new PrepareReport.Example(where, "same text as an earlier document", o.snippet()));
            return;
        }
        if (o.bands() != null && lsh.checkAndAdd(o.bands())) {
            report.nearDuplicates.add(new PrepareReport.Example(where, "shares a MinHash band with an earlier document", o.snippet()));
            return;
        }
        report.keptDocuments++;
        report.keptBytes += o.keptBytes();
        keptSoFar.incrementAndGet();
        boolean val = Hashing.unitInterval(o.contentHash(), cfg.seed()) < cfg.output().valFraction();
        outputs.write(val ? "val" : "train", o.tokens());
    }

    private static void submit(ExecutorService workers, ThreadLocal<DocumentProcessor> processors,
                               BlockingQueue<Future<List<Outcome>>> pending, List<RawRecord> batch) {
        put(pending, workers.submit(() -> {
            DocumentProcessor p = processors.get();
            List<Outcome> out = new ArrayList<>(batch.size());
            for (RawRecord r : batch) out.add(p.process(r));
            return out;
        }));
    }

    private static void put(BlockingQueue<Future<List<Outcome>>> q, Future<List<Outcome>> f) {
        try {
            q.put(f);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException("interrupted", e);
        }
    }

    private static List<Outcome> join(Future<List<Outcome>> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof UncheckedIOException u) throw u.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IOException(c);
        }
    }

    /** Shards left from an earlier, larger run would otherwise be read as part of this one. */
    private static void removeStaleShards(Path outDir, Set<String> written) throws IOException {
        try (Stream<Path> files = Files.list(outDir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (SHARD_NAME.matcher(name).matches() && !written.contains(name)) Files.delete(p);
            }
        }
    }

}

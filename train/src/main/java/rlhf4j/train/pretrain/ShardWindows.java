package rlhf4j.train.pretrain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import rlhf4j.data.shard.TokenShard;
import rlhf4j.tensor.Rng;

/**
 * Random training windows over a split's token shards: each draw picks a position uniformly over
 * all tokens (so shards weigh by size) and cuts T+1 tokens — ids and next-token targets. The order
 * is a function of the seed alone; the RNG state is the loader's whole position, saved in every
 * checkpoint.
 */
public final class ShardWindows implements AutoCloseable {
    private final List<TokenShard> shards = new ArrayList<>();
    private final long[] starts;   // cumulative window starts per shard
    private final long windows;
    private final int seqLen;
    private final Rng rng;
    private final int[] buf;

    /** Opens {@code dir/<split>-*.bin}; fails with a message when there are none or they are too short. */
    public ShardWindows(Path dir, String split, int seqLen, long seed) {
        this.seqLen = seqLen;
        this.rng = new Rng(seed);
        this.buf = new int[seqLen + 1];
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().startsWith(split + "-") && p.toString().endsWith(".bin"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list token shards in " + dir, e);
        }
        if (files.isEmpty()) throw new IllegalArgumentException("no " + split + "-*.bin token shards in " + dir
                + " (make them with `rlhf4j data prepare`)");
        List<Long> cum = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            try {
                TokenShard shard = TokenShard.open(f);
                long w = shard.size() - seqLen;
                if (w <= 0) {
                    shard.close();
                    continue;
                }
                shards.add(shard);
                cum.add(total);
                total += w;
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
        if (shards.isEmpty()) throw new IllegalArgumentException("the " + split + " shards in " + dir
                + " hold fewer than seq_len+1 = " + (seqLen + 1) + " tokens each; lower seq_len or add data");
        this.windows = total;
        this.starts = cum.stream().mapToLong(Long::longValue).toArray();
    }

    public int vocabSize() {
        return shards.get(0).vocabSize();
    }

    public long tokens() {
        long n = 0;
        for (TokenShard s : shards) n += s.size();
        return n;
    }

    /** Fills ids and targets [B·T] with B random windows. */
    public void next(int[] ids, int[] targets, int batch) {
        for (int b = 0; b < batch; b++) {
            long w = (long) (rng.nextDouble() * windows);
            cut(w, ids, targets, b);
        }
    }

    /**
     * Fills ids and targets [B·T] with B windows drawn by their own seed, not this reader's RNG: the
     * same seed gives the same windows whatever was drawn before (PPO-ptx seeds by iteration and
     * minibatch, so a resumed run draws what an uninterrupted one would).
     */
    public void seeded(long seed, int[] ids, int[] targets, int batch) {
        Rng draw = new Rng(seed);
        for (int b = 0; b < batch; b++) cut((long) (draw.nextDouble() * windows), ids, targets, b);
    }

    public int seqLen() {
        return seqLen;
    }

    /** Fills ids and targets with the windows that start at evenly spaced positions (for evaluation). */
    public void fixed(int index, int count, int[] ids, int[] targets, int batch) {
        for (int b = 0; b < batch; b++) {
            long w = (long) ((double) windows * ((long) index * batch + b) / Math.max(1, (long) count * batch));
            cut(Math.min(w, windows - 1), ids, targets, b);
        }
    }

    private void cut(long w, int[] ids, int[] targets, int b) {
        int s = shards.size() - 1;
        while (starts[s] > w) s--;
        shards.get(s).read(w - starts[s], buf, 0, seqLen + 1);
        System.arraycopy(buf, 0, ids, b * seqLen, seqLen);
        System.arraycopy(buf, 1, targets, b * seqLen, seqLen);
    }

    public long[] rngState() {
        return rng.state();
    }

    public void restoreRng(long[] state) {
        rng.restore(state);
    }

    @Override
    public void close() {
        for (TokenShard s : shards) s.close();
    }
}

package rlhf4j.train.sft;

import java.util.Arrays;
import java.util.List;
import rlhf4j.tensor.Rng;

/**
 * Micro-batches of conversations for SFT. With packing, conversations are laid end to end in a row
 * (next fit: a conversation that does not fit starts the next row), each under its own segment id,
 * so attention never crosses from one into another and positions restart at each; the rest of a
 * row is padding (segment -1, no loss). Without packing, each row holds one conversation.
 *
 * <p>Training order: epochs of a seeded shuffle, flowing into each other. The position is (epoch,
 * cursor) plus the RNG state from before the current epoch's shuffle, so a resumed run redraws the
 * same permutation and continues bit-exactly.
 */
public final class SftBatches {
    /** One micro-batch: ids, targets and segments [B·T]; tokens = positions holding a conversation. */
    public record Batch(int[] ids, int[] targets, int[] segments, int tokens) {
    }

    private final List<SftExample> examples;
    private final int batch, seqLen;
    private final boolean pack;
    private final Rng rng;
    private long[] epochRngState;
    private int[] order;
    private int cursor;
    private long epoch;

    public SftBatches(List<SftExample> examples, int batch, int seqLen, boolean pack, long seed) {
        if (examples.isEmpty()) throw new IllegalArgumentException("no SFT examples to train on");
        for (SftExample e : examples) if (e.length() > seqLen) throw new IllegalArgumentException(
                "an example of " + e.length() + " positions does not fit rows of " + seqLen);
        this.examples = examples;
        this.batch = batch;
        this.seqLen = seqLen;
        this.pack = pack;
        this.rng = new Rng(seed);
        shuffle();
    }

    private void shuffle() {
        epochRngState = rng.state();
        order = rng.permutation(examples.size());
        cursor = 0;
    }

    /** The next training micro-batch. */
    public Batch next() {
        Batch b = empty();
        int row = 0, fill = 0, segment = 0, tokens = 0;
        while (true) {
            if (cursor == order.length) {
                epoch++;
                shuffle();
            }
            SftExample e = examples.get(order[cursor]);
            if (fill > 0 && (!pack || fill + e.length() > seqLen)) {
                row++;
                fill = 0;
                segment = 0;
                if (row == batch) break;
            }
            place(b, e, row, fill, segment++);
            fill += e.length();
            tokens += e.length();
            cursor++;
        }
        return new Batch(b.ids(), b.targets(), b.segments(), tokens);
    }

    /** Fixed micro-batches covering every example once, in order (for held-out loss). */
    public static List<Batch> fixed(List<SftExample> examples, int batch, int seqLen, boolean pack) {
        List<Batch> out = new java.util.ArrayList<>();
        SftBatches layout = new SftBatches(examples, batch, seqLen, pack, 0);
        int i = 0;
        while (i < examples.size()) {
            Batch b = layout.empty();
            int row = 0, fill = 0, segment = 0, tokens = 0;
            while (i < examples.size()) {
                SftExample e = examples.get(i);
                if (fill > 0 && (!pack || fill + e.length() > seqLen)) {
                    row++;
                    fill = 0;
                    segment = 0;
                    if (row == batch) break;
                }
                layout.place(b, e, row, fill, segment++);
                fill += e.length();
                tokens += e.length();
                i++;
            }
            out.add(new Batch(b.ids(), b.targets(), b.segments(), tokens));
        }
        return out;
    }

    private Batch empty() {
        int n = batch * seqLen;
        int[] ids = new int[n], targets = new int[n], segments = new int[n];
        Arrays.fill(targets, SftExample.IGNORE);
        Arrays.fill(segments, -1);
        return new Batch(ids, targets, segments, 0);
    }

    private void place(Batch b, SftExample e, int row, int at, int segment) {
        int base = row * seqLen + at;
        System.arraycopy(e.ids(), 0, b.ids(), base, e.length());
        System.arraycopy(e.targets(), 0, b.targets(), base, e.length());
        Arrays.fill(b.segments(), base, base + e.length(), segment);
    }

    public long epoch() {
        return epoch;
    }

    public int cursor() {
        return cursor;
    }

    public long[] epochRngState() {
        return epochRngState.clone();
    }

    /** Returns to a position saved from {@link #epoch()}, {@link #cursor()} and {@link #epochRngState()}. */
    public void restore(long epoch, int cursor, long[] epochRngState) {
        if (cursor < 0 || cursor > examples.size()) throw new IllegalArgumentException("saved SFT cursor " + cursor
                + " is outside the " + examples.size() + " training examples; was the data changed since the checkpoint?");
        rng.restore(epochRngState);
        shuffle();
        this.epoch = epoch;
        this.cursor = cursor;
    }
}

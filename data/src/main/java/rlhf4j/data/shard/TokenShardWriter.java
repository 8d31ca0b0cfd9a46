package rlhf4j.data.shard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Streams token ids into one shard file. The file appears at its final path only on
 * {@link #close()}: tokens go to a temp file next to it, which is fsynced and then renamed, so a
 * reader never sees a half-written shard. {@link #abort()} throws the temp file away.
 */
public final class TokenShardWriter implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private final int width;
    private final int vocabSize;
    private long count;
    private boolean closed;

    public TokenShardWriter(Path target, int vocabSize, int endOfTextId) throws IOException {
        this.target = target;
        this.vocabSize = vocabSize;
        this.width = ShardFormat.widthFor(vocabSize);
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        this.temp = dir.resolve(target.getFileName() + ".tmp");
        this.channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        buffer.put(ShardFormat.MAGIC).putInt(ShardFormat.VERSION).putInt(width).putInt(vocabSize)
                .putInt(endOfTextId).putInt(0).putLong(0L); // count is patched in on close
    }

    public int width() {
        return width;
    }

    /** Tokens written so far. */
    public long count() {
        return count;
    }

    public void write(int[] ids) throws IOException {
        write(ids, 0, ids.length);
    }

    public void write(int[] ids, int from, int to) throws IOException {
        for (int i = from; i < to; i++) write(ids[i]);
    }

    public void write(int id) throws IOException {
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary [0, " + vocabSize + ")");
        }
        if (buffer.remaining() < 4) flush();
        if (width == 2) buffer.putShort((short) id);
        else buffer.putInt(id);
        count++;
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) channel.write(buffer);
        buffer.clear();
    }

    /** Writes the count into the header, fsyncs and renames the temp file onto the target. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try (channel) {
            flush();
            ByteBuffer c = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, count);
            channel.write(c, ShardFormat.COUNT_OFFSET);
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Drops what was written; the target is left as it was. */
    public void abort() throws IOException {
        if (closed) return;
        closed = true;
        channel.close();
        Files.deleteIfExists(temp);
    }
}

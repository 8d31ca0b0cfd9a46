package rlhf4j.data.shard;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.nio.file.Files;

/**
 * A token shard opened read-only and memory-mapped (any size; pages load on demand), with random
 * access to its ids. Safe for concurrent readers; {@link #close()} unmaps it.
 */
public final class TokenShard implements AutoCloseable {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final int width;
    private final int vocabSize;
    private final int endOfTextId;
    private final long count;

    private TokenShard(Path path, Arena arena, MemorySegment data, int width, int vocabSize, int endOfTextId, long count) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.width = width;
        this.vocabSize = vocabSize;
        this.endOfTextId = endOfTextId;
        this.count = count;
    }

    /** Maps {@code path} and checks its header against its size; a bad file fails with what is wrong. */
    public static TokenShard open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < ShardFormat.HEADER_BYTES) {
                throw new IOException(path + ": " + size + " bytes is shorter than the " + ShardFormat.HEADER_BYTES
                        + "-byte token shard header");
            }
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            byte[] magic = all.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE);
            if (!Arrays.equals(magic, ShardFormat.MAGIC)) {
                throw new IOException(path + ": not a token shard (magic " + Arrays.toString(magic) + ", expected R4JT)");
            }
            int version = all.get(I32, 4);
            if (version != ShardFormat.VERSION) {
                throw new IOException(path + ": shard version " + version + ", this build reads version " + ShardFormat.VERSION);
            }
            int width = all.get(I32, 8);
            if (width != 2 && width != 4) throw new IOException(path + ": token width " + width + ", expected 2 or 4");
            int vocab = all.get(I32, 12);
            int eot = all.get(I32, 16);
            long count = all.get(I64, ShardFormat.COUNT_OFFSET);
            long expected = ShardFormat.HEADER_BYTES + count * width;
            if (count < 0 || expected != size) {
                throw new IOException(path + ": header says " + count + " tokens of " + width + " bytes (" + expected
                        + " bytes in all) but the file has " + size + " bytes: truncated or not finished");
            }
            return new TokenShard(path, arena, all.asSlice(ShardFormat.HEADER_BYTES), width, vocab, eot, count);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The shards of one split in a prepare output folder, in order: {@code split-00000.bin, split-00001.bin, ...}. */
    public static List<Path> list(Path dir, String split) throws IOException {
        String pattern = java.util.regex.Pattern.quote(split) + "-\\d{5}\\.bin";
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches(pattern)).sorted().toList();
        }
    }

    public Path path() {
        return path;
    }

    /** Number of tokens. */
    public long size() {
        return count;
    }

    public int width() {
        return width;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int endOfTextId() {
        return endOfTextId;
    }

    /** The id at position {@code index}. */
    public int get(long index) {
        if (index < 0 || index >= count) throw new IndexOutOfBoundsException("token " + index + " of " + count + " in " + path);
        return width == 2 ? Short.toUnsignedInt(data.get(U16, index * 2)) : data.get(I32, index * 4);
    }

    /** Copies ids {@code [start, start + len)} into {@code dst[off..]}: the usual way to cut a training window. */
    public void read(long start, int[] dst, int off, int len) {
        if (start < 0 || len < 0 || start + len > count) {
            throw new IndexOutOfBoundsException("tokens [" + start + ", " + (start + len) + ") of " + count + " in " + path);
        }
        if (width == 4) {
            MemorySegment.copy(data, I32, start * 4, dst, off, len);
        } else {
            for (int i = 0; i < len; i++) dst[off + i] = Short.toUnsignedInt(data.get(U16, (start + i) * 2));
        }
    }

    public int[] read(long start, int len) {
        int[] out = new int[len];
        read(start, out, 0, len);
        return out;
    }

    @Override
    public void close() {
        arena.close();
    }
}

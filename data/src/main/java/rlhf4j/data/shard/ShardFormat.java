package rlhf4j.data.shard;

/**
 * The token shard file: a 32-byte little-endian header, then {@code count} token ids of
 * {@code width} bytes each, little-endian (unsigned 16-bit when width is 2).
 *
 * <pre>
 * offset size field
 *  0     4    magic "R4JT"
 *  4     4    version (1)
 *  8     4    token width in bytes: 2 when vocabSize <= 65536, else 4
 * 12     4    vocabSize
 * 16     4    endOfTextId (-1: none)
 * 20     4    reserved, 0
 * 24     8    count: number of tokens
 * 32          ids
 * </pre>
 *
 * The 32-byte header keeps the ids aligned to their width.
 */
public final class ShardFormat {
    public static final byte[] MAGIC = {'R', '4', 'J', 'T'};
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 32;
    public static final int COUNT_OFFSET = 24;

    private ShardFormat() {}

    /** 2 bytes per token when every id fits an unsigned 16-bit value, else 4. */
    public static int widthFor(int vocabSize) {
        if (vocabSize <= 0) throw new IllegalArgumentException("vocabSize must be positive, got " + vocabSize);
        return vocabSize <= 65536 ? 2 : 4;
    }
}

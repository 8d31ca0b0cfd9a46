package rlhf4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.data.shard.ShardFormat;
import rlhf4j.data.shard.TokenShard;
import rlhf4j.data.shard.TokenShardWriter;

class TokenShardTest {
    @TempDir
    Path dir;

    private int[] roundTrip(int vocab, int n, int expectedWidth) throws IOException {
        Random r = new Random(vocab);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = r.nextInt(vocab);
        ids[0] = vocab - 1; // the largest id must survive (unsigned 16-bit at 65535)
        Path file = dir.resolve("s-" + vocab + ".bin");
        try (TokenShardWriter w = new TokenShardWriter(file, vocab, vocab - 1)) {
            assertThat(w.width()).isEqualTo(expectedWidth);
            w.write(ids);
        }
        assertThat(Files.size(file)).isEqualTo(ShardFormat.HEADER_BYTES + (long) n * expectedWidth);
        try (TokenShard shard = TokenShard.open(file)) {
            assertThat(shard.size()).isEqualTo(n);
            assertThat(shard.width()).isEqualTo(expectedWidth);
            assertThat(shard.vocabSize()).isEqualTo(vocab);
            assertThat(shard.endOfTextId()).isEqualTo(vocab - 1);
            for (int i = 0; i < n; i += 997) assertThat(shard.get(i)).isEqualTo(ids[i]);
            assertThat(shard.read(0, n)).isEqualTo(ids);
            int[] window = new int[10];
            shard.read(n - 10, window, 0, 10);
            assertThat(window).containsExactly(java.util.Arrays.copyOfRange(ids, n - 10, n));
        }
        return ids;
    }

    @Test
    void twoByteShardRoundTripsUpToVocab65536() throws IOException {
        roundTrip(257, 300_000, 2);   // more ids than the writer's 1 MiB buffer
        roundTrip(65536, 10_000, 2);
    }

    @Test
    void fourByteShardRoundTripsAboveVocab65536() throws IOException {
        roundTrip(65537, 10_000, 4);
        roundTrip(200_000, 300_000, 4);
    }

    @Test
    void writeIsAtomicAndAbortLeavesNothing() throws IOException {
        Path file = dir.resolve("a.bin");
        TokenShardWriter w = new TokenShardWriter(file, 257, 256);
        w.write(new int[] {1, 2, 3});
        assertThat(file).doesNotExist();
        w.abort();
        assertThat(dir).isEmptyDirectory();
        try (TokenShardWriter w2 = new TokenShardWriter(file, 257, 256)) {
            w2.write(7);
        }
        assertThat(dir).isDirectoryContaining(p -> p.getFileName().toString().equals("a.bin"));
        assertThat(Files.list(dir).count()).isEqualTo(1);
    }

    @Test
    void idOutsideVocabularyIsRejected() throws IOException {
        try (TokenShardWriter w = new TokenShardWriter(dir.resolve("b.bin"), 257, 256)) {
            assertThatThrownBy(() -> w.write(257)).hasMessageContaining("outside the vocabulary");
        }
    }

    @Test
    void truncatedOrForeignFilesFailWithAClearMessage() throws IOException {
        Path file = dir.resolve("t.bin");
        try (TokenShardWriter w = new TokenShardWriter(file, 257, 256)) {
            w.write(new int[] {1, 2, 3, 4});
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ShardFormat.HEADER_BYTES + 5);
        }
        assertThatThrownBy(() -> TokenShard.open(file)).hasMessageContaining("header says 4 tokens").hasMessageContaining("truncated");
        Path other = dir.resolve("x.bin");
        Files.writeString(other, "this is not a token shard at all, just text");
        assertThatThrownBy(() -> TokenShard.open(other)).hasMessageContaining("not a token shard");
    }
}

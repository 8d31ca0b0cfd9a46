package rlhf4j.tokenizer;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/** tiktoken rank files: one {@code <base64 token bytes> <rank>} per line; the rank is the token id. */
public final class TiktokenFile {
    private TiktokenFile() {}

    /** Reads a rank file into id -> bytes (null where a rank is absent, as in a partial file). */
    public static byte[][] read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    public static byte[][] read(InputStream in, String source) throws IOException {
        byte[][] ranks = new byte[1 << 16][];
        int max = -1;
        Base64.Decoder b64 = Base64.getDecoder();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16);
        String line;
        int lineNo = 0;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) continue;
            int sp = line.indexOf(' ');
            int rank;
            byte[] bytes;
            try {
                if (sp < 0) throw new IllegalArgumentException("expected '<base64> <rank>'");
                bytes = b64.decode(line.substring(0, sp));
                rank = Integer.parseInt(line.substring(sp + 1).trim());
                if (rank < 0) throw new IllegalArgumentException("negative rank");
            } catch (IllegalArgumentException e) {
                throw new IOException(source + " line " + lineNo + ": " + e.getMessage() + ": " + abbreviate(line), e);
            }
            if (rank >= ranks.length) ranks = Arrays.copyOf(ranks, Math.max(rank + 1, ranks.length * 2));
            if (ranks[rank] != null) throw new IOException(source + " line " + lineNo + ": rank " + rank + " appears twice");
            ranks[rank] = bytes;
            max = Math.max(max, rank);
        }
        if (max < 0) throw new IOException(source + ": no ranks found");
        return Arrays.copyOf(ranks, max + 1);
    }

    /** Writes the ordinary tokens of a tokenizer as a rank file (rank = merge priority order). */
    public static void write(Tokenizer tok, Path file) throws IOException {
        Base64.Encoder b64 = Base64.getEncoder();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
            for (int id : tok.ordinaryIdsByPriority()) {
                w.write(b64.encodeToString(tok.tokenBytes(id)));
                w.write(' ');
                w.write(Integer.toString(id));
                w.write('\n');
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}

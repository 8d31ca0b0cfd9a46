package rlhf4j.data;

import java.nio.charset.StandardCharsets;

/** UTF-8 bytes as ids (0..255) plus end-of-text = 256: no training needed, lossless, 2-byte shards. */
public final class ByteLevelEncoder implements TokenEncoder {
    public static final int END_OF_TEXT = 256;

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) ids[i] = bytes[i] & 0xFF;
        return ids;
    }

    @Override
    public int vocabSize() {
        return 257;
    }

    @Override
    public int endOfTextId() {
        return END_OF_TEXT;
    }

    @Override
    public String name() {
        return "byte-level";
    }
}

package rlhf4j.tokenizer;

/**
 * GPT-2's byte-to-unicode table, which Hugging Face's ByteLevel pre-tokenizer and decoder use to
 * store byte tokens as printable strings: bytes that are printable Latin-1 map to themselves,
 * the other 68 map to U+0100 onwards in byte order (so a space is 'Ġ', a newline 'Ċ').
 */
final class ByteLevel {
    private static final char[] TO_CHAR = new char[256];
    private static final int[] TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF;
            char c = printable ? (char) b : (char) (256 + extra++);
            TO_CHAR[b] = c;
            TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    static String encode(byte[] bytes) {
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = TO_CHAR[bytes[i] & 0xff];
        return new String(out);
    }

    /** Bytes of a byte-level token string, or null if it holds a character outside the table. */
    static byte[] decode(String s) {
        byte[] out = new byte[s.length()];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= TO_BYTE.length || TO_BYTE[c] < 0) return null;
            out[i] = (byte) TO_BYTE[c];
        }
        return out;
    }
}

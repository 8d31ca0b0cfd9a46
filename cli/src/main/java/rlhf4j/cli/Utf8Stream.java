package rlhf4j.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns a stream of token bytes into text as it arrives: a token may end in the middle of a UTF-8
 * character, so the bytes of an incomplete last character wait for the next token.
 */
final class Utf8Stream {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** Adds a token's bytes; returns the text that is now complete (possibly empty). */
    String push(byte[] bytes) {
        pending.writeBytes(bytes);
        byte[] all = pending.toByteArray();
        int complete = completePrefix(all);
        pending.reset();
        pending.write(all, complete, all.length - complete);
        return new String(all, 0, complete, StandardCharsets.UTF_8);
    }

    /** Whatever is left (an invalid tail decodes to U+FFFD). */
    String flush() {
        String s = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return s;
    }

    /** Length of the longest prefix that does not end inside a multi-byte character. */
    static int completePrefix(byte[] b) {
        int n = b.length;
        // look back at most 3 bytes for the lead byte of the last character
        for (int back = 1; back <= Math.min(3, n); back++) {
            int v = b[n - back] & 0xff;
            if (v < 0x80) return n;                  // ASCII: everything is complete
            if (v >= 0xc0) {                         // a lead byte: how long should its sequence be?
                int need = v >= 0xf0 ? 4 : v >= 0xe0 ? 3 : 2;
                return back >= need ? n : n - back;
            }
            // a continuation byte: keep looking back
        }
        return n; // no lead byte nearby: invalid, let the decoder replace it
    }
}

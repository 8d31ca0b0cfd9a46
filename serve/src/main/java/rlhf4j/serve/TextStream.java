package rlhf4j.serve;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns a row's generated token bytes into text pieces that are safe to send: a multi-byte UTF-8
 * character split across tokens is held back until it is whole, and the tail that could still
 * grow into a stop string is held back until it cannot. When a stop string appears the text
 * ends just before it.
 */
final class TextStream {
    private final List<String> stops;
    private final int holdBack; // longest stop string minus one: that much tail may still become a stop
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final StringBuilder text = new StringBuilder();
    private int sent;
    private boolean stopped;

    TextStream(List<String> stops) {
        this.stops = stops;
        int longest = 0;
        for (String s : stops) longest = Math.max(longest, s.length());
        this.holdBack = Math.max(0, longest - 1);
    }

    /** Adds a token's bytes; returns the new text that may be sent now (possibly empty). */
    String add(byte[] bytes) {
        if (stopped) return "";
        pending.writeBytes(bytes);
        byte[] all = pending.toByteArray();
        int whole = completeLength(all);
        if (whole > 0) {
            text.append(new String(all, 0, whole, StandardCharsets.UTF_8));
            pending.reset();
            pending.write(all, whole, all.length - whole);
        }
        int cut = firstStop();
        if (cut >= 0) {
            stopped = true;
            text.setLength(cut);
            return flushTo(cut);
        }
        return flushTo(Math.max(sent, text.length() - holdBack));
    }

    /** Whatever is still held back (the row ended without a stop string); invalid bytes become U+FFFD. */
    String finish() {
        if (!stopped && pending.size() > 0) {
            text.append(new String(pending.toByteArray(), StandardCharsets.UTF_8));
            pending.reset();
        }
        return flushTo(text.length());
    }

    /** A stop string was produced: the row is complete. */
    boolean stopped() { return stopped; }

    /** All the text so far (without any stop string). */
    String text() { return text.toString(); }

    private String flushTo(int end) {
        if (end <= sent) return "";
        // never split a surrogate pair across two pieces
        if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) end--;
        String piece = text.substring(sent, end);
        sent = end;
        return piece;
    }

    private int firstStop() {
        int best = -1;
        // a stop can only end in the newly added text, but the text is short: search from where it could start
        int from = Math.max(0, sent - holdBack);
        for (String s : stops) {
            int i = text.indexOf(s, from);
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        return best;
    }

    /** Length of the longest prefix that does not end inside an unfinished UTF-8 sequence. */
    static int completeLength(byte[] b) {
        int n = b.length;
        // look back at most 3 bytes for the lead byte of the last sequence
        for (int back = 1; back <= Math.min(4, n); back++) {
            int c = b[n - back] & 0xFF;
            if ((c & 0xC0) == 0x80) continue; // continuation byte
            int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            if (c >= 0xF8 || need <= back) return n; // complete (or invalid lead byte: let the decoder replace it)
            return n - back;
        }
        return n; // only continuation bytes: invalid anyway
    }
}

package rlhf4j.data.clean;

import java.text.Normalizer;

/**
 * Normalizes one document: Unicode NFC; control characters removed except \n and \t (\r\n and \r
 * become \n); whitespace normalized: any Unicode space becomes ' ', runs of spaces/tabs inside a
 * line collapse to one space (leading indentation is kept), trailing spaces go, at most one blank
 * line separates paragraphs, and the document is trimmed.
 */
public final class TextCleaner {
    private final boolean nfc;
    private final boolean stripControl;
    private final boolean normalizeWhitespace;

    public TextCleaner(boolean nfc, boolean stripControl, boolean normalizeWhitespace) {
        this.nfc = nfc;
        this.stripControl = stripControl;
        this.normalizeWhitespace = normalizeWhitespace;
    }

    public String clean(String text) {
        String s = nfc && !Normalizer.isNormalized(text, Normalizer.Form.NFC) ? Normalizer.normalize(text, Normalizer.Form.NFC) : text;
        if (!stripControl && !normalizeWhitespace) return s;
        StringBuilder out = new StringBuilder(s.length());
        StringBuilder indent = new StringBuilder(); // leading spaces/tabs of the current line, kept if text follows
        boolean atLineStart = true;
        boolean pendingSpace = false; // a run of spaces inside a line, emitted only if text follows
        int newlines = 0;             // newlines since the last visible character
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '\n') continue;
                c = '\n';
            }
            if (stripControl && c != '\n' && c != '\t' && isRemovable(c)) continue;
            if (!normalizeWhitespace) {
                out.append(c);
                continue;
            }
            if (c == '\n') {
                newlines++;
                indent.setLength(0);
                pendingSpace = false;
                atLineStart = true;
            } else if (c == ' ' || c == '\t' || c == '\u000B' || c == '\u000C' || Character.getType(c) == Character.SPACE_SEPARATOR) {
                if (atLineStart) indent.append(c == '\t' ? '\t' : ' ');
                else pendingSpace = true;
            } else {
                if (out.length() > 0) {
                    if (newlines > 0) out.append(newlines >= 2 ? "\n\n" : "\n");
                    if (atLineStart) out.append(indent);
                    else if (pendingSpace) out.append(' ');
                }
                newlines = 0;
                indent.setLength(0);
                pendingSpace = false;
                atLineStart = false;
                int j = i + 1;
                while (j < s.length() && isPlain(s.charAt(j))) j++; // copy the run of ordinary characters at once
                out.append(s, i, j);
                i = j - 1;
            }
        }
        return out.toString();
    }

    /** Visible characters that no cleaning step changes (most text): ASCII printables, and non-space, non-control above U+00A0. */
    private static boolean isPlain(char c) {
        return (c > ' ' && c < 0x7F) || (c > 0xA0 && c != '\uFEFF' && c != '\u2028' && c != '\u2029' && c != '\u3000'
                && (c < 0x2000 || c > 0x200A) && c != '\u202F' && c != '\u205F' && c != '\u1680');
    }

    /** C0/C1 controls, plus the BOM / zero-width no-break space that editors leave behind. */
    private static boolean isRemovable(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\uFEFF';
    }
}

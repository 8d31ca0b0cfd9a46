package rlhf4j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes stored comparisons as the preference JSONL the reward stage reads (DESIGN.md):
 * pairwise {@code {"prompt","chosen","rejected"}}, one line per (best, other) pair, or K-wise
 * {@code {"prompt","responses","ranking"}}. A comparison only says which answer was best, so its
 * full ranking is known only for two answers: K-wise lines are written for two-answer comparisons
 * and the rest are counted as skipped. Ties and "both bad" carry no preference and are skipped
 * (and counted). Ratings (thumbs) go out as {@code {"prompt","completion","label"}} (TRL's
 * unpaired format).
 */
public final class FeedbackExport {
    private FeedbackExport() {}

    public enum Format { PAIRWISE, KWISE }

    /** What an export wrote and what it left out, and why. */
    public record Summary(int comparisons, int lines, int ties, int bothBad, int moreThanTwo) {
        @Override public String toString() {
            return comparisons + " comparisons -> " + lines + " lines; skipped: " + ties + " ties, " + bothBad
                    + " both bad" + (moreThanTwo > 0 ? ", " + moreThanTwo + " with more than two answers (K-wise needs a full ranking)" : "");
        }
    }

    public static Summary comparisons(List<FeedbackStore.Comparison> comparisons, Format format, Writer out) throws IOException {
        int lines = 0, ties = 0, bad = 0, wide = 0;
        for (FeedbackStore.Comparison c : comparisons) {
            switch (c.outcome()) {
                case TIE -> { ties++; continue; }
                case BOTH_BAD -> { bad++; continue; }
                case BEST -> { }
            }
            JsonNode prompt = promptValue(c.prompt());
            List<FeedbackStore.Response> rs = c.responses();
            int best = c.bestIndex();
            if (format == Format.PAIRWISE) {
                for (int j = 0; j < rs.size(); j++) {
                    if (j == best) continue;
                    ObjectNode line = Json.MAPPER.createObjectNode();
                    line.set("prompt", prompt);
                    line.put("chosen", rs.get(best).content());
                    line.put("rejected", rs.get(j).content());
                    out.write(line + "\n");
                    lines++;
                }
            } else {
                if (rs.size() != 2) { wide++; continue; }
                ObjectNode line = Json.MAPPER.createObjectNode();
                line.set("prompt", prompt);
                line.putArray("responses").add(rs.get(0).content()).add(rs.get(1).content());
                line.putArray("ranking").add(best).add(1 - best);
                out.write(line + "\n");
                lines++;
            }
        }
        return new Summary(comparisons.size(), lines, ties, bad, wide);
    }

    /** Thumbs as {"prompt": [messages], "completion": answer, "label": true|false}; returns the lines written. */
    public static int ratings(List<FeedbackStore.Rating> ratings, Writer out) throws IOException {
        for (FeedbackStore.Rating r : ratings) {
            ObjectNode line = Json.MAPPER.createObjectNode();
            line.set("prompt", promptValue(r.messages()));
            line.put("completion", r.response());
            line.put("label", r.rating() > 0);
            out.write(line + "\n");
        }
        return ratings.size();
    }

    /** The stored prompt is JSON text (a string or a message list); a value that is not JSON is taken as plain text. */
    private static JsonNode promptValue(String stored) {
        try {
            return Json.MAPPER.readTree(stored);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(stored);
        }
    }
}

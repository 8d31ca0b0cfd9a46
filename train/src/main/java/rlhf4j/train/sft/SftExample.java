package rlhf4j.train.sft;

import java.util.List;
import rlhf4j.tokenizer.ChatTemplate;

/**
 * One rendered conversation as next-token pairs: ids[t] predicts targets[t]; a target is
 * {@link #IGNORE} unless it is an assistant token or the {@code <|end|>} that closes an assistant turn.
 *
 * @param truncated the conversation was longer than a row and lost its tail
 */
public record SftExample(int[] ids, int[] targets, boolean truncated) {
    /** The target that carries no loss. */
    public static final int IGNORE = -1;

    public int length() {
        return ids.length;
    }

    /** Renders with the chat template and shifts by one: a conversation of L tokens gives L-1 pairs, at most maxLen. */
    public static SftExample of(ChatTemplate template, List<ChatTemplate.Message> messages, int maxLen) {
        ChatTemplate.Rendered r = template.render(messages);
        int[] tokens = r.ids();
        int n = Math.min(tokens.length - 1, maxLen);
        int[] ids = new int[n], targets = new int[n];
        for (int t = 0; t < n; t++) {
            ids[t] = tokens[t];
            targets[t] = r.lossMask()[t + 1] ? tokens[t + 1] : IGNORE;
        }
        return new SftExample(ids, targets, tokens.length - 1 > maxLen);
    }

    /** How many targets carry loss. */
    public int trainedTokens() {
        int c = 0;
        for (int t : targets) if (t != IGNORE) c++;
        return c;
    }
}

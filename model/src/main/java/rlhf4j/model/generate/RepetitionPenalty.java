package rlhf4j.model.generate;

/**
 * The CTRL repetition penalty (Keskar et al. 2019, §4.1) as Hugging Face applies it: every token
 * already present in a row (its prompt and what it generated so far) has its logit divided by θ
 * when positive and multiplied by θ when negative, so θ > 1 makes repeats less likely.
 */
final class RepetitionPenalty {
    private final float theta;
    private final int vocab;
    private final boolean[] seen;      // [B · V]
    private final int[][] seenList;    // per row, the distinct tokens in order of first appearance
    private final int[] seenCount;

    RepetitionPenalty(float theta, int[][] prompts, int vocab) {
        this.theta = theta;
        this.vocab = vocab;
        this.seen = new boolean[prompts.length * vocab];
        this.seenList = new int[prompts.length][16];
        this.seenCount = new int[prompts.length];
        for (int b = 0; b < prompts.length; b++) for (int t : prompts[b]) see(b, t);
    }

    void see(int row, int token) {
        if (token < 0 || token >= vocab || seen[row * vocab + token]) return;
        seen[row * vocab + token] = true;
        if (seenCount[row] == seenList[row].length) seenList[row] = java.util.Arrays.copyOf(seenList[row], seenCount[row] * 2);
        seenList[row][seenCount[row]++] = token;
    }

    /** Rescales the seen tokens' logits of one row, in place. */
    void apply(float[] logits, int offset, int row) {
        int[] list = seenList[row];
        for (int i = 0; i < seenCount[row]; i++) {
            int at = offset + list[i];
            float l = logits[at];
            logits[at] = l > 0 ? l / theta : l * theta;
        }
    }
}

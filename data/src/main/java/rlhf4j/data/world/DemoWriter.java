package rlhf4j.data.world;

/**
 * Writes the world's SFT demonstrations, the answers a person would type for each question.
 *
 * <p>Real demonstration data is uneven: some writers answer straight, others wrap the answer in
 * chatter ("Good question! ... I hope that helps!"). A share {@code chatty} of the demonstrations
 * is written that way; the rest are the canonical sentence. The gold judge, like InstructGPT's
 * labelers, prefers the plain answer (chatter costs it form, concision and a clean stop, never
 * correctness), so an SFT model imitates a habit that preference data can train away. That is the
 * gap between demonstrating and judging which reward modelling and RL exist to close: a world whose
 * demonstrations were all perfect would leave them nothing but recall to improve.
 *
 * <p>The chatter uses no names, numbers, negations or world values, so it never changes whether an
 * answer is correct.
 */
final class DemoWriter {
    static final String[] OPENERS = {"Good question!", "Sure!", "Let me think.", "Happy to help!", "Here is what I know."};
    static final String[] CLOSERS = {"I hope that helps!", "Thanks for asking!", "Let me know if you have more questions.",
            "Anything else?"};

    private final double chatty;
    private final WorldRng rng;

    /** {@code chatty} in [0, 1]: the share of demonstrations padded with an opener, a closer or both. */
    DemoWriter(double chatty, WorldRng rng) {
        if (!(chatty >= 0 && chatty <= 1)) throw new IllegalArgumentException("chatty_demos must be in [0, 1], got " + chatty);
        this.chatty = chatty;
        this.rng = rng;
    }

    /** The demonstration for {@code q}: its canonical answer, padded when this writer is chatty. */
    String answer(Question q) {
        if (chatty == 0 || !rng.chance(chatty)) return q.answer();
        // an opener, a closer, or both, each equally likely
        int form = rng.nextInt(3);
        StringBuilder sb = new StringBuilder();
        if (form != 1) sb.append(rng.pick(OPENERS)).append(' ');
        sb.append(q.answer());
        if (form != 0) sb.append(' ').append(rng.pick(CLOSERS));
        return sb.toString();
    }
}

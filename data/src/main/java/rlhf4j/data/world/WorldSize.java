package rlhf4j.data.world;

import java.util.List;

/**
 * How big a world to generate: people (each with ~12 facts), towns, how many story/paraphrase
 * documents restate each person's facts, neutral filler documents, and the most held-out eval
 * questions to keep, and the share of SFT demonstrations whose writer pads the answer with chatter
 * ({@link DemoWriter}). Three presets; {@link #withPeople}, {@link #withRepeats} and
 * {@link #withChattyDemos} tune one.
 */
public record WorldSize(String name, int people, int towns, int repeats, int fillerDocs, int maxEval, double chattyDemos) {
    /** Tens of people; generates in well under a second; for tests and smoke runs (~14k tokens). */
    public static final WorldSize TINY = new WorldSize("tiny", 24, 5, 6, 20, 120, 0.4);
    /** The pipeline default (~140k tokens): learnable by a ~1–5M-parameter model on 2 cores. */
    public static final WorldSize DEFAULT = new WorldSize("default", 150, 12, 10, 300, 600, 0.4);
    /** Millions of tokens: keeps a 10–20M-parameter model busy. */
    public static final WorldSize LARGE = new WorldSize("large", 3000, 40, 14, 6000, 2000, 0.4);

    public WorldSize {
        if (people < 4) throw new IllegalArgumentException("a world needs at least 4 people, got " + people);
        if (towns < 2) throw new IllegalArgumentException("a world needs at least 2 towns, got " + towns);
        if (repeats < 1) throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        if (!(chattyDemos >= 0 && chattyDemos <= 1)) {
            throw new IllegalArgumentException("chatty_demos must be in [0, 1], got " + chattyDemos);
        }
    }

    public static WorldSize parse(String s) {
        for (WorldSize w : List.of(TINY, DEFAULT, LARGE)) if (w.name.equalsIgnoreCase(s)) return w;
        throw new IllegalArgumentException("unknown world size '" + s + "': use tiny, default or large");
    }

    public WorldSize withPeople(int n) {
        return new WorldSize(name + "+people=" + n, n, towns, repeats, fillerDocs, maxEval, chattyDemos);
    }

    public WorldSize withRepeats(int n) {
        return new WorldSize(name + "+repeats=" + n, people, towns, n, fillerDocs, maxEval, chattyDemos);
    }

    public WorldSize withChattyDemos(double share) {
        return new WorldSize(name + "+chatty=" + share, people, towns, repeats, fillerDocs, maxEval, share);
    }
}

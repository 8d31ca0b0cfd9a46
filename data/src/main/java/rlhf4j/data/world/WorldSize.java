package rlhf4j.data.world;

import java.util.List;

/**
 * How big a world to generate: people (each with ~12 facts), towns, how many story/paraphrase
 * documents restate each person's facts, neutral filler documents, and the most held-out eval
 * questions to keep. Three presets; {@link #withPeople} and {@link #withRepeats} tune one.
 */
public record WorldSize(String name, int people, int towns, int repeats, int fillerDocs, int maxEval) {
    /** Tens of people; generates in well under a second; for tests and smoke runs (~14k tokens). */
    public static final WorldSize TINY = new WorldSize("tiny", 24, 5, 6, 20, 120);
    /** The pipeline default (~140k tokens): learnable by a ~1–5M-parameter model on 2 cores. */
    public static final WorldSize DEFAULT = new WorldSize("default", 150, 12, 10, 300, 600);
    /** Millions of tokens: keeps a 10–20M-parameter model busy. */
    public static final WorldSize LARGE = new WorldSize("large", 3000, 40, 14, 6000, 2000);

    public WorldSize {
        if (people < 4) throw new IllegalArgumentException("a world needs at least 4 people, got " + people);
        if (towns < 2) throw new IllegalArgumentException("a world needs at least 2 towns, got " + towns);
        if (repeats < 1) throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
    }

    public static WorldSize parse(String s) {
        for (WorldSize w : List.of(TINY, DEFAULT, LARGE)) if (w.name.equalsIgnoreCase(s)) return w;
        throw new IllegalArgumentException("unknown world size '" + s + "': use tiny, default or large");
    }

    public WorldSize withPeople(int n) {
        return new WorldSize(name + "+people=" + n, n, towns, repeats, fillerDocs, maxEval);
    }

    public WorldSize withRepeats(int n) {
        return new WorldSize(name + "+repeats=" + n, people, towns, n, fillerDocs, maxEval);
    }
}

package rlhf4j.data.world;

/**
 * How big a world to generate. The knobs are the number of people (each with ~12 facts), towns,
 * how many times each fact is restated in the corpus, and how many held-out eval questions to keep.
 */
public enum WorldSize {
    /** Tens of people; generates in well under a second; for tests and smoke runs. */
    TINY(24, 5, 6, 20, 120),
    /** The pipeline default: a few hundred thousand tokens, learnable by a ~1–5M model on 2 cores. */
    DEFAULT(150, 12, 10, 300, 600),
    /** Several million tokens: keeps a 10–20M-parameter model busy. */
    LARGE(2000, 40, 12, 4000, 2000);

    public final int people;
    public final int towns;
    /** Story/paraphrase documents per person; each states most of that person's facts once. */
    public final int repeats;
    public final int fillerDocs;
    public final int maxEval;

    WorldSize(int people, int towns, int repeats, int fillerDocs, int maxEval) {
        this.people = people;
        this.towns = towns;
        this.repeats = repeats;
        this.fillerDocs = fillerDocs;
        this.maxEval = maxEval;
    }

    public static WorldSize parse(String s) {
        for (WorldSize w : values()) if (w.name().equalsIgnoreCase(s)) return w;
        throw new IllegalArgumentException("unknown world size '" + s + "': use tiny, default or large");
    }
}

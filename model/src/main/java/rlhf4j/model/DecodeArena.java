package rlhf4j.model;

import rlhf4j.tensor.Tape;

/**
 * The buffers of a decode loop outside this module (the server's scheduler): {@link Tape#arena()}
 * seen from the model. Open it after the KV cache is made; call {@link #nextStep} after a step's
 * logits are read and before the next forward, which then reuses the same buffers.
 */
public final class DecodeArena implements AutoCloseable {
    private final Tape.Arena arena = Tape.arena();

    private DecodeArena() {
    }

    public static DecodeArena open() {
        return new DecodeArena();
    }

    /** The logits and everything else the last forward made may be overwritten from here on. */
    public void nextStep() {
        arena.recycle();
    }

    @Override
    public void close() {
        arena.close();
    }
}

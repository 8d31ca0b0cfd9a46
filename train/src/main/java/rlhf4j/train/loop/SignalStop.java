package rlhf4j.train.loop;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGINT/SIGTERM into a polite stop request for the duration of a training run: the loop
 * finishes its step, writes a checkpoint, and returns. A second signal kills the process as usual.
 */
public final class SignalStop implements AutoCloseable {
    private final SignalHandler previousInt;
    private final SignalHandler previousTerm;

    private SignalStop(Runnable onStop) {
        SignalHandler[] prev = new SignalHandler[2];
        SignalHandler handler = sig -> {
            System.err.println("\n" + sig.getName() + " received: finishing this step and saving a checkpoint "
                    + "(signal again to kill)");
            onStop.run();
            restore(prev);
        };
        prev[0] = trySet("INT", handler);
        prev[1] = trySet("TERM", handler);
        previousInt = prev[0];
        previousTerm = prev[1];
    }

    public static SignalStop install(Runnable onStop) {
        return new SignalStop(onStop);
    }

    private static SignalHandler trySet(String name, SignalHandler h) {
        try {
            return Signal.handle(new Signal(name), h);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return null; // signal not available here (e.g. some test runners): no graceful stop for it
        }
    }

    private static void restore(SignalHandler[] prev) {
        if (prev[0] != null) trySet("INT", prev[0]);
        if (prev[1] != null) trySet("TERM", prev[1]);
    }

    @Override
    public void close() {
        restore(new SignalHandler[] {previousInt, previousTerm});
    }
}

package rlhf4j.data.prepare;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress display on stderr: MB read, MB/s, documents kept. Redraws in place twice a
 * second on a terminal; elsewhere (logs, CI) prints a plain line every 10 seconds.
 */
final class Progress implements AutoCloseable {
    private final PrintStream out;
    private final LongSupplier bytes;
    private final LongSupplier kept;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private final Thread thread;

    Progress(PrintStream out, LongSupplier bytes, LongSupplier kept) {
        this.out = out;
        this.bytes = bytes;
        this.kept = kept;
        var console = System.console();
        this.terminal = console != null && console.isTerminal();
        long periodMs = terminal ? 500 : 10_000;
        this.thread = Thread.ofPlatform().name("data-progress").daemon().start(() -> {
            try {
                while (true) {
                    Thread.sleep(periodMs);
                    draw(false);
                }
            } catch (InterruptedException e) {
                // closing
            }
        });
    }

    private synchronized void draw(boolean last) {
        double secs = (System.nanoTime() - start) / 1e9;
        double mb = bytes.getAsLong() / 1e6;
        String line = String.format(Locale.ROOT, "read %,.1f MB  %.1f MB/s  kept %,d docs  %.0f s", mb, mb / Math.max(secs, 1e-9), kept.getAsLong(), secs);
        if (terminal) out.print("\r" + line + "   " + (last ? "\n" : ""));
        else out.println(line);
        out.flush();
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (terminal) draw(true);
    }
}

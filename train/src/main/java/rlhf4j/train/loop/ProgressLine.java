package rlhf4j.train.loop;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.DoubleFunction;

/**
 * One status line on stderr: step, loss, tokens/s and ETA. Redrawn in place on a terminal; on a
 * pipe or log file it prints a plain line at most every few seconds.
 */
public final class ProgressLine {
    private final String label;
    private final long total;
    private final PrintStream out = System.err;
    private final boolean terminal = System.console() != null;
    private final long startNanos = System.nanoTime();
    private final long firstStep;
    private long lastPrint;
    /** Text put before every line, given this line's ETA in seconds (NaN when unknown): e.g. the pipeline's stage and its overall ETA. */
    private static volatile DoubleFunction<String> context = eta -> "";

    /** Sets what every progress line starts with (the pipeline names its stage and the whole run's ETA). */
    public static void setContext(DoubleFunction<String> prefix) {
        context = prefix == null ? eta -> "" : prefix;
    }

    public ProgressLine(String label, long firstStep, long total) {
        this.label = label;
        this.firstStep = firstStep;
        this.total = total;
    }

    public void update(long step, String metrics) {
        long now = System.nanoTime();
        boolean last = step >= total;
        if (!last && now - lastPrint < (terminal ? 200_000_000L : 5_000_000_000L)) return;
        lastPrint = now;
        double elapsed = (now - startNanos) / 1e9;
        long done = step - firstStep;
        double eta = done > 0 ? elapsed / done * (total - step) : Double.NaN;
        int width = 24, filled = (int) (width * step / Math.max(1, total));
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        String line = context.apply(eta) + String.format("%s [%s] %d/%d %s | %s elapsed, ETA %s", label, bar, step, total, metrics,
                clock(elapsed), Double.isNaN(eta) ? "?" : clock(eta));
        if (terminal) {
            out.print("\r\033[K" + line);
            if (last) out.println();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Prints a line of its own without breaking the bar. */
    public void note(String text) {
        if (terminal) out.print("\r\033[K");
        out.println(text);
        out.flush();
    }

    public static String clock(double seconds) {
        Duration d = Duration.ofSeconds((long) seconds);
        return d.toHours() > 0 ? String.format("%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}

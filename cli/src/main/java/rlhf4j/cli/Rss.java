package rlhf4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak resident memory of this process, as the peer reports it (Linux's VmHWM). */
final class Rss {
    private Rss() {
    }

    /** Peak RSS in MiB, or -1 where /proc is not available. */
    static long peakMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}

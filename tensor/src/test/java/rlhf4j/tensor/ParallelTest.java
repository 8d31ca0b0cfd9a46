package rlhf4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    @Test
    void everyTaskRunsExactlyOnceAcrossManySplits() {
        Parallel.setThreads(2);
        for (int round = 0; round < 2000; round++) {
            int tasks = 1 + round % 17;
            AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
            Parallel.forEach(tasks, runs::incrementAndGet);
            for (int i = 0; i < tasks; i++) assertThat(runs.get(i)).as("round %d task %d", round, i).isEqualTo(1);
        }
    }

    @Test
    void splitsAfterTheWorkersParkStillComplete() throws InterruptedException {
        Parallel.setThreads(2);
        for (int round = 0; round < 5; round++) {
            Thread.sleep(5); // long enough for the workers to stop spinning and park
            AtomicIntegerArray runs = new AtomicIntegerArray(8);
            Parallel.forEach(8, runs::incrementAndGet);
            for (int i = 0; i < 8; i++) assertThat(runs.get(i)).isEqualTo(1);
        }
    }

    @Test
    void aTasksExceptionReachesTheCallerAndThePoolKeepsWorking() {
        Parallel.setThreads(2);
        assertThatThrownBy(() -> Parallel.forEach(4, i -> {
            if (i == 3) throw new IllegalArgumentException("task 3 failed");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("task 3 failed");
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        Parallel.forEach(4, runs::incrementAndGet);
        for (int i = 0; i < 4; i++) assertThat(runs.get(i)).isEqualTo(1);
    }

    @Test
    void nestedAndConcurrentSplitsRunInline() throws InterruptedException {
        Parallel.setThreads(2);
        long[] sums = new long[4];
        Thread[] callers = new Thread[4];
        for (int c = 0; c < callers.length; c++) {
            int caller = c;
            callers[c] = new Thread(() -> {
                for (int round = 0; round < 200; round++) {
                    AtomicIntegerArray inner = new AtomicIntegerArray(6 * 5);
                    Parallel.forEach(6, i -> Parallel.forEach(5, j -> inner.incrementAndGet(i * 5 + j)));
                    for (int x = 0; x < inner.length(); x++) sums[caller] += inner.get(x);
                }
            });
            callers[c].start();
        }
        for (Thread t : callers) t.join();
        for (long s : sums) assertThat(s).isEqualTo(200L * 30);
    }

    @Test
    void changingTheThreadCountReplacesThePool() {
        for (int n : new int[] {1, 2, 3, 2}) {
            Parallel.setThreads(n);
            assertThat(Parallel.threads()).isEqualTo(n);
            AtomicIntegerArray runs = new AtomicIntegerArray(10);
            Parallel.forEach(10, runs::incrementAndGet);
            for (int i = 0; i < 10; i++) assertThat(runs.get(i)).isEqualTo(1);
        }
        assertThatThrownBy(() -> Parallel.setThreads(0)).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.scenecache.bench;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * How long the machine itself stalls, measured the way jHiccup does: a thread that asks to sleep 1 ms,
 * over and over, and records how much later than that it woke up. Samples missed during a stall are
 * filled in ({@link Recorder#recordValueWithExpectedInterval}), so a percentile here is what an
 * operation arriving at a random moment would wait for the platform alone (kernel threads, other
 * processes, the hypervisor), and compares directly with a request latency percentile at a fixed rate.
 *
 * <p>
 * It runs in the load generator's JVM for the whole benchmark (a daemon thread); {@link #take()} returns
 * the stalls since the previous call. It needs no CPU to speak of (one wake-up per millisecond).
 */
final class Hiccups {

    private static final long INTERVAL_MICROS = 1_000;

    private final Recorder recorder = new Recorder(TimeUnit.SECONDS.toMicros(30), 3);

    Hiccups() {
        Thread thread = new Thread(this::run, "hiccup-meter");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (true) {
            long start = System.nanoTime();
            try {
                TimeUnit.MICROSECONDS.sleep(INTERVAL_MICROS);
            } catch (InterruptedException e) {
                return;
            }
            long overshoot = (System.nanoTime() - start) / 1_000 - INTERVAL_MICROS;
            recorder.recordValueWithExpectedInterval(Math.max(0, overshoot), INTERVAL_MICROS);
        }
    }

    /** The stalls recorded since the last call (microseconds). */
    Histogram take() {
        return recorder.getIntervalHistogram();
    }
}

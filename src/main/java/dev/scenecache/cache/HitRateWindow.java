package dev.scenecache.cache;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Hits and misses over the last {@code cache.health.window}: totals since start (they only grow) are
 * sampled every 10 s into a bounded ring; the window's figure is "now" minus the oldest sample inside the
 * window. A stats reset restarts it with the counters.
 */
final class HitRateWindow {

    static final long SAMPLE_EVERY_MILLIS = 10_000;

    private record Sample(long atMillis, long hits, long misses) {
    }

    private final Duration span;
    private final CacheStats stats;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private final int maxSamples;

    HitRateWindow(Duration span, CacheStats stats) {
        this.span = span;
        this.stats = stats;
        this.maxSamples = (int) Math.min(10_000, span.toMillis() / SAMPLE_EVERY_MILLIS + 2);
        restart();
    }

    CacheMonitor.Window now() {
        long now = System.currentTimeMillis();
        long[] totals = totals();
        Sample base;
        synchronized (samples) {
            base = samples.peekLast();
            for (Sample s : samples) {
                if (s.atMillis() >= now - span.toMillis()) {
                    base = s;
                    break;
                }
            }
        }
        return new CacheMonitor.Window(Duration.ofMillis(now - base.atMillis()), totals[0] - base.hits(),
                totals[1] - base.misses());
    }

    void restart() {
        long[] totals = totals();
        synchronized (samples) {
            samples.clear();
            samples.addLast(new Sample(System.currentTimeMillis(), totals[0], totals[1]));
        }
    }

    void sample() {
        long[] totals = totals();
        synchronized (samples) {
            samples.addLast(new Sample(System.currentTimeMillis(), totals[0], totals[1]));
            while (samples.size() > maxSamples) {
                samples.removeFirst();
            }
        }
    }

    private long[] totals() {
        long hits = 0;
        long misses = 0;
        for (CacheStats.Snapshot s : stats.sinceStart().values()) {
            hits += s.hits();
            misses += s.misses();
        }
        return new long[] { hits, misses };
    }
}

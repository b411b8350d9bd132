package dev.scenecache.cache;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Counters of every cache, and their Micrometer meters.
 *
 * <p>
 * The counters only grow, as Prometheus counters must: the meters read them directly. A reset
 * ({@code POST /admin/cache/stats/reset}) takes a baseline instead, and {@link #sinceReset} answers
 * the difference, so the admin figures start again from zero while the metrics stay monotonic.
 *
 * <p>
 * Meters follow Micrometer's cache conventions ({@code cache.gets{cache,result}}, {@code cache.puts},
 * {@code cache.evictions}) with a {@code tier} tag on gets: {@code l1} or {@code l2} for hits,
 * {@code none} for misses; answers from expired entries while the database was down count as
 * {@code result=stale} (not as hits nor misses), and refresh-ahead reloads as {@code cache.refreshes{result}}.
 */
@ApplicationScoped
public class CacheStats {

    /** The counters of one cache, since start. */
    public static final class Counters {
        public final LongAdder l1Hits = new LongAdder();
        public final LongAdder l2Hits = new LongAdder();
        public final LongAdder misses = new LongAdder();
        public final LongAdder bypasses = new LongAdder();
        public final LongAdder errors = new LongAdder();
        public final LongAdder loads = new LongAdder();
        public final LongAdder loadNanos = new LongAdder();
        public final LongAdder puts = new LongAdder();
        public final LongAdder fillsRejected = new LongAdder();
        public final LongAdder tooLarge = new LongAdder();
        public final LongAdder evictions = new LongAdder();
        /** Answers from expired entries while the database was unavailable (stale-if-error). */
        public final LongAdder stale = new LongAdder();
        /** Refresh-ahead reloads started (this instance held the lease), landed, overtaken by a write, failed. */
        public final LongAdder refreshes = new LongAdder();
        public final LongAdder refreshesLanded = new LongAdder();
        public final LongAdder refreshesRejected = new LongAdder();
        public final LongAdder refreshFailures = new LongAdder();
        private final Timer loadTimer;

        Counters(Timer loadTimer) {
            this.loadTimer = loadTimer;
        }

        /** One load from the source (a miss or a bypass) that took {@code nanos}. */
        public void loaded(long nanos) {
            loads.increment();
            loadNanos.add(nanos);
            if (loadTimer != null) {
                loadTimer.record(nanos, TimeUnit.NANOSECONDS);
            }
        }

        Snapshot snapshot() {
            return new Snapshot(l1Hits.sum(), l2Hits.sum(), misses.sum(), bypasses.sum(), errors.sum(), loads.sum(),
                    loadNanos.sum(), puts.sum(), fillsRejected.sum(), tooLarge.sum(), evictions.sum(), stale.sum(),
                    refreshes.sum(), refreshFailures.sum());
        }
    }

    /** The counters of one cache at one moment, or between two moments. */
    public record Snapshot(long l1Hits, long l2Hits, long misses, long bypasses, long errors, long loads,
            long loadNanos, long puts, long fillsRejected, long tooLarge, long evictions, long stale, long refreshes,
            long refreshFailures) {

        public static final Snapshot ZERO = new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        public long hits() {
            return l1Hits + l2Hits;
        }

        /** Hits among hits and misses, in percent; 0 when there were none. Bypasses do not count. */
        public double hitRate() {
            long lookups = hits() + misses;
            return lookups == 0 ? 0.0 : 100.0 * hits() / lookups;
        }

        public double loadMillisAvg() {
            return loads == 0 ? 0.0 : loadNanos / 1e6 / loads;
        }

        public Snapshot minus(Snapshot o) {
            return new Snapshot(l1Hits - o.l1Hits, l2Hits - o.l2Hits, misses - o.misses, bypasses - o.bypasses,
                    errors - o.errors, loads - o.loads, loadNanos - o.loadNanos, puts - o.puts,
                    fillsRejected - o.fillsRejected, tooLarge - o.tooLarge, evictions - o.evictions, stale - o.stale,
                    refreshes - o.refreshes, refreshFailures - o.refreshFailures);
        }

        public Snapshot plus(Snapshot o) {
            return new Snapshot(l1Hits + o.l1Hits, l2Hits + o.l2Hits, misses + o.misses, bypasses + o.bypasses,
                    errors + o.errors, loads + o.loads, loadNanos + o.loadNanos, puts + o.puts,
                    fillsRejected + o.fillsRejected, tooLarge + o.tooLarge, evictions + o.evictions, stale + o.stale,
                    refreshes + o.refreshes, refreshFailures + o.refreshFailures);
        }
    }

    private final Map<String, Counters> byCache = new ConcurrentHashMap<>();
    /** When a stale answer (stale-if-error) was last given, epoch ms; 0: never. */
    private volatile long lastStaleMillis;
    private final Map<String, Snapshot> baselines = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private volatile long resetAtMillis = System.currentTimeMillis();

    public CacheStats(MeterRegistry registry) {
        this.registry = registry;
        CacheNames.ALL.forEach(this::of);
    }

    public Counters of(String cache) {
        Counters existing = byCache.get(cache);
        return existing != null ? existing : byCache.computeIfAbsent(cache, this::register);
    }

    /** The counters of every cache since start. */
    public Map<String, Snapshot> sinceStart() {
        Map<String, Snapshot> all = new TreeMap<>();
        byCache.forEach((cache, counters) -> all.put(cache, counters.snapshot()));
        return all;
    }

    /** The counters of every cache since the last reset (or start). */
    public Map<String, Snapshot> sinceReset() {
        Map<String, Snapshot> all = sinceStart();
        all.replaceAll((cache, now) -> now.minus(baselines.getOrDefault(cache, Snapshot.ZERO)));
        return all;
    }

    /** Counts a stale answer (stale-if-error) of {@code cache}. */
    public void staleAnswer(Counters counters) {
        counters.stale.increment();
        lastStaleMillis = System.currentTimeMillis();
    }

    /** A source answered (the database is back, as far as this cache can tell). */
    public void sourceAnswered() {
        if (lastStaleMillis != 0) {
            lastStaleMillis = 0;
        }
    }

    /** When a stale answer was last given, epoch ms, if no source has answered since; else 0. */
    public long lastStaleMillis() {
        return lastStaleMillis;
    }

    public long resetAtMillis() {
        return resetAtMillis;
    }

    /** The admin figures start again from zero; the meters do not move. */
    public synchronized void reset() {
        byCache.forEach((cache, counters) -> baselines.put(cache, counters.snapshot()));
        resetAtMillis = System.currentTimeMillis();
    }

    private Counters register(String cache) {
        if (registry == null) {
            return new Counters(null);
        }
        Timer load = Timer.builder("cache.load")
                .description("Time to load a value from its source (PostgreSQL, the AI provider, the compiler)")
                .tag("cache", cache)
                .publishPercentiles(0.5, 0.95, 0.99)
                .distributionStatisticExpiry(Duration.ofMinutes(2))
                .register(registry);
        Counters c = new Counters(load);
        gets(cache, "hit", "l1", c.l1Hits);
        gets(cache, "hit", "l2", c.l2Hits);
        gets(cache, "miss", "none", c.misses);
        // Its own result: dashboards that sum result="hit" and result="miss" count each lookup once.
        gets(cache, "stale", "any", c.stale);
        refreshes(cache, "started", c.refreshes);
        refreshes(cache, "landed", c.refreshesLanded);
        refreshes(cache, "rejected", c.refreshesRejected);
        refreshes(cache, "failed", c.refreshFailures);
        counter("cache.puts", cache, "Entries stored in Redis after a load", c.puts);
        counter("cache.evictions", cache, "Entries evicted from the in-process tier for lack of room", c.evictions);
        counter("cache.errors", cache, "Cache operations that failed (Redis errors, timeouts, undecodable values)",
                c.errors);
        counter("cache.bypasses", cache, "Reads sent straight to the source: caching off or Redis unavailable",
                c.bypasses);
        counter("cache.fills.rejected", cache, "Fills refused because a write overtook the load", c.fillsRejected);
        counter("cache.too.large", cache, "Values not cached because they exceed cache.max-entry-bytes", c.tooLarge);
        return c;
    }

    private void gets(String cache, String result, String tier, LongAdder adder) {
        FunctionCounter.builder("cache.gets", adder, LongAdder::sum)
                .description("Cache lookups: hits per tier, and misses that went to the source")
                .tags("cache", cache, "result", result, "tier", tier)
                .register(registry);
    }

    private void refreshes(String cache, String result, LongAdder adder) {
        FunctionCounter.builder("cache.refreshes", adder, LongAdder::sum)
                .description("Refresh-ahead reloads: started (this instance took the lease), landed, rejected"
                        + " (a write overtook it), failed")
                .tags("cache", cache, "result", result)
                .register(registry);
    }

    private void counter(String name, String cache, String description, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(description).tag("cache", cache)
                .register(registry);
    }
}

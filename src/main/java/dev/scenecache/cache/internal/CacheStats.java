package dev.scenecache.cache.internal;

import dev.scenecache.cache.CacheNames;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of every cache since start (or the last reset). */
@ApplicationScoped
public class CacheStats {

    /** The counters of one cache. */
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

        void reset() {
            for (LongAdder a : new LongAdder[] {l1Hits, l2Hits, misses, bypasses, errors, loads, loadNanos, puts,
                    fillsRejected, tooLarge}) {
                a.reset();
            }
        }
    }

    private final Map<String, Counters> byCache = new ConcurrentHashMap<>();

    public CacheStats() {
        CacheNames.ALL.forEach(name -> byCache.put(name, new Counters()));
    }

    public Counters of(String cache) {
        return byCache.computeIfAbsent(cache, c -> new Counters());
    }

    public Map<String, Counters> all() {
        return byCache;
    }

    public void reset() {
        byCache.values().forEach(Counters::reset);
    }
}

package dev.scenecache.cache.local;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheStats;
import dev.scenecache.cache.analytics.KeyHistory;
import dev.scenecache.cache.coherence.Coherence;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * L1: decoded values in process (Caffeine), bounded by entries and by the bytes of their encoded form.
 *
 * <p>
 * Entries enter only through {@link #putIfUnchanged}, which refuses a value read before the last
 * invalidation of its key that this instance applied: a reader that loaded the old value and an
 * invalidation that overtook it can never leave the old value here. The invalidations are counted per
 * stripe of keys (by hash), and group or whole-cache invalidations count in every stripe; a fill is
 * refused only when its own stripe moved, so a busy write stream on other keys does not keep hot
 * keys out of L1 (a single counter for all keys did, at a few hundred writes per second). Whether L1 may
 * be used at all (caching on, the invalidation subscription proven alive) is decided by {@link Coherence}.
 *
 * <p>
 * It also holds the loads in flight (one per key, shared by concurrent readers). An invalidation
 * detaches the key's load too: a reader that arrives after a write has been acknowledged must start
 * a load of its own, never join one that may have read the old value.
 */
@ApplicationScoped
// Caffeine instantiates the cache and node classes generated for this builder's options by reflection; a
// native image must keep them (the JVM finds them anyway). Other options name other classes.
@RegisterForReflection(classNames = { "com.github.benmanes.caffeine.cache.SSLMWA",
        "com.github.benmanes.caffeine.cache.PSWMW" })
public class L1Tier {

    /**
     * A cached value, or a not-found answer ({@code negative}) with its detail, with the times of its
     * Redis entry (epoch ms): a hit only before {@code freshUntil}; kept until {@code keepUntil} (the
     * end of its stale-if-error grace, or {@code freshUntil} when it has none), and never longer than
     * {@code cache.l1.ttl}.
     */
    public record Entry(Object value, boolean negative, String detail, int weight, long storedAt, long freshUntil,
            long keepUntil) {

        public boolean freshAt(long nowMillis) {
            return nowMillis < freshUntil;
        }
    }

    private final Cache<CacheKey, Entry> cache;
    private final ConcurrentHashMap<CacheKey, Uni<?>> loads = new ConcurrentHashMap<>();
    private static final int STRIPES = 4096; // a power of two
    private final AtomicLongArray invalidations = new AtomicLongArray(STRIPES);

    private final KeyHistory history;
    private final long maxMillis;

    public L1Tier(CacheConfig config, CacheStats stats, KeyHistory history) {
        this.history = history;
        this.maxMillis = config.l1().ttl().toMillis();
        // Caffeine bounds by weight or by count, not both: every entry weighs at least its share of the
        // weight budget, so the count can never pass max-entries while the bytes stay within budget.
        long maxNanos = config.l1().ttl().toNanos();
        int floor = (int) Math.max(1, config.l1().maxWeightBytes() / Math.max(1, config.l1().maxEntries()));
        this.cache = Caffeine.newBuilder()
                .maximumWeight(config.l1().maxWeightBytes())
                .weigher((CacheKey k, Entry e) -> Math.max(e.weight(), floor))
                // An entry never outlives its Redis entry: the cache's TTL (and grace) bound both tiers.
                .expireAfter(Expiry.<CacheKey, Entry> writing((k, e) -> Duration.ofNanos(Math.max(1,
                        Math.min(maxNanos, (e.keepUntil() - System.currentTimeMillis()) * 1_000_000L)))))
                .removalListener((k, v, cause) -> {
                    if (k != null && cause == RemovalCause.SIZE) {
                        stats.of(k.cache()).evictions.increment();
                        history.leftL1(k, true);
                    } else if (k != null && cause == RemovalCause.EXPIRED) {
                        history.leftL1(k, false);
                    }
                })
                .executor(Runnable::run)
                .build();
    }

    public Entry get(CacheKey key) {
        return cache.getIfPresent(key);
    }

    /** The key's invalidation counter; read it before loading, hand it to {@link #putIfUnchanged}. */
    public long stamp(CacheKey key) {
        return invalidations.get(stripe(key));
    }

    /**
     * Stores the entry unless an invalidation of its key was applied since {@code stamp} was read. The
     * check and the store are one step under the key's lock: storing first and removing after a failed
     * check (as this did) let a concurrent reader see the old value in between, after the write that
     * invalidated it had been acknowledged. An invalidation that bumps the counter after the check
     * removes the entry itself (it takes the same lock after its bump).
     */
    public void putIfUnchanged(CacheKey key, Entry entry, long stamp) {
        int stripe = stripe(key);
        boolean[] kept = new boolean[1];
        cache.asMap().compute(key, (k, current) -> {
            kept[0] = invalidations.get(stripe) == stamp;
            return kept[0] ? entry : current;
        });
        if (kept[0]) {
            history.keptInL1(key, entry.storedAt(), entry.freshUntil(),
                    Math.min(entry.keepUntil(), System.currentTimeMillis() + maxMillis));
        }
    }

    /**
     * The load of {@code key} in flight, or a new one from {@code start}; the load leaves the registry
     * when it ends (or earlier, when the key is invalidated).
     */
    @SuppressWarnings("unchecked")
    public <T> Uni<T> sharedLoad(CacheKey key, Supplier<Uni<T>> start) {
        Uni<T> existing = (Uni<T>) loads.get(key);
        if (existing != null) {
            return existing;
        }
        Uni<T>[] self = new Uni[1];
        self[0] = start.get().onTermination().invoke(() -> loads.remove(key, self[0])).memoize().indefinitely();
        Uni<T> raced = (Uni<T>) loads.putIfAbsent(key, self[0]);
        return raced != null ? raced : self[0];
    }

    public void invalidate(CacheKey key) {
        invalidations.incrementAndGet(stripe(key));
        history.invalidated(key);
        loads.remove(key);
        cache.invalidate(key);
    }

    /** Drops every entry of a group (a project, a user). */
    public void invalidateGroup(String group) {
        invalidateAllStripes();
        history.invalidatedGroup(group);
        loads.keySet().removeIf(k -> k.group().equals(group));
        cache.asMap().keySet().removeIf(k -> k.group().equals(group));
    }

    /** Drops every entry of a cache (a flush). */
    public void invalidateCache(String name) {
        invalidateAllStripes();
        history.invalidatedCache(name);
        loads.keySet().removeIf(k -> k.cache().equals(name));
        cache.asMap().keySet().removeIf(k -> k.cache().equals(name));
    }

    public void clear() {
        invalidateAllStripes();
        history.invalidatedAll();
        loads.clear();
        cache.invalidateAll();
    }

    private void invalidateAllStripes() {
        for (int i = 0; i < STRIPES; i++) {
            invalidations.incrementAndGet(i);
        }
    }

    static int stripe(CacheKey key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    public long size() {
        return cache.estimatedSize();
    }

    /** The weight of the entries held: about the bytes of their encoded form. */
    public long weightedSize() {
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }
}

package dev.scenecache.cache.analytics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What this instance last saw of each key, to tell why a tier missed it ({@link MissCause}): when its entry
 * was stored (an ordering sequence and the entry's times), a hash of its content, until when L1 could keep
 * it and whether L1 dropped it for room or age, and the last invalidation applied to it, its group, its
 * cache or everything.
 *
 * <p>
 * Bounded: at most {@code cache.analytics.tracked-keys} keys and as many groups (least recently used go
 * first; a forgotten key's next miss counts as {@link MissCause#COLD}). Group and cache invalidations cost
 * one map entry each, never a pass over the keys. Only ids and hashes are kept, never content. Per
 * instance: another instance's fills and invalidations are seen only when this one reads or applies them.
 */
// Caffeine creates the classes generated for these builder options by reflection: a native image keeps them.
@RegisterForReflection(classNames = { "com.github.benmanes.caffeine.cache.SSMS",
        "com.github.benmanes.caffeine.cache.PSMS" })
@Singleton
public class KeyHistory {

    static final byte IN_L1 = 0;
    static final byte L1_EVICTED = 1;
    static final byte L1_EXPIRED = 2;

    /** The last entry of a key seen, and what happened to it since. */
    record Trace(long storedSeq, long storedAt, long freshUntil, int hash, long l1Until, byte l1Gone,
            long invalidatedSeq, long invalidatedAt) {
    }

    /** When a group, a cache or everything was last invalidated. */
    private record Mark(long seq, long at) {
        static final Mark NEVER = new Mark(0, 0);
    }

    /** An ended entry's story, for the TTL's fit: how long it lived, and its content's hash (0: unknown). */
    public record Ending(MissCause cause, long storedAt, long freshUntil, long endedAt, int hash) {
        static Ending of(MissCause cause) {
            return new Ending(cause, 0, 0, 0, 0);
        }
    }

    private final AtomicLong sequence = new AtomicLong();
    private final Cache<CacheKey, Trace> traces;
    private final Cache<String, Mark> groups;
    private final Map<String, Mark> caches = new ConcurrentHashMap<>();
    private volatile Mark everything = Mark.NEVER;

    private final boolean enabled;

    @Inject
    public KeyHistory(CacheConfig config) {
        this(config.analytics().enabled() ? config.analytics().trackedKeys() : 0);
    }

    /** Remembers up to {@code trackedKeys} keys; 0: nothing (analytics off). */
    public KeyHistory(long trackedKeys) {
        this.enabled = trackedKeys > 0;
        this.traces = Caffeine.newBuilder().maximumSize(trackedKeys).executor(Runnable::run).build();
        this.groups = Caffeine.newBuilder().maximumSize(trackedKeys).executor(Runnable::run).build();
    }

    /** A point in this instance's order of events: read it when a read starts, hand it to {@link #stored}. */
    public long now() {
        return sequence.incrementAndGet();
    }

    /**
     * An entry of {@code key} found in or stored to Redis: read at {@code seq} ({@link #now}), stored at
     * {@code storedAt}, fresh until {@code freshUntil}, its content hashing to {@code hash}.
     */
    public void stored(CacheKey key, long seq, long storedAt, long freshUntil, int hash) {
        if (!enabled) {
            return;
        }
        traces.asMap().compute(key, (k, t) -> {
            if (t == null) {
                return new Trace(seq, storedAt, freshUntil, hash, 0, IN_L1, 0, 0);
            }
            if (t.storedSeq > seq) {
                return t; // a later event already told more
            }
            boolean same = t.storedAt == storedAt;
            // The key's last invalidation stays: one applied after `seq` ended this entry already.
            return new Trace(seq, storedAt, freshUntil, hash, same ? t.l1Until : 0, same ? t.l1Gone : IN_L1,
                    t.invalidatedSeq, t.invalidatedAt);
        });
    }

    /** L1 took an entry of {@code key} (of {@code storedAt}), to keep until {@code l1Until} at most. */
    public void keptInL1(CacheKey key, long storedAt, long freshUntil, long l1Until) {
        if (!enabled) {
            return;
        }
        traces.asMap().compute(key, (k, t) -> t != null && t.storedAt == storedAt
                ? new Trace(t.storedSeq, storedAt, freshUntil, t.hash, l1Until, IN_L1, t.invalidatedSeq,
                        t.invalidatedAt)
                : new Trace(sequence.incrementAndGet(), storedAt, freshUntil, 0, l1Until, IN_L1,
                        t == null ? 0 : t.invalidatedSeq, t == null ? 0 : t.invalidatedAt));
    }

    /** L1 dropped {@code key} for room ({@code evicted}) or age. */
    public void leftL1(CacheKey key, boolean evicted) {
        if (!enabled) {
            return;
        }
        traces.asMap().computeIfPresent(key, (k, t) -> new Trace(t.storedSeq, t.storedAt, t.freshUntil, t.hash,
                t.l1Until, evicted ? L1_EVICTED : L1_EXPIRED, t.invalidatedSeq, t.invalidatedAt));
    }

    public void invalidated(CacheKey key) {
        if (!enabled) {
            return;
        }
        long seq = sequence.incrementAndGet();
        long at = System.currentTimeMillis();
        // Kept for a key not seen stored yet too: it may end the load in flight (stored later, read before).
        traces.asMap().compute(key, (k, t) -> t == null ? new Trace(0, 0, 0, 0, 0, IN_L1, seq, at)
                : new Trace(t.storedSeq, t.storedAt, t.freshUntil, t.hash, t.l1Until, t.l1Gone, seq, at));
    }

    public void invalidatedGroup(String group) {
        if (!enabled) {
            return;
        }
        groups.put(group, new Mark(sequence.incrementAndGet(), System.currentTimeMillis()));
    }

    public void invalidatedCache(String cache) {
        if (!enabled) {
            return;
        }
        caches.put(cache, new Mark(sequence.incrementAndGet(), System.currentTimeMillis()));
    }

    public void invalidatedAll() {
        if (!enabled) {
            return;
        }
        everything = new Mark(sequence.incrementAndGet(), System.currentTimeMillis());
    }

    /**
     * Why L1 held no fresh entry of {@code key} at {@code now} (epoch ms), L1 being usable;
     * {@code expiredEntry}: it held one past its TTL.
     */
    public MissCause l1Miss(CacheKey key, boolean expiredEntry, long now) {
        if (expiredEntry) {
            return MissCause.EXPIRED;
        }
        Trace t = traces.getIfPresent(key);
        if (t == null || t.storedSeq == 0) {
            return MissCause.COLD;
        }
        if (t.l1Gone == L1_EVICTED) {
            return MissCause.EVICTED;
        }
        if (lastInvalidation(key, t).seq > t.storedSeq) {
            return MissCause.INVALIDATED;
        }
        boolean keptHere = t.l1Until > 0;
        if (t.l1Gone == L1_EXPIRED || keptHere && now >= Math.min(t.freshUntil, t.l1Until)) {
            return MissCause.EXPIRED;
        }
        return keptHere ? MissCause.EVICTED : MissCause.COLD;
    }

    /**
     * Why Redis held no current fresh entry of {@code key} at {@code now}; {@code expired}: it held one past
     * its TTL (within its stale-if-error grace), whose content hashes to {@code expiredHash}.
     */
    public Ending l2Miss(CacheKey key, boolean expired, int expiredHash, long now) {
        Trace t = traces.getIfPresent(key);
        if (expired) {
            return new Ending(MissCause.EXPIRED, t == null ? 0 : t.storedAt, t == null ? 0 : t.freshUntil, now,
                    expiredHash);
        }
        if (t == null || t.storedSeq == 0) {
            return Ending.of(MissCause.COLD);
        }
        Mark last = lastInvalidation(key, t);
        if (last.seq > t.storedSeq) {
            return new Ending(MissCause.INVALIDATED, t.storedAt, t.freshUntil, last.at, t.hash);
        }
        if (now >= t.freshUntil) {
            return new Ending(MissCause.EXPIRED, t.storedAt, t.freshUntil, t.freshUntil, t.hash);
        }
        // Redis no longer had an entry that was fresh and not invalidated: it dropped it (memory, restart).
        return new Ending(MissCause.EVICTED, t.storedAt, t.freshUntil, now, t.hash);
    }

    /** The latest invalidation that applies to {@code key}: its own, its group's, its cache's, or everything's. */
    private Mark lastInvalidation(CacheKey key, Trace t) {
        Mark last = t.invalidatedSeq > 0 ? new Mark(t.invalidatedSeq, t.invalidatedAt) : Mark.NEVER;
        Mark group = groups.getIfPresent(key.group());
        Mark cache = caches.get(key.cache());
        Mark all = everything;
        for (Mark m : new Mark[] { group, cache, all }) {
            if (m != null && m.seq > last.seq) {
                last = m;
            }
        }
        return last;
    }

    /** Keys remembered now. */
    public long size() {
        return traces.estimatedSize();
    }
}

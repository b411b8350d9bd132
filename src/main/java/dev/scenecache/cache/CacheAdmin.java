package dev.scenecache.cache;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.cache.local.L1Tier;
import dev.scenecache.cache.redis.RedisCommands;

/** What the admin API switches and shows of the cache beside its statistics ({@link CacheStats}). */
@ApplicationScoped
public class CacheAdmin {

    private final Coherence coherence;
    private final RedisCommands redis;
    private final L1Tier l1;

    public CacheAdmin(Coherence coherence, RedisCommands redis, L1Tier l1) {
        this.coherence = coherence;
        this.redis = redis;
        this.l1 = l1;
    }

    /** Whether caching is on, on this instance. */
    public boolean enabled() {
        return coherence.enabled();
    }

    /** Switches caching on this instance: off, no Redis traffic at all; on, what was missed is replayed first. */
    public void setEnabled(boolean on) {
        coherence.setEnabled(on);
    }

    /** The Redis circuit: {@code closed}, {@code open} or {@code half-open}. */
    public String circuit() {
        return redis.breaker().state().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Entries in this instance's L1. */
    public long l1Entries() {
        return l1.size();
    }

    /** Bytes (weighed payloads) in this instance's L1. */
    public long l1Bytes() {
        return l1.weightedSize();
    }
}

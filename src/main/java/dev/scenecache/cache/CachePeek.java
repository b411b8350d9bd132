package dev.scenecache.cache;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.cache.read.TtlPolicy;
import dev.scenecache.cache.read.TwoTierCache;
import io.smallrye.mutiny.Uni;

/**
 * A look into a cache without loading, storing or counting anything: for a lookup that only wants to know
 * what is cached now (the semantic decision cache serves an earlier prompt's decision only while that
 * decision is still cached). Answers null when nothing fresh is cached, when it is a not-found, or when the
 * cache cannot be used.
 */
@ApplicationScoped
public class CachePeek {

    private final TwoTierCache cache;
    private final TtlPolicy ttl;

    public CachePeek(TwoTierCache cache, TtlPolicy ttl) {
        this.cache = cache;
        this.ttl = ttl;
    }

    /** The value cached under {@code key} now, decoded by {@code spec}'s codec; null when there is none. */
    public Uni<Object> peek(CacheKey key, CacheSpec spec) {
        return cache.peek(key, spec);
    }

    /** The TTL of a cache's entries before jitter, in ms. */
    public long ttlMillis(String cache) {
        return ttl.ttlMillis(cache);
    }
}

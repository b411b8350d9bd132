package dev.scenecache.cache.read;

import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.CacheSpec;
import dev.scenecache.cache.CacheTtl;
import dev.scenecache.cache.analytics.Analytics;

/**
 * How long entries live: the TTL of each cache ({@code CACHE_TTL_*}) with ±{@code CACHE_TTL_JITTER}, a
 * value's own shorter TTL ({@link CacheTtl}), the stale-if-error grace past it and the refresh-ahead
 * window before its end; with {@code CACHE_TTL_ADAPTIVE}, the cache's TTL follows its recommendation. Only the caches whose
 * source is PostgreSQL (projects, scenes, scene lists,
 * preferences) have a grace and refresh ahead: decisions and component builds do not come from the
 * database (docs/architecture.md, "Freshness").
 */
@ApplicationScoped
public class TtlPolicy {

    private final CacheConfig config;
    private final Analytics analytics;

    public TtlPolicy(CacheConfig config, Analytics analytics) {
        this.config = config;
        this.analytics = analytics;
    }

    /** The TTL of a cache's entries, before jitter. */
    public long ttlMillis(String cache) {
        return config.ttl().of(cache) * 1000;
    }

    /**
     * The TTL of a value just loaded: its own when it asks for a shorter one, else the cache's (adaptive: the
     * one {@link Analytics} works out, within its bounds), jittered.
     */
    public long ttlOf(CacheSpec spec, Object value) {
        long cacheTtl = analytics.ttlMillis(spec.cache(), spec.ttlMillis());
        long own = ownTtlMillis(value);
        return own > 0 && own < cacheTtl ? own : jitter(cacheTtl);
    }

    /** How long a value's Redis entry outlives its TTL: the grace, unless the value asked for its own TTL. */
    public long graceOf(CacheSpec spec, Object value) {
        return ownTtlMillis(value) > 0 ? 0 : graceMillis(spec.cache());
    }

    /**
     * How long past its TTL an entry of {@code cache} may be answered when the database is unavailable
     * (stale-if-error), in ms: {@code cache.stale-if-error} for the caches whose source is PostgreSQL, 0 for
     * the others.
     */
    public long graceMillis(String cache) {
        return fromDatabase(cache) ? config.staleIfError() * 1000 : 0;
    }

    /** The last fraction of an entry's TTL in which a hit reloads it ({@code cache.refresh-ahead}); 0: never. */
    public double refreshAheadFraction(String cache) {
        return fromDatabase(cache) ? config.refreshAhead() : 0;
    }

    /** Projects, scenes, scene lists and preferences come from PostgreSQL; decisions and builds do not. */
    public boolean fromDatabase(String cache) {
        return !cache.equals(CacheNames.DECISION) && !cache.equals(CacheNames.COMPONENT);
    }

    /** {@code ttlMillis} spread by ±{@code cache.ttl-jitter}, so that entries stored together expire apart. */
    public long jitter(long ttlMillis) {
        double spread = config.ttlJitter();
        double factor = 1 + spread * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Math.max(1, Math.round(ttlMillis * factor));
    }

    /** The shorter life a value asks for ({@link CacheTtl}), in ms; 0 when it asks for none. */
    private static long ownTtlMillis(Object value) {
        if (value instanceof CacheTtl own && own.cacheTtl() != null) {
            return Math.max(1, own.cacheTtl().toMillis());
        }
        return 0;
    }
}

package dev.scenecache.cache;

import java.time.Duration;
import java.util.Optional;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The cache's settings. Each property is also an environment variable: {@code cache.ttl.scenes} is
 * {@code CACHE_TTL_SCENES}, {@code cache.l1.max-entries} is {@code CACHE_L1_MAX_ENTRIES}.
 */
@ConfigMapping(prefix = "cache")
public interface CacheConfig {

    /** Caching on at start; off sends every read to the source, with no Redis traffic at all. */
    @WithDefault("true")
    boolean enabled();

    Ttl ttl();

    /** How long a not-found answer is cached. */
    @WithDefault("30s")
    Duration negativeTtl();

    /**
     * Stale-if-error ({@code CACHE_STALE_IF_ERROR}), in seconds: how long past its TTL an entry of a cache
     * whose source is PostgreSQL (projects, scenes, scene lists, preferences) may still be answered while
     * the database is unavailable. Redis keeps those entries this much longer. 0 turns it off (and then
     * readiness goes DOWN while PostgreSQL is unreachable, as it does without a cache to answer from).
     */
    @WithDefault("600")
    @Min(0)
    long staleIfError();

    /**
     * {@code CACHE_STALE_IF_ERROR_TIMEOUT}: how long a read that holds an expired value within its grace
     * waits for the database before it answers that value. A database that does not answer (a network
     * that drops packets, a stalled server) is failing too; without this the read would wait for it as
     * long as the database client does.
     */
    @WithDefault("2s")
    Duration staleIfErrorTimeout();

    /**
     * Refresh-ahead ({@code CACHE_REFRESH_AHEAD}): a hit in this last fraction of its entry's TTL reloads
     * the entry in the background, once across instances (the same caches as stale-if-error). 0 turns it
     * off; at most 0.9.
     */
    @WithDefault("0.2")
    @DecimalMin("0")
    @DecimalMax("0.9")
    double refreshAhead();

    /** Random spread of every TTL, as a fraction (0.1 is ±10%), so entries filled together expire apart. */
    @WithDefault("0.1")
    double ttlJitter();

    /** Entries whose encoded size is larger are not cached (they are served from the source). */
    @WithDefault("1048576")
    int maxEntryBytes();

    /** Values larger than this are deflated in Redis. */
    @WithDefault("4096")
    int compressAboveBytes();

    /** {@code CACHE_MAX_MEMORY}: Redis {@code maxmemory} to apply at start, e.g. {@code 2gb}. */
    Optional<String> maxMemory();

    /** {@code CACHE_EVICTION_POLICY}: Redis {@code maxmemory-policy} to apply at start, e.g. {@code allkeys-lru}. */
    Optional<String> evictionPolicy();

    L1 l1();

    Redis redis();

    Coherence coherence();

    Health health();

    /** How many projects to warm at start, the most recently updated first ({@code CACHE_PRELOAD_PROJECTS}). */
    @WithDefault("0")
    int preloadProjects();

    Warming warming();

    Analytics analytics();

    interface Ttl {
        /** Projects, scenes, scene lists and preferences, in seconds. */
        @WithDefault("3600")
        long scenes();

        /** AI decisions, in seconds. */
        @WithDefault("1800")
        long ai();

        /** Component builds, in seconds. */
        @WithDefault("86400")
        long components();

        /** The TTL of {@code cache}'s entries, in seconds: decisions, builds, or everything from the database. */
        default long of(String cache) {
            return switch (cache) {
                case CacheNames.DECISION -> ai();
                case CacheNames.COMPONENT -> components();
                default -> scenes();
            };
        }

        /**
         * {@code CACHE_TTL_ADAPTIVE}: each cache's TTL follows its recommendation ({@code GET
         * /admin/cache/analytics}), one window at a time, between {@link #adaptiveMin} and {@link #adaptiveMax}.
         */
        @WithDefault("false")
        boolean adaptive();

        /** The shortest TTL an adaptive TTL goes to, in seconds. */
        @WithDefault("60")
        long adaptiveMin();

        /** The longest TTL an adaptive TTL goes to (and a recommendation says), in seconds. */
        @WithDefault("86400")
        long adaptiveMax();
    }

    interface L1 {
        /** The in-process tier; off leaves Redis alone in front of the source. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("20000")
        long maxEntries();

        /** The most bytes of cached values the in-process tier holds. */
        @WithDefault("134217728")
        long maxWeightBytes();

        /**
         * How long an entry stays in process at most: it never outlives its Redis entry (the cache's TTL,
         * and the stale-if-error grace for stale answers); this can only shorten it.
         */
        @WithDefault("10m")
        Duration ttl();
    }

    interface Redis {
        /** The longest a request waits for one Redis call before going to the source. */
        @WithDefault("150ms")
        Duration timeout();

        /** How long a fill lease lives: a fill that takes longer does not land. */
        @WithDefault("10s")
        Duration leaseTtl();

        /** Consecutive failures that open the circuit. */
        @WithDefault("5")
        int failureThreshold();

        /** How long the circuit stays open before one probe is let through. */
        @WithDefault("2s")
        Duration openFor();

        /**
         * Whether the L2 reads an event loop starts in one turn share one round trip (see
         * {@code ReadBatcher}): one {@code MGET}, or on Redis Cluster one pipeline per node with one
         * {@code MGET} per hash slot.
         */
        @WithDefault("true")
        boolean batchReads();

        /** Redis Cluster: how often the slot map is polled ({@code CLUSTER NODES}). */
        @WithDefault("250ms")
        Duration topologyRefresh();

        /**
         * Redis Cluster: L2 is not read when no poll has confirmed the trusted slot map for this long.
         * Keep it below the cluster's {@code cluster-node-timeout}: a failover cannot complete sooner.
         */
        @WithDefault("1s")
        Duration topologyFence();
    }

    interface Coherence {
        /** How often an instance proves its invalidation subscription alive. */
        @WithDefault("200ms")
        Duration heartbeat();

        /** An instance that has not heard its own heartbeat for this long stops using its L1. */
        @WithDefault("1s")
        Duration fenceAfter();

        /**
         * How long a write waits for every instance to acknowledge its invalidation; at least
         * {@link #fenceAfter()}, so that an instance that missed it has stopped using its L1 by then.
         */
        @WithName("ack-timeout")
        @WithDefault("1200ms")
        Duration ackTimeout();
    }

    interface Health {
        /** The hit rate is judged over this much recent time. */
        @WithDefault("5m")
        Duration window();

        /** Below this many lookups in the window, the hit rate is not judged. */
        @WithDefault("100")
        long minLookups();

        /** A hit rate (percent) below this marks the cache degraded. */
        @WithDefault("80")
        double minHitRate();
    }

    interface Warming {
        /** Loads one warming job runs at a time. */
        @WithDefault("4")
        int concurrency();

        /** Projects warmed at once on this instance; an {@code open} beyond it is skipped (and counted). */
        @WithDefault("8")
        int maxProjects();
    }

    interface Analytics {
        /** Miss causes, the TTL's fit and hot keys ({@code GET /admin/cache/analytics}). */
        @WithDefault("true")
        boolean enabled();

        /** How many keys (and groups) the miss causes remember; a forgotten key's next miss is cold. */
        @WithDefault("50000")
        long trackedKeys();

        /** How many of the hottest keys per cache are reported (four times as many are watched). */
        @WithDefault("10")
        int hotKeys();

        /** How often the recommended TTL is worked out again (from at least 20 endings since the last time). */
        @WithDefault("1m")
        Duration window();
    }
}

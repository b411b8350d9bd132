package dev.scenecache.cache.read;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheOutcome;
import dev.scenecache.cache.CacheSpec;
import dev.scenecache.cache.CacheStats;
import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.cache.local.L1Tier;
import dev.scenecache.cache.redis.EntryCodec;
import dev.scenecache.cache.redis.RedisTier;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Refresh-ahead ({@code cache.refresh-ahead}, the caches whose source is PostgreSQL): a fresh hit in the
 * last fraction of its entry's TTL is answered at once and reloads the entry in the background, on a
 * Vert.x context of its own. One reload per key per instance (a {@link RefreshMarks} mark) and across
 * instances (the fill lease, taken only when free and only while the entry is still the one this instance
 * saw: {@code refresh.lua}). The reload fills through {@code fill.lua} with that lease, which any write of
 * the key (or its group) removes: it can never put an older value back. An instance that finds the entry
 * refreshed by another takes the new entry into its L1. Hot keys never expire under traffic.
 */
@ApplicationScoped
class RefreshAhead {

    private static final Logger LOG = Logger.getLogger(RefreshAhead.class);

    /** At most this many keys are being refreshed (or were tried within the last second) at once. */
    static final int MAX_REFRESHES = 10_000;

    /** Keys this instance is refreshing, or tried to lately: one reload per key per instance. Bounded. */
    private final RefreshMarks refreshing = new RefreshMarks(MAX_REFRESHES, Duration.ofSeconds(1).toNanos());

    private final L1Tier l1;
    private final RedisTier l2;
    private final Coherence coherence;
    private final CacheConfig config;
    private final TtlPolicy ttl;
    private final LocalCopies local;
    private final Vertx vertx;

    RefreshAhead(L1Tier l1, RedisTier l2, Coherence coherence, CacheConfig config, TtlPolicy ttl, LocalCopies local,
            Vertx vertx) {
        this.l1 = l1;
        this.l2 = l2;
        this.coherence = coherence;
        this.config = config;
        this.ttl = ttl;
        this.local = local;
        this.vertx = vertx;
    }

    /**
     * After a fresh hit of an entry stored at {@code storedAt} and fresh until {@code freshUntil}: when
     * {@code now} is in the last {@code cache.refresh-ahead} of its TTL, starts a reload in the background.
     */
    void afterHit(CacheKey key, CacheSpec spec, Supplier<Uni<Object>> source, long storedAt, long freshUntil,
            long now, CacheStats.Counters counters) {
        double fraction = ttl.refreshAheadFraction(spec.cache());
        if (fraction <= 0 || freshUntil - now > fraction * (freshUntil - storedAt) || !coherence.l2Usable()
                || !refreshing.tryMark(key)) {
            return;
        }
        long stamp = l1.stamp(key);
        long cacheGeneration = coherence.cacheGeneration(spec.cache());
        String lease = newLease();
        Context own = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        // Hibernate Reactive refuses a context not marked as isolated; the request's own context may be
        // finished (or busy with its own session) by the time the reload runs.
        VertxContextSafetyToggle.setContextSafe(own, true);
        own.runOnContext(ignored -> l2.refresh(key, cacheGeneration, freshUntil, lease)
                .chain(attempt -> {
                    if (attempt.newer() != null) {
                        Answer newer = Answer.decode(attempt.newer(), spec, cacheGeneration, config.maxEntryBytes());
                        if (newer != null) {
                            local.keep(key, newer, spec, attempt.newer().length, stamp);
                        }
                        refreshing.clear(key);
                        return Uni.createFrom().voidItem();
                    }
                    if (!attempt.leased()) {
                        return Uni.createFrom().voidItem(); // another reload holds the lease: the mark stays a while
                    }
                    counters.refreshes.increment();
                    long start = System.nanoTime();
                    return Uni.createFrom().deferred(source::get)
                            .onTermination().invoke(() -> counters.loaded(System.nanoTime() - start))
                            .chain(value -> fill(key, spec, value, cacheGeneration, attempt.groupGeneration(),
                                    lease, stamp, counters))
                            .onTermination().invoke(() -> refreshing.clear(key));
                })
                .subscribe().with(done -> {
                }, failure -> {
                    counters.refreshFailures.increment();
                    LOG.debugf("Refresh of [%s] failed: [%s]", key.redisKey(), failure.toString());
                }));
    }

    /** Fills Redis with a refreshed value through the refresh's lease, then L1 when it landed. */
    private Uni<Void> fill(CacheKey key, CacheSpec spec, Object value, long cacheGeneration, long groupGeneration,
            String lease, long stamp, CacheStats.Counters counters) {
        byte[] payload;
        try {
            payload = spec.codec().encode(value);
        } catch (Exception e) {
            return Uni.createFrom().failure(e);
        }
        if (payload.length > config.maxEntryBytes()) {
            counters.tooLarge.increment();
            return Uni.createFrom().voidItem();
        }
        long now = System.currentTimeMillis();
        long ttlMillis = ttl.ttlOf(spec, value);
        byte[] entry = EntryCodec.encode(false, payload, cacheGeneration, groupGeneration, spec.codec().version(value),
                now, now + ttlMillis, config.compressAboveBytes());
        return l2.fill(key, lease, entry, ttlMillis + ttl.graceOf(spec, value)).invoke(landed -> {
            if (landed) {
                counters.refreshesLanded.increment();
                local.keep(key, new Answer(value, null, CacheOutcome.MISS, now, now + ttlMillis), spec, payload.length,
                        stamp);
            } else {
                counters.refreshesRejected.increment();
            }
        }).replaceWithVoid();
    }

    /** A fill lease's token: unique enough that no two readers hold the same one. */
    static String newLease() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime());
    }
}

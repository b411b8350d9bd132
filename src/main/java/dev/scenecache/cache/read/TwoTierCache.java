package dev.scenecache.cache.read;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheHeaders;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheOutcome;
import dev.scenecache.cache.CacheSpec;
import dev.scenecache.cache.CacheStats;
import dev.scenecache.cache.analytics.Analytics;
import dev.scenecache.cache.analytics.EntryChecksum;
import dev.scenecache.cache.analytics.KeyHistory;
import dev.scenecache.cache.analytics.MissCause;
import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.cache.local.L1Tier;
import dev.scenecache.cache.redis.EntryCodec;
import dev.scenecache.cache.redis.RedisTier;
import dev.scenecache.cache.redis.cluster.ClusterTopology;
import dev.scenecache.common.Tracing;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The read path: L1, then Redis, then the source, with one load per key and instance at a time. It walks
 * down: {@link L1Tier}, then {@link RedisTier} (the hit check and the read script), then the source
 * through {@link StaleIfError}; a hit near its end starts a {@link RefreshAhead}; what was found or loaded
 * goes into L1 through {@link LocalCopies}.
 *
 * <pre>
 * caching off              -> source                                     BYPASS
 * L1 usable, fresh entry   -> L1                                         HIT L1   (refresh ahead near its end)
 *   (else, while L1 is usable, join the load of the key in flight, if any)
 * Redis usable             -> read script: current, fresh entry          HIT L2   (then into L1; refresh ahead)
 *                                          none or expired: lease taken -> source MISS (fill with the lease, into L1)
 * Redis failing/unusable   -> source                                     BYPASS   (nothing stored anywhere)
 * source: database down    -> an expired entry within its grace, vouched HIT, stale-if-error (else the 503)
 * </pre>
 *
 * <p>
 * Every entry carries when it was stored and until when it is fresh ({@link EntryCodec}): the cache's TTL
 * ({@link TtlPolicy}) bounds both tiers. The invariants: docs/architecture.md, "The cache" and "Freshness".
 * Each tier's misses, with their causes, and each lookup go to {@link Analytics}, which never changes an answer.
 * With tracing on, a read is a {@code cache.read} span (cache, key hash, tier, result, miss causes) with
 * {@code cache.l2.read} and {@code cache.load} children ({@link Tracing}).
 */
@ApplicationScoped
public class TwoTierCache {

    private static final Logger LOG = Logger.getLogger(TwoTierCache.class);

    private final L1Tier l1;
    private final RedisTier l2;
    private final Coherence coherence;
    private final CacheStats stats;
    private final CacheConfig config;
    private final TtlPolicy ttl;
    private final StaleIfError source;
    private final RefreshAhead refreshAhead;
    private final LocalCopies local;
    private final Analytics analytics;
    private final Tracing tracing;

    TwoTierCache(L1Tier l1, RedisTier l2, Coherence coherence, CacheStats stats, CacheConfig config, TtlPolicy ttl,
            StaleIfError source, RefreshAhead refreshAhead, LocalCopies local, Analytics analytics, Tracing tracing) {
        this.analytics = analytics;
        this.tracing = tracing;
        this.l1 = l1;
        this.l2 = l2;
        this.coherence = coherence;
        this.stats = stats;
        this.config = config;
        this.ttl = ttl;
        this.source = source;
        this.refreshAhead = refreshAhead;
        this.local = local;
    }

    public Uni<Object> read(CacheKey key, CacheSpec spec, Supplier<Uni<Object>> loader) {
        Span span = tracing.start("cache.read");
        if (!span.getSpanContext().isValid()) {
            return read(key, spec, loader, span);
        }
        span.setAttribute("cache.name", spec.cache());
        span.setAttribute("cache.key.hash", Tracing.hash(key.redisKey()));
        return Tracing.within(span, () -> read(key, spec, loader, span));
    }

    private Uni<Object> read(CacheKey key, CacheSpec spec, Supplier<Uni<Object>> loader, Span span) {
        Context context = Vertx.currentContext();
        CacheStats.Counters counters = stats.of(spec.cache());
        if (!coherence.enabled()) {
            counters.bypasses.increment();
            analytics.bypassedBoth(spec.cache());
            span.setAttribute("cache.result", "bypass");
            CacheHeaders.record(context, CacheOutcome.BYPASS);
            return loader.get();
        }
        // Read before L1 is looked at: vouches that no invalidation of the key was applied since.
        long stamp = l1.stamp(key);
        L1Tier.Entry expired = null;
        boolean l1Usable = coherence.l1Usable();
        boolean heldExpired = false;
        if (l1Usable) {
            L1Tier.Entry entry = l1.get(key);
            if (entry != null) {
                long now = System.currentTimeMillis();
                if (entry.freshAt(now)) {
                    counters.l1Hits.increment();
                    analytics.lookup(key, true);
                    span.setAttribute("cache.tier", "l1");
                    span.setAttribute("cache.result", "hit");
                    CacheHeaders.record(context, CacheOutcome.HIT_L1);
                    if (entry.negative()) {
                        return Uni.createFrom().failure(Answer.notFound(entry.detail()));
                    }
                    refreshAhead.afterHit(key, spec, loader, entry.storedAt(), entry.freshUntil(), now, counters);
                    return Uni.createFrom().item(entry.value());
                }
                expired = entry.negative() ? null : entry;
                heldExpired = true;
            }
        }
        MissCause l1Cause = analytics.l1Missed(key, l1Usable, heldExpired);
        if (l1Cause != null) {
            span.setAttribute("cache.l1.miss_cause", l1Cause.tag());
        }
        long seq = analytics.start(); // before the load: an invalidation applied after it ends what it loads
        // One load per key at a time, shared by the reads that arrive meanwhile: an in-process cache of
        // the load in flight, trusted like L1 only while this instance hears invalidations (a write it
        // did not hear about must not hand a later reader the value loaded before its commit).
        L1Tier.Entry expiredInL1 = expired;
        Uni<Answer> shared = l1Usable
                ? l1.sharedLoad(key, () -> load(key, spec, loader, counters, stamp, seq, expiredInL1, span))
                : load(key, spec, loader, counters, stamp, seq, expiredInL1, span);
        return shared.map(answer -> {
            CacheOutcome outcome = answer.outcome();
            analytics.lookup(key, outcome.tier() != null && !outcome.stale());
            if (span.isRecording()) {
                span.setAttribute("cache.result",
                        outcome.stale() ? "stale" : outcome.header().toLowerCase(java.util.Locale.ROOT));
                span.setAttribute("cache.tier",
                        outcome.tier() == null ? "source" : outcome.tier().toLowerCase(java.util.Locale.ROOT));
            }
            CacheHeaders.record(context, answer.outcome(), answer.outcome().stale()
                    ? Math.max(0, (System.currentTimeMillis() - answer.storedAt()) / 1000)
                    : -1);
            if (answer.notFound() != null) {
                throw answer.notFound();
            }
            return answer.value();
        });
    }

    /**
     * The value cached under {@code key} now, without loading, storing or counting anything (nor setting a
     * response's cache headers): L1's fresh entry, else Redis' current fresh entry; null when neither holds
     * one, when it is a not-found, or when the cache cannot be used.
     */
    public Uni<Object> peek(CacheKey key, CacheSpec spec) {
        if (!coherence.enabled()) {
            return Uni.createFrom().nullItem();
        }
        if (coherence.l1Usable()) {
            L1Tier.Entry entry = l1.get(key);
            if (entry != null && entry.freshAt(System.currentTimeMillis())) {
                return Uni.createFrom().item(entry.negative() ? null : entry.value());
            }
        }
        if (!coherence.l2Usable()) {
            return Uni.createFrom().nullItem();
        }
        ClusterTopology.View masters = coherence.trustedMasters();
        long cacheGeneration = coherence.cacheGeneration(spec.cache());
        return l2.currentEntry(key, cacheGeneration, masters).onFailure().recoverWithNull().map(bytes -> {
            Answer current = bytes == null ? null : Answer.decode(bytes, spec, cacheGeneration, config.maxEntryBytes());
            return current == null || current.notFound() != null || System.currentTimeMillis() >= current.freshUntil()
                    ? null
                    : current.value();
        });
    }

    private Uni<Answer> load(CacheKey key, CacheSpec spec, Supplier<Uni<Object>> loader, CacheStats.Counters counters,
            long stamp, long seq, L1Tier.Entry expiredInL1, Span span) {
        if (!coherence.l2Usable()) {
            analytics.l2Bypassed(spec.cache());
            span.setAttribute("cache.l2.miss_cause", MissCause.BYPASSED.tag());
            return Tracing.within(tracing.child("cache.load", span), () -> source.load(key, spec, loader, counters,
                    CacheOutcome.BYPASS, StaleIfError.Expired.inL1Only(expiredInL1, stamp)));
        }
        // Redis Cluster: the masters trusted now, read before the generation (a failover moves the
        // generations on before it trusts new masters), so that this read is answered only by them.
        ClusterTopology.View masters = coherence.trustedMasters();
        long cacheGeneration = coherence.cacheGeneration(spec.cache());
        String lease = RefreshAhead.newLease();
        return Tracing.within(tracing.child("cache.l2.read", span), () -> l2.read(key, cacheGeneration, lease, masters))
                .onFailure().recoverWithItem(failure -> {
                    counters.errors.increment();
                    LOG.debugf("Redis read of [%s] failed: [%s]", key.redisKey(), failure.toString());
                    return null;
                })
                .chain(read -> {
                    if (read == null) {
                        analytics.l2Bypassed(spec.cache());
                        span.setAttribute("cache.l2.miss_cause", MissCause.BYPASSED.tag());
                        return Tracing.within(tracing.child("cache.load", span), () -> source.load(key, spec, loader,
                                counters, CacheOutcome.BYPASS, StaleIfError.Expired.inL1Only(expiredInL1, stamp)));
                    }
                    if (read.hit()) {
                        Answer hit = Answer.decode(read.value(), spec, cacheGeneration, config.maxEntryBytes());
                        if (hit != null) {
                            counters.l2Hits.increment();
                            analytics.stored(key, seq, hit.storedAt(), hit.freshUntil(), EntryChecksum.of(read.value()));
                            local.keep(key, hit, spec, read.value().length, stamp);
                            if (hit.notFound() == null) {
                                refreshAhead.afterHit(key, spec, loader, hit.storedAt(), hit.freshUntil(),
                                        System.currentTimeMillis(), counters);
                            }
                            return Uni.createFrom().item(hit);
                        }
                        // Current but not decodable (a deflated payload that does not inflate): a miss; no
                        // lease, so nothing is filled. (Other formats and garbage are misses of the script.)
                    }
                    KeyHistory.Ending ending = analytics.l2Missed(key, read.expired());
                    if (ending != null) {
                        span.setAttribute("cache.l2.miss_cause", ending.cause().tag());
                    }
                    StaleIfError.Expired expired = new StaleIfError.Expired(expiredInL1, read.expired(), stamp,
                            cacheGeneration, masters);
                    return Tracing.within(tracing.child("cache.load", span),
                            () -> source.load(key, spec, loader, counters, CacheOutcome.MISS, expired))
                            .map(answer -> answer.outcome() != CacheOutcome.MISS
                                    || store(key, spec, answer, cacheGeneration, read, lease, stamp, seq, ending,
                                            counters)
                                                    ? answer
                                                    : answer.as(CacheOutcome.MISS_NOT_STORED));
                });
    }

    /**
     * Fills Redis (in the background: the caller does not wait) and L1 with a freshly loaded answer;
     * false when it is not to be stored (a not-found this cache does not keep, too large, not encodable).
     */
    private boolean store(CacheKey key, CacheSpec spec, Answer answer, long cacheGeneration, RedisTier.ReadResult read,
            String lease, long stamp, long seq, KeyHistory.Ending ending, CacheStats.Counters counters) {
        boolean negative = answer.notFound() != null;
        if (negative && !spec.negative()) {
            return false;
        }
        byte[] payload;
        try {
            payload = negative ? answer.notFound().getMessage().getBytes(StandardCharsets.UTF_8)
                    : spec.codec().encode(answer.value());
        } catch (Exception e) {
            counters.errors.increment();
            LOG.warnf("Cannot encode a value of [%s]: [%s]", spec.cache(), e.toString());
            return false;
        }
        if (payload.length > config.maxEntryBytes()) {
            counters.tooLarge.increment();
            return false;
        }
        long now = System.currentTimeMillis();
        long ttlMillis = negative ? config.negativeTtl().toMillis() : ttl.ttlOf(spec, answer.value());
        Answer stored = new Answer(answer.value(), answer.notFound(), answer.outcome(), now, now + ttlMillis);
        byte[] entry = EntryCodec.encode(negative, payload, cacheGeneration, read.groupGeneration(),
                negative ? 0 : spec.codec().version(answer.value()), now, now + ttlMillis, config.compressAboveBytes());
        int hash = EntryChecksum.of(entry);
        analytics.reloaded(key, ending, hash);
        analytics.stored(key, seq, now, now + ttlMillis, hash);
        local.keep(key, stored, spec, payload.length, stamp);
        if (!read.hit()) {
            l2.fill(key, lease, entry, negative ? ttlMillis : ttlMillis + ttl.graceOf(spec, answer.value()))
                    .subscribe().with(landed -> (landed ? counters.puts : counters.fillsRejected).increment(),
                            failure -> counters.errors.increment());
        }
        return true;
    }
}

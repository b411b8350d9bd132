package dev.scenecache.cache.internal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheHeaders;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheOutcome;
import dev.scenecache.cache.JsonDocument;
import dev.scenecache.common.DatabaseFailures;
import dev.scenecache.common.ProblemException;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The read path: L1, then Redis, then the source, with one load per key and instance at a time.
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
 * <b>Freshness.</b> Every entry carries when it was stored and until when it is fresh ({@link EntryCodec}):
 * the cache's TTL (jittered) bounds both tiers, {@code cache.l1.ttl} can only shorten an L1 entry's life.
 *
 * <p>
 * <b>Stale-if-error</b> ({@code cache.stale-if-error}, the caches whose source is PostgreSQL: projects,
 * scenes, scene lists, preferences). Their Redis entries live that much past their TTL. When a read finds
 * an entry expired but within that grace, it goes to the source as on a miss; only if the source fails
 * because the database is unavailable (what answers 503) is the expired value answered instead. An
 * expired entry is consistent with every acknowledged write: a write replaces or removes the entry in
 * Redis (a version-guarded write-through, a tombstone, a group generation bump) and every instance's L1
 * before it is acknowledged, so an entry that is still current has not been changed by any write made
 * through the service; the TTL only bounds changes made behind the service's back (SQL by hand, another
 * program), which stale-if-error may serve for the grace longer while the database cannot be asked.
 * Before it is served, the expired value is vouched for once more: this instance, hearing every
 * invalidation ({@link Coherence#l1Usable()}), has applied none to the key since before the value was
 * read (its L1 stamp); else Redis is asked again and the entry must still be current there. Neither
 * possible: the 503. A database that does not answer within {@code cache.stale-if-error-timeout} (2 s)
 * fails so too. While the database has failed so within the last second, a read holding such a
 * value answers it without asking the source (one attempt a second, not one per read). Negative (not found) entries and
 * decisions and component builds are never served
 * stale: a 404 served during an outage could make a client drop a scene that exists, and the other two do
 * not come from the database.
 *
 * <p>
 * <b>Refresh-ahead</b> ({@code cache.refresh-ahead}, the same caches). A fresh hit in the last fraction of
 * its entry's TTL is answered at once and reloads the entry in the background: one reload per key per
 * instance (a local mark) and across instances (the fill lease, taken only when free and only while the
 * entry is still the one the instance saw: {@code refresh.lua}). The reload fills through {@code fill.lua}
 * with that lease, which any write of the key (or its group) removes: it can never put an older value
 * back. An instance that finds the entry refreshed by another takes the new entry into its L1.
 */
@ApplicationScoped
public class TwoTierCache {

    private static final Logger LOG = Logger.getLogger(TwoTierCache.class);

    /** How a cache stores its values: the codec, the TTL, and whether a 404 is cached. */
    public record Spec(String cache, ValueCodec codec, long ttlMillis, boolean negative) {
    }

    /** Turns a cached method's values into entry payloads and back; null from decode means a miss. */
    public interface ValueCodec {
        byte[] encode(Object value) throws Exception;

        Object decode(byte[] payload) throws Exception;

        /** The version of the entity the value shows; 0 when it has none. */
        default long version(Object value) {
            return 0;
        }
    }

    /** A read's answer, with the times of the entry it came from (0 when from the source). */
    private record Result(Object value, ProblemException notFound, CacheOutcome outcome, long storedAt,
            long freshUntil) {

        Result(Object value, ProblemException notFound, CacheOutcome outcome) {
            this(value, notFound, outcome, 0, 0);
        }

        Result as(CacheOutcome other) {
            return new Result(value, notFound, other, storedAt, freshUntil);
        }
    }

    /**
     * An expired value a read may answer if its source fails: from L1, or the bytes from L2; with the L1
     * stamp read before it, and the cache generation and masters to confirm it in Redis (-1: not to ask).
     */
    private record Expired(L1Tier.Entry inL1, byte[] inL2, long stamp, long cacheGeneration,
            ClusterTopology.View masters) {
    }

    private final L1Tier l1;
    private final RedisTier l2;
    private final Coherence coherence;
    private final CacheStats stats;
    private final CacheConfig config;
    private final io.vertx.core.Vertx vertx;
    /** How long after the database failed as unavailable reads answer their expired value without asking it. */
    static final long DATABASE_DOWN_NANOS = 1_000_000_000L;

    /** {@link System#nanoTime()} until which {@link #databaseLately()}; 0 once the database answered. */
    private volatile long databaseDownUntil;

    /** At most this many keys are being refreshed (or were tried within the last second) at once. */
    static final int MAX_REFRESHES = 10_000;

    /** Keys this instance is refreshing, or tried to lately: one reload per key per instance. Bounded. */
    private final RefreshMarks refreshing = new RefreshMarks(MAX_REFRESHES, java.time.Duration.ofSeconds(1).toNanos());

    public TwoTierCache(L1Tier l1, RedisTier l2, Coherence coherence, CacheStats stats, CacheConfig config,
            io.vertx.core.Vertx vertx) {
        this.l1 = l1;
        this.l2 = l2;
        this.coherence = coherence;
        this.stats = stats;
        this.config = config;
        this.vertx = vertx;
    }

    public Uni<Object> read(CacheKey key, Spec spec, Supplier<Uni<Object>> source) {
        Context context = Vertx.currentContext();
        CacheStats.Counters counters = stats.of(spec.cache());
        if (!coherence.enabled()) {
            counters.bypasses.increment();
            CacheHeaders.record(context, CacheOutcome.BYPASS);
            return source.get();
        }
        // Read before L1 is looked at: vouches that no invalidation of the key was applied since.
        long stamp = l1.stamp(key);
        L1Tier.Entry expired = null;
        if (coherence.l1Usable()) {
            L1Tier.Entry entry = l1.get(key);
            if (entry != null) {
                long now = System.currentTimeMillis();
                if (entry.freshAt(now)) {
                    counters.l1Hits.increment();
                    CacheHeaders.record(context, CacheOutcome.HIT_L1);
                    if (entry.negative()) {
                        return Uni.createFrom().failure(notFound(entry.detail()));
                    }
                    refreshAhead(key, spec, source, entry.storedAt(), entry.freshUntil(), now, counters);
                    return Uni.createFrom().item(entry.value());
                }
                expired = entry.negative() ? null : entry;
            }
        }
        // One load per key at a time, shared by the reads that arrive meanwhile: an in-process cache of
        // the load in flight, trusted like L1 only while this instance hears invalidations (a write it
        // did not hear about must not hand a later reader the value loaded before its commit).
        L1Tier.Entry expiredInL1 = expired;
        Uni<Result> shared = coherence.l1Usable()
                ? l1.sharedLoad(key, () -> load(key, spec, source, counters, stamp, expiredInL1))
                : load(key, spec, source, counters, stamp, expiredInL1);
        return shared.map(result -> {
            CacheHeaders.record(context, result.outcome(), result.outcome().stale()
                    ? Math.max(0, (System.currentTimeMillis() - result.storedAt()) / 1000)
                    : -1);
            if (result.notFound() != null) {
                throw result.notFound();
            }
            return result.value();
        });
    }

    /**
     * The value cached under {@code key} now, without loading, storing or counting anything (nor setting a
     * response's cache headers): L1's fresh entry, else Redis' current fresh entry; null when neither holds
     * one, when it is a not-found, or when the cache cannot be used. For lookups that only want to know
     * (the semantic decision cache serves an earlier prompt's decision only while it is still cached).
     */
    public Uni<Object> peek(CacheKey key, Spec spec) {
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
            Result current = bytes == null ? null : decode(bytes, spec, cacheGeneration);
            return current == null || current.notFound() != null || System.currentTimeMillis() >= current.freshUntil()
                    ? null
                    : current.value();
        });
    }

    private Uni<Result> load(CacheKey key, Spec spec, Supplier<Uni<Object>> source, CacheStats.Counters counters,
            long stamp, L1Tier.Entry expiredInL1) {
        if (!coherence.l2Usable()) {
            return fromSource(source, counters, CacheOutcome.BYPASS, spec,
                    new Expired(expiredInL1, null, stamp, -1, null), key);
        }
        // Redis Cluster: the masters trusted now, read before the generation (a failover moves the
        // generations on before it trusts new masters), so that this read is answered only by them.
        ClusterTopology.View masters = coherence.trustedMasters();
        long cacheGeneration = coherence.cacheGeneration(spec.cache());
        String lease = newLease();
        return l2.read(key, cacheGeneration, lease, masters)
                .onFailure().recoverWithItem(failure -> {
                    counters.errors.increment();
                    LOG.debugf("Redis read of [%s] failed: [%s]", key.redisKey(), failure.toString());
                    return null;
                })
                .chain(read -> {
                    if (read == null) {
                        return fromSource(source, counters, CacheOutcome.BYPASS, spec,
                                new Expired(expiredInL1, null, stamp, -1, null), key);
                    }
                    if (read.hit()) {
                        Result hit = decode(read.value(), spec, cacheGeneration);
                        if (hit != null) {
                            counters.l2Hits.increment();
                            keepInL1(key, hit, spec, read.value().length, stamp);
                            if (hit.notFound() == null) {
                                refreshAhead(key, spec, source, hit.storedAt(), hit.freshUntil(),
                                        System.currentTimeMillis(), counters);
                            }
                            return Uni.createFrom().item(hit);
                        }
                        // Current but not decodable (a deflated payload that does not inflate): a miss; no
                        // lease, so nothing is filled. (Other formats and garbage are misses of the script.)
                    }
                    return fromSource(source, counters, CacheOutcome.MISS, spec,
                            new Expired(expiredInL1, read.expired(), stamp, cacheGeneration, masters), key)
                            .map(result -> result.outcome() != CacheOutcome.MISS
                                    || store(key, spec, result, cacheGeneration, read, lease, stamp, counters)
                                            ? result
                                            : result.as(CacheOutcome.MISS_NOT_STORED));
                });
    }

    /**
     * The source's answer, counted as {@code outcome}; when the source fails because the database is
     * unavailable and an expired value within its grace can be vouched for, that value instead
     * (stale-if-error, counted as stale). While the database failed so within the last second, a read
     * holding such a value answers it without asking the source again (at most one attempt a second
     * then, instead of one per read: the outage costs neither the database's connect time per request
     * nor a flood of connection attempts on a database coming back).
     */
    private Uni<Result> fromSource(Supplier<Uni<Object>> source, CacheStats.Counters counters, CacheOutcome outcome,
            Spec spec, Expired expired, CacheKey key) {
        boolean staleAllowed = graceMillis(spec.cache()) > 0 && (expired.inL1() != null || expired.inL2() != null);
        Uni<Result> answer = staleAllowed && databaseLately()
                ? stale(key, spec, expired).chain(result -> result != null ? Uni.createFrom().item(result)
                        : fromSourceOnly(source, counters, outcome, spec, expired, key, staleAllowed))
                : fromSourceOnly(source, counters, outcome, spec, expired, key, staleAllowed);
        return answer
                .invoke(result -> {
                    if (result.outcome().stale()) {
                        stats.staleAnswer(counters);
                    } else {
                        (result.outcome() == CacheOutcome.MISS ? counters.misses : counters.bypasses).increment();
                    }
                })
                .onFailure().invoke(f -> (outcome == CacheOutcome.MISS ? counters.misses : counters.bypasses).increment());
    }

    private Uni<Result> fromSourceOnly(Supplier<Uni<Object>> source, CacheStats.Counters counters,
            CacheOutcome outcome, Spec spec, Expired expired, CacheKey key, boolean staleAllowed) {
        long start = System.nanoTime();
        Uni<Object> loaded = Uni.createFrom().deferred(source::get);
        if (staleAllowed) {
            // Not answering is failing too: past the timeout the expired value is answered.
            loaded = loaded.ifNoItem().after(config.staleIfErrorTimeout())
                    .failWith(() -> new java.util.concurrent.TimeoutException(
                            "the database did not answer within " + config.staleIfErrorTimeout().toMillis() + " ms"));
        }
        return loaded
                .map(value -> {
                    if (fromDatabase(spec.cache())) {
                        databaseAnswered();
                    }
                    return new Result(value, null, outcome);
                })
                .onFailure(TwoTierCache::isNotFound).recoverWithItem(f -> new Result(null, (ProblemException) f, outcome))
                .onTermination().invoke(() -> counters.loaded(System.nanoTime() - start))
                .onFailure(f -> fromDatabase(spec.cache()) && DatabaseFailures.isUnavailable(f))
                .recoverWithUni(f -> {
                    databaseDownUntil = System.nanoTime() + DATABASE_DOWN_NANOS;
                    return staleAllowed ? stale(key, spec, expired).onItem().ifNull().failWith(f)
                            : Uni.createFrom().failure(f);
                });
    }

    /** The database failed as unavailable within the last {@link #DATABASE_DOWN_NANOS}. */
    private boolean databaseLately() {
        long until = databaseDownUntil;
        return until != 0 && until - System.nanoTime() > 0;
    }

    private void databaseAnswered() {
        stats.sourceAnswered();
        if (databaseDownUntil != 0) {
            databaseDownUntil = 0;
        }
    }

    /** The expired value of {@code expired} if it is within its grace and still vouched for, else null. */
    private Uni<Result> stale(CacheKey key, Spec spec, Expired expired) {
        long grace = graceMillis(spec.cache());
        Result candidate = expired.inL2() == null ? null : decode(expired.inL2(), spec, expired.cacheGeneration());
        if (candidate != null) {
            candidate = candidate.as(CacheOutcome.STALE_L2);
        } else if (expired.inL1() != null) {
            L1Tier.Entry e = expired.inL1();
            candidate = new Result(e.value(), null, CacheOutcome.STALE_L1, e.storedAt(), e.freshUntil());
        }
        boolean withinGrace = candidate != null && candidate.notFound() == null
                && System.currentTimeMillis() < candidate.freshUntil() + grace;
        // Vouched for by this instance: it hears every invalidation and applied none to the key since.
        if (withinGrace && coherence.l1Usable() && l1.stamp(key) == expired.stamp()) {
            return Uni.createFrom().item(candidate);
        }
        // Else Redis must still hold it (or a newer one) as the key's current entry; not asked when it has
        // just failed this read (the request would wait a second Redis timeout) or cannot be used.
        if (expired.cacheGeneration() < 0 || !coherence.l2Usable()) {
            return Uni.createFrom().nullItem();
        }
        return l2.currentEntry(key, expired.cacheGeneration(), expired.masters())
                .onFailure().recoverWithNull()
                .map(bytes -> {
                    Result current = bytes == null ? null : decode(bytes, spec, expired.cacheGeneration());
                    if (current == null || current.notFound() != null
                            || System.currentTimeMillis() >= current.freshUntil() + grace) {
                        return null;
                    }
                    return current.as(CacheOutcome.STALE_L2);
                });
    }

    /**
     * Refresh-ahead: when a fresh hit falls in the last {@code cache.refresh-ahead} of its entry's TTL,
     * reloads the entry in the background (see the class' javadoc); the hit is answered at once.
     */
    private void refreshAhead(CacheKey key, Spec spec, Supplier<Uni<Object>> source, long storedAt, long freshUntil,
            long now, CacheStats.Counters counters) {
        double fraction = refreshAheadFraction(spec.cache());
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
                        Result newer = decode(attempt.newer(), spec, cacheGeneration);
                        if (newer != null) {
                            keepInL1(key, newer, spec, attempt.newer().length, stamp);
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
                            .chain(value -> fillRefreshed(key, spec, value, cacheGeneration, attempt.groupGeneration(),
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
    private Uni<Void> fillRefreshed(CacheKey key, Spec spec, Object value, long cacheGeneration, long groupGeneration,
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
        long ttl = ttlOf(spec, value);
        byte[] entry = EntryCodec.encode(false, payload, cacheGeneration, groupGeneration, spec.codec().version(value),
                now, now + ttl, config.compressAboveBytes());
        return l2.fill(key, lease, entry, ttl + graceOf(spec, value)).invoke(landed -> {
            if (landed) {
                counters.refreshesLanded.increment();
                keepInL1(key, new Result(value, null, CacheOutcome.MISS, now, now + ttl), spec, payload.length, stamp);
            } else {
                counters.refreshesRejected.increment();
            }
        }).replaceWithVoid();
    }

    /**
     * Fills Redis (in the background: the caller does not wait) and L1 with a freshly loaded result;
     * false when it is not to be stored (a not-found this cache does not keep, too large, not encodable).
     */
    private boolean store(CacheKey key, Spec spec, Result result, long cacheGeneration, RedisTier.ReadResult read,
            String lease, long stamp, CacheStats.Counters counters) {
        boolean negative = result.notFound() != null;
        if (negative && !spec.negative()) {
            return false;
        }
        byte[] payload;
        try {
            payload = negative
                    ? result.notFound().getMessage().getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : spec.codec().encode(result.value());
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
        long ttl = negative ? config.negativeTtl().toMillis() : ttlOf(spec, result.value());
        Result stored = new Result(result.value(), result.notFound(), result.outcome(), now, now + ttl);
        keepInL1(key, stored, spec, payload.length, stamp);
        if (!read.hit()) {
            byte[] entry = EntryCodec.encode(negative, payload, cacheGeneration, read.groupGeneration(),
                    negative ? 0 : spec.codec().version(result.value()), now, now + ttl, config.compressAboveBytes());
            l2.fill(key, lease, entry, negative ? ttl : ttl + graceOf(spec, result.value())).subscribe().with(
                    landed -> (landed ? counters.puts : counters.fillsRejected).increment(),
                    failure -> counters.errors.increment());
        }
        return true;
    }

    /** The TTL of a value just loaded: its own when it asks for a shorter one, else the cache's, jittered. */
    private long ttlOf(Spec spec, Object value) {
        long own = ownTtlMillis(value);
        return own > 0 && own < spec.ttlMillis() ? own : jitter(spec.ttlMillis());
    }

    /** How long a value's Redis entry outlives its TTL: the grace, unless the value asked for its own TTL. */
    private long graceOf(Spec spec, Object value) {
        return ownTtlMillis(value) > 0 ? 0 : graceMillis(spec.cache());
    }

    private void keepInL1(CacheKey key, Result result, Spec spec, int weight, long stamp) {
        if (coherence.l1Usable()) {
            boolean negative = result.notFound() != null;
            long keepUntil = negative ? result.freshUntil() : result.freshUntil() + graceOf(spec, result.value());
            l1.putIfUnchanged(key, new L1Tier.Entry(result.value(), negative,
                    negative ? result.notFound().getMessage() : null, weight, result.storedAt(), result.freshUntil(),
                    keepUntil), stamp);
        }
    }

    private Result decode(byte[] bytes, Spec spec, long cacheGeneration) {
        EntryCodec.Decoded entry = EntryCodec.decode(bytes, config.maxEntryBytes());
        if (entry == null || entry.cacheGeneration() != cacheGeneration) {
            return null;
        }
        if (entry.negative()) {
            return new Result(null, notFound(new String(entry.payload(), java.nio.charset.StandardCharsets.UTF_8)),
                    CacheOutcome.HIT_L2, entry.storedAtMillis(), entry.freshUntilMillis());
        }
        try {
            Object value = spec.codec().decode(entry.payload());
            return value == null ? null
                    : new Result(value, null, CacheOutcome.HIT_L2, entry.storedAtMillis(), entry.freshUntilMillis());
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * The keys this instance is refreshing or tried to refresh within {@code retryNanos}: a key is marked
     * once per attempt, and may be tried again once its mark is older (a reload that another instance
     * holds, one that takes long). At most {@code max} marks: when full, old marks are swept, and a key
     * that still finds no room is not refreshed (its entry expires as without refresh-ahead).
     * (A plain map rather than a Caffeine cache: Caffeine's generated classes must be registered one by
     * one for a native image.)
     */
    static final class RefreshMarks {
        private final java.util.concurrent.ConcurrentHashMap<CacheKey, Long> marks = new java.util.concurrent.ConcurrentHashMap<>();
        private final int max;
        private final long retryNanos;

        RefreshMarks(int max, long retryNanos) {
            this.max = max;
            this.retryNanos = retryNanos;
        }

        /** True when this caller may try to refresh {@code key} now (and the key is marked). */
        boolean tryMark(CacheKey key) {
            long now = System.nanoTime();
            Long previous = marks.get(key);
            if (previous != null) {
                return now - previous >= retryNanos && marks.replace(key, previous, now);
            }
            if (marks.size() >= max) {
                marks.values().removeIf(at -> now - at >= retryNanos);
                if (marks.size() >= max) {
                    return false;
                }
            }
            return marks.putIfAbsent(key, now) == null;
        }

        void clear(CacheKey key) {
            marks.remove(key);
        }

        int size() {
            return marks.size();
        }
    }

    private static String newLease() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime());
    }

    /**
     * The Redis operation that writes a just-committed value through: stored unless a newer version is
     * there, or dropped when the group generation it was read under has moved on. When the value cannot
     * be stored safely (group generation unknown: Redis did not answer in time; too large), a version
     * floor takes its place: a plain deletion would let a slower write of an older version land after it.
     */
    public RedisTier.WriteOp writeThrough(CacheKey key, JsonDocument document, long groupGeneration) {
        byte[] payload = DocumentCodec.INSTANCE.encode(document);
        long cacheGeneration = coherence.cacheGeneration(key.cache());
        long ttl = jitter(ttlMillis(key.cache()));
        if (payload.length > config.maxEntryBytes() || groupGeneration < 0) {
            return new RedisTier.WriteOp(key, EntryCodec.floor(cacheGeneration, document.version()), ttl, true);
        }
        long now = System.currentTimeMillis();
        long grace = graceMillis(key.cache());
        // What this instance's L1 keeps if the script stores the value (Coherence#write decides).
        L1Tier.Entry l1Entry = new L1Tier.Entry(document, false, null, payload.length, now, now + ttl, now + ttl + grace);
        return new RedisTier.WriteOp(key, EntryCodec.encode(false, payload, cacheGeneration,
                groupGeneration, document.version(), now, now + ttl, config.compressAboveBytes()),
                ttl + grace, false, l1Entry);
    }

    /**
     * The Redis operation that marks a deleted entity: a not-found entry no older write can replace.
     * Without a known group generation the script stamps the current one (a tombstone in a group deleted
     * meanwhile only says what is true: not found).
     */
    public RedisTier.WriteOp tombstone(CacheKey key, String detail, long groupGeneration) {
        long now = System.currentTimeMillis();
        byte[] entry = EntryCodec.encode(true, detail.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                coherence.cacheGeneration(key.cache()), Math.max(0, groupGeneration), EntryCodec.TOMBSTONE_VERSION,
                now, now + ttlMillis(key.cache()), Integer.MAX_VALUE);
        return new RedisTier.WriteOp(key, entry, ttlMillis(key.cache()), groupGeneration < 0);
    }

    /** The TTL of a cache's entries, before jitter. */
    public long ttlMillis(String cache) {
        long seconds = switch (cache) {
            case dev.scenecache.cache.CacheNames.DECISION -> config.ttl().ai();
            case dev.scenecache.cache.CacheNames.COMPONENT -> config.ttl().components();
            default -> config.ttl().scenes();
        };
        return seconds * 1000;
    }

    /**
     * How long past its TTL an entry of {@code cache} may be answered when the database is unavailable
     * (stale-if-error), in ms: {@code cache.stale-if-error} for the caches whose source is PostgreSQL, 0
     * for the others (see the class' javadoc).
     */
    public long graceMillis(String cache) {
        return fromDatabase(cache) ? config.staleIfError() * 1000 : 0;
    }

    /** The last fraction of an entry's TTL in which a hit reloads it ({@code cache.refresh-ahead}); 0: never. */
    double refreshAheadFraction(String cache) {
        return fromDatabase(cache) ? config.refreshAhead() : 0;
    }

    /** Projects, scenes, scene lists and preferences come from PostgreSQL; decisions and builds do not. */
    private static boolean fromDatabase(String cache) {
        return !cache.equals(dev.scenecache.cache.CacheNames.DECISION)
                && !cache.equals(dev.scenecache.cache.CacheNames.COMPONENT);
    }

    /** The shorter life a value asks for ({@link CacheTtl}), in ms; 0 when it asks for none. */
    private static long ownTtlMillis(Object value) {
        if (value instanceof dev.scenecache.cache.CacheTtl own && own.cacheTtl() != null) {
            return Math.max(1, own.cacheTtl().toMillis());
        }
        return 0;
    }

    private long jitter(long ttlMillis) {
        double spread = config.ttlJitter();
        double factor = 1 + spread * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Math.max(1, Math.round(ttlMillis * factor));
    }

    private static boolean isNotFound(Throwable failure) {
        return failure instanceof ProblemException p && p.status() == 404;
    }

    private static ProblemException notFound(String detail) {
        return new ProblemException(404, dev.scenecache.common.Problems.NOT_FOUND, "Not found", detail,
                java.util.List.of());
    }
}

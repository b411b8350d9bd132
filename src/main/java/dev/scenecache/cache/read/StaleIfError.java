package dev.scenecache.cache.read;

import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheOutcome;
import dev.scenecache.cache.CacheSpec;
import dev.scenecache.cache.CacheStats;
import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.cache.local.L1Tier;
import dev.scenecache.cache.redis.RedisTier;
import dev.scenecache.cache.redis.cluster.ClusterTopology;
import dev.scenecache.common.DatabaseFailures;
import dev.scenecache.common.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * The source, with stale-if-error ({@code cache.stale-if-error}; the invariant and why it keeps every
 * acknowledged write: docs/architecture.md, "Stale-if-error"). A read that holds an expired value within
 * its grace answers it only when the source fails as unavailable (what answers 503) or does not answer
 * within {@code cache.stale-if-error-timeout}, and only while the value is vouched for: this instance hears
 * every invalidation and applied none to the key since the value was read (its L1 stamp), or else Redis
 * still holds it as the key's current entry. Not-found entries, decisions and component builds are never
 * served stale. While the database failed so within the last second, a read holding such a value answers
 * it without asking the source (one attempt a second rather than one per read).
 */
@ApplicationScoped
class StaleIfError {

    /**
     * An expired value a read may answer if its source fails: from L1, or the bytes from L2; with the L1
     * stamp read before it, and the cache generation and masters to confirm it in Redis (-1: not to ask).
     */
    record Expired(L1Tier.Entry inL1, byte[] inL2, long stamp, long cacheGeneration, ClusterTopology.View masters) {

        static Expired inL1Only(L1Tier.Entry inL1, long stamp) {
            return new Expired(inL1, null, stamp, -1, null);
        }
    }

    /** How long after the database failed as unavailable reads answer their expired value without asking it. */
    static final long DATABASE_DOWN_NANOS = 1_000_000_000L;

    private final L1Tier l1;
    private final RedisTier l2;
    private final Coherence coherence;
    private final CacheStats stats;
    private final CacheConfig config;
    private final TtlPolicy ttl;

    /** {@link System#nanoTime()} until which {@link #databaseLately()}; 0 once the database answered. */
    private volatile long databaseDownUntil;

    StaleIfError(L1Tier l1, RedisTier l2, Coherence coherence, CacheStats stats, CacheConfig config, TtlPolicy ttl) {
        this.l1 = l1;
        this.l2 = l2;
        this.coherence = coherence;
        this.stats = stats;
        this.config = config;
        this.ttl = ttl;
    }

    /**
     * The source's answer, counted as {@code outcome}; when the source fails because the database is
     * unavailable and an expired value within its grace can be vouched for, that value instead (counted as
     * stale).
     */
    Uni<Answer> load(CacheKey key, CacheSpec spec, Supplier<Uni<Object>> source, CacheStats.Counters counters,
            CacheOutcome outcome, Expired expired) {
        boolean staleAllowed = ttl.graceMillis(spec.cache()) > 0 && (expired.inL1() != null || expired.inL2() != null);
        Uni<Answer> answer = staleAllowed && databaseLately()
                ? stale(key, spec, expired).chain(result -> result != null ? Uni.createFrom().item(result)
                        : fromSource(key, spec, source, counters, outcome, expired, staleAllowed))
                : fromSource(key, spec, source, counters, outcome, expired, staleAllowed);
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

    private Uni<Answer> fromSource(CacheKey key, CacheSpec spec, Supplier<Uni<Object>> source,
            CacheStats.Counters counters, CacheOutcome outcome, Expired expired, boolean staleAllowed) {
        long start = System.nanoTime();
        boolean fromDatabase = ttl.fromDatabase(spec.cache());
        Uni<Object> loaded = Uni.createFrom().deferred(source::get);
        if (staleAllowed) {
            // Not answering is failing too: past the timeout the expired value is answered.
            loaded = loaded.ifNoItem().after(config.staleIfErrorTimeout())
                    .failWith(() -> new TimeoutException(
                            "the database did not answer within " + config.staleIfErrorTimeout().toMillis() + " ms"));
        }
        return loaded
                .map(value -> {
                    if (fromDatabase) {
                        databaseAnswered();
                    }
                    return new Answer(value, null, outcome);
                })
                .onFailure(Answer::isNotFound).recoverWithItem(f -> new Answer(null, (ProblemException) f, outcome))
                .onTermination().invoke(() -> counters.loaded(System.nanoTime() - start))
                .onFailure(f -> fromDatabase && DatabaseFailures.isUnavailable(f))
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
    private Uni<Answer> stale(CacheKey key, CacheSpec spec, Expired expired) {
        long grace = ttl.graceMillis(spec.cache());
        Answer candidate = expired.inL2() == null ? null
                : Answer.decode(expired.inL2(), spec, expired.cacheGeneration(), config.maxEntryBytes());
        if (candidate != null) {
            candidate = candidate.as(CacheOutcome.STALE_L2);
        } else if (expired.inL1() != null) {
            L1Tier.Entry e = expired.inL1();
            candidate = new Answer(e.value(), null, CacheOutcome.STALE_L1, e.storedAt(), e.freshUntil());
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
                    Answer current = bytes == null ? null
                            : Answer.decode(bytes, spec, expired.cacheGeneration(), config.maxEntryBytes());
                    if (current == null || current.notFound() != null
                            || System.currentTimeMillis() >= current.freshUntil() + grace) {
                        return null;
                    }
                    return current.as(CacheOutcome.STALE_L2);
                });
    }
}

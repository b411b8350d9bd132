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
import dev.scenecache.common.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The read path: L1, then Redis, then the source, with one load per key and instance at a time.
 *
 * <pre>
 * caching off            -> source                                   BYPASS
 * L1 usable and holds it -> L1                                       HIT L1
 *   (else, while L1 is usable, join the load of the key in flight, if any)
 * Redis usable           -> read script: current entry               HIT L2   (then into L1)
 *                                        none: lease taken -> source MISS     (fill with the lease, into L1)
 * Redis failing/unusable -> source                                   BYPASS   (nothing stored anywhere)
 * </pre>
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

    private record Result(Object value, ProblemException notFound, CacheOutcome outcome) {
    }

    private final L1Tier l1;
    private final RedisTier l2;
    private final Coherence coherence;
    private final CacheStats stats;
    private final CacheConfig config;

    public TwoTierCache(L1Tier l1, RedisTier l2, Coherence coherence, CacheStats stats, CacheConfig config) {
        this.l1 = l1;
        this.l2 = l2;
        this.coherence = coherence;
        this.stats = stats;
        this.config = config;
    }

    public Uni<Object> read(CacheKey key, Spec spec, Supplier<Uni<Object>> source) {
        Context context = Vertx.currentContext();
        CacheStats.Counters counters = stats.of(spec.cache());
        if (!coherence.enabled()) {
            counters.bypasses.increment();
            CacheHeaders.record(context, CacheOutcome.BYPASS);
            return source.get();
        }
        if (coherence.l1Usable()) {
            L1Tier.Entry entry = l1.get(key);
            if (entry != null) {
                counters.l1Hits.increment();
                CacheHeaders.record(context, CacheOutcome.HIT_L1);
                return entry.negative()
                        ? Uni.createFrom().failure(notFound(entry.detail()))
                        : Uni.createFrom().item(entry.value());
            }
        }
        // One load per key at a time, shared by the reads that arrive meanwhile: an in-process cache of
        // the load in flight, trusted like L1 only while this instance hears invalidations (a write it
        // did not hear about must not hand a later reader the value loaded before its commit).
        Uni<Result> shared = coherence.l1Usable() ? l1.sharedLoad(key, () -> load(key, spec, source, counters))
                : load(key, spec, source, counters);
        return shared.map(result -> {
            CacheHeaders.record(context, result.outcome());
            if (result.notFound() != null) {
                throw result.notFound();
            }
            return result.value();
        });
    }

    private Uni<Result> load(CacheKey key, Spec spec, Supplier<Uni<Object>> source, CacheStats.Counters counters) {
        long stamp = l1.stamp(key);
        if (!coherence.l2Usable()) {
            counters.bypasses.increment();
            return fromSource(source, counters, CacheOutcome.BYPASS);
        }
        // Redis Cluster: the masters trusted now, read before the generation (a failover moves the
        // generations on before it trusts new masters), so that this read is answered only by them.
        ClusterTopology.View masters = coherence.trustedMasters();
        long cacheGeneration = coherence.cacheGeneration(spec.cache());
        String lease = Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime());
        return l2.read(key, cacheGeneration, lease, masters)
                .onFailure().recoverWithItem(failure -> {
                    counters.errors.increment();
                    LOG.debugf("Redis read of [%s] failed: [%s]", key.redisKey(), failure.toString());
                    return null;
                })
                .chain(read -> {
                    if (read == null) {
                        counters.bypasses.increment();
                        return fromSource(source, counters, CacheOutcome.BYPASS);
                    }
                    if (read.hit()) {
                        Result hit = decode(read.value(), spec, cacheGeneration);
                        if (hit != null) {
                            counters.l2Hits.increment();
                            keepInL1(key, hit, read.value().length, stamp);
                            return Uni.createFrom().item(hit);
                        }
                        // Current but not decodable (a deflated payload that does not inflate): a miss; no
                        // lease, so nothing is filled. (Other formats and garbage are misses of the script.)
                    }
                    counters.misses.increment();
                    return fromSource(source, counters, CacheOutcome.MISS)
                            .invoke(result -> store(key, spec, result, cacheGeneration, read, lease, stamp, counters));
                });
    }

    private Uni<Result> fromSource(Supplier<Uni<Object>> source, CacheStats.Counters counters, CacheOutcome outcome) {
        long start = System.nanoTime();
        return Uni.createFrom().deferred(source::get)
                .map(value -> new Result(value, null, outcome))
                .onFailure(TwoTierCache::isNotFound).recoverWithItem(f -> new Result(null, (ProblemException) f, outcome))
                .onTermination().invoke(() -> counters.loaded(System.nanoTime() - start));
    }

    /** Fills Redis (in the background: the caller does not wait) and L1 with a freshly loaded result. */
    private void store(CacheKey key, Spec spec, Result result, long cacheGeneration, RedisTier.ReadResult read,
            String lease, long stamp, CacheStats.Counters counters) {
        boolean negative = result.notFound() != null;
        if (negative && !spec.negative()) {
            return;
        }
        byte[] payload;
        try {
            payload = negative
                    ? result.notFound().getMessage().getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : spec.codec().encode(result.value());
        } catch (Exception e) {
            counters.errors.increment();
            LOG.warnf("Cannot encode a value of [%s]: [%s]", spec.cache(), e.toString());
            return;
        }
        if (payload.length > config.maxEntryBytes()) {
            counters.tooLarge.increment();
            return;
        }
        keepInL1(key, result, payload.length, stamp);
        if (!read.hit()) {
            byte[] entry = EntryCodec.encode(negative, payload, cacheGeneration, read.groupGeneration(),
                    negative ? 0 : spec.codec().version(result.value()), config.compressAboveBytes());
            long own = ownTtlMillis(result.value());
            long ttl = negative ? config.negativeTtl().toMillis()
                    : own > 0 && own < spec.ttlMillis() ? own : jitter(spec.ttlMillis());
            l2.fill(key, lease, entry, ttl).subscribe().with(
                    landed -> (landed ? counters.puts : counters.fillsRejected).increment(),
                    failure -> counters.errors.increment());
        }
    }

    private void keepInL1(CacheKey key, Result result, int weight, long stamp) {
        if (coherence.l1Usable()) {
            l1.putIfUnchanged(key, new L1Tier.Entry(result.value(), result.notFound() != null,
                    result.notFound() == null ? null : result.notFound().getMessage(), weight,
                    ownTtlMillis(result.value()) * 1_000_000L), stamp);
        }
    }

    private Result decode(byte[] bytes, Spec spec, long cacheGeneration) {
        EntryCodec.Decoded entry = EntryCodec.decode(bytes, config.maxEntryBytes());
        if (entry == null || entry.cacheGeneration() != cacheGeneration) {
            return null;
        }
        if (entry.negative()) {
            return new Result(null, notFound(new String(entry.payload(), java.nio.charset.StandardCharsets.UTF_8)),
                    CacheOutcome.HIT_L2);
        }
        try {
            Object value = spec.codec().decode(entry.payload());
            return value == null ? null : new Result(value, null, CacheOutcome.HIT_L2);
        } catch (Exception e) {
            return null;
        }
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
        if (payload.length > config.maxEntryBytes() || groupGeneration < 0) {
            return new RedisTier.WriteOp(key, EntryCodec.floor(cacheGeneration, document.version()),
                    jitter(ttlMillis(key.cache())), true);
        }
        return new RedisTier.WriteOp(key, EntryCodec.encode(false, payload, cacheGeneration,
                groupGeneration, document.version(), config.compressAboveBytes()), jitter(ttlMillis(key.cache())));
    }

    /**
     * The Redis operation that marks a deleted entity: a not-found entry no older write can replace.
     * Without a known group generation the script stamps the current one (a tombstone in a group deleted
     * meanwhile only says what is true: not found).
     */
    public RedisTier.WriteOp tombstone(CacheKey key, String detail, long groupGeneration) {
        byte[] entry = EntryCodec.encode(true, detail.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                coherence.cacheGeneration(key.cache()), Math.max(0, groupGeneration), EntryCodec.TOMBSTONE_VERSION,
                Integer.MAX_VALUE);
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

package dev.scenecache.ai;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.LuaScript;
import dev.scenecache.cache.SharedRedis;
import dev.scenecache.common.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Spend limits on upstream AI calls: token buckets, one per project ({@code AI_MAX_CALLS_PER_PROJECT_PER_MINUTE})
 * and one for this instance ({@code AI_MAX_CALLS_PER_MINUTE}), each holding at most a minute's calls and
 * refilled at that rate.
 *
 * <p>
 * Invariants:
 * <ul>
 * <li><b>Only upstream calls spend.</b> A token is taken right before the brain is called, by the one
 * call that asks it (single flight), once per decision whatever its retries; a cached decision spends
 * nothing and is served whatever the limits. The offline heuristic brain is free and never limited.</li>
 * <li><b>A project's limit holds across instances</b>: its bucket is in Redis ({@code spend.lua}, on
 * Redis' clock, the project's hash tag); when Redis cannot be used, each instance keeps its own bucket
 * for the project (a per-instance bound: N instances may then allow N times the limit).</li>
 * <li><b>Over a limit</b>: 429 problem+json with {@code Retry-After} (seconds until a token is there),
 * counted in {@code ai_spend_limited_total{scope}} and the admin stats; nothing is called, nothing
 * cached.</li>
 * <li><b>Bounded</b>: at most {@value #MAX_LOCAL_BUCKETS} local project buckets; full ones (the same as
 * none) are swept when the map is full.</li>
 * </ul>
 * Hand-written (a few lines and a script): Bucket4j's distributed buckets need Lettuce, Jedis or
 * Redisson, not the Vert.x client this service uses.
 */
@ApplicationScoped
public class SpendLimits {

    private static final Logger LOG = Logger.getLogger(SpendLimits.class);
    static final int MAX_LOCAL_BUCKETS = 10_000;

    /** A token bucket in process: at most {@code capacity} tokens, refilled at {@code capacity} a minute. */
    static final class LocalBucket {
        private final int capacity;
        private final LongSupplier clockMillis;
        private double tokens;
        private long at;

        LocalBucket(int capacity, LongSupplier clockMillis) {
            this.capacity = capacity;
            this.clockMillis = clockMillis;
            this.tokens = capacity;
            this.at = clockMillis.getAsLong();
        }

        /** Takes a token and answers 0, or answers the ms until one is there (nothing taken). */
        synchronized long take() {
            refill();
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * 60_000 / capacity);
        }

        /** Gives back a token taken for a call that was not made. */
        synchronized void giveBack() {
            tokens = Math.min(capacity, tokens + 1);
        }

        synchronized boolean full() {
            refill();
            return tokens >= capacity;
        }

        private void refill() {
            long now = clockMillis.getAsLong();
            tokens = Math.min(capacity, tokens + Math.max(0, now - at) * (double) capacity / 60_000);
            at = now;
        }
    }

    /**
     * Takes one token from the bucket at KEYS[1] (refilled at ARGV[1] a minute, holding at most that many);
     * answers 0, or the ms until a token is there (none taken).
     */
    static final LuaScript SPEND = LuaScript.load("spend");

    private final AiConfig config;
    private final SharedRedis redis;
    private final AiStats stats;
    private final LocalBucket instance;
    private final ConcurrentHashMap<UUID, LocalBucket> projects = new ConcurrentHashMap<>();

    public SpendLimits(AiConfig config, SharedRedis redis, AiStats stats) {
        this.config = config;
        this.redis = redis;
        this.stats = stats;
        this.instance = config.maxCallsPerMinute() > 0 ? new LocalBucket(config.maxCallsPerMinute(), System::currentTimeMillis)
                : null;
    }

    /** Completes when {@code projectId} may make one upstream call now; else fails with a 429. */
    public Uni<Void> acquire(UUID projectId) {
        if (instance != null) {
            long wait = instance.take();
            if (wait > 0) {
                stats.limited("instance");
                return Uni.createFrom().failure(ProblemException.spendLimit("This instance made its "
                        + config.maxCallsPerMinute() + " upstream AI calls of the last minute (AI_MAX_CALLS_PER_MINUTE);"
                        + " cached decisions are still served", seconds(wait)));
            }
        }
        int perProject = config.maxCallsPerProjectPerMinute();
        if (perProject <= 0) {
            return Uni.createFrom().voidItem();
        }
        return projectWait(projectId, perProject).chain(wait -> {
            if (wait == 0) {
                return Uni.createFrom().voidItem();
            }
            if (instance != null) {
                instance.giveBack();
            }
            stats.limited("project");
            return Uni.createFrom().failure(ProblemException.spendLimit("Project [" + projectId + "] made its "
                    + perProject + " upstream AI calls of the last minute (AI_MAX_CALLS_PER_PROJECT_PER_MINUTE);"
                    + " cached decisions are still served", seconds(wait)));
        });
    }

    /** The project's wait from its bucket in Redis, or from this instance's own when Redis cannot be used. */
    private Uni<Long> projectWait(UUID projectId, int perProject) {
        if (!redis.usable()) {
            return Uni.createFrom().item(() -> local(projectId, perProject).take());
        }
        String bucket = CacheKey.featureKey(CacheNames.projectGroup(projectId), "ai:spend");
        return redis.eval(SPEND, List.of(bucket), List.of(perProject)).map(Response::toLong)
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("Spend bucket of [%s] in Redis failed: [%s]; this instance's own", projectId, failure);
                    return local(projectId, perProject).take();
                });
    }

    private LocalBucket local(UUID projectId, int perProject) {
        LocalBucket bucket = projects.get(projectId);
        if (bucket != null) {
            return bucket;
        }
        if (projects.size() >= MAX_LOCAL_BUCKETS) {
            projects.values().removeIf(LocalBucket::full);
        }
        if (projects.size() >= MAX_LOCAL_BUCKETS) {
            // Still full of partly used buckets: a new one for this call alone (the bound per instance
            // then holds per call instead of per project, the map stays bounded).
            return new LocalBucket(perProject, System::currentTimeMillis);
        }
        return projects.computeIfAbsent(projectId, id -> new LocalBucket(perProject, System::currentTimeMillis));
    }

    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }
}

package dev.scenecache.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.cache.coherence.Fences;
import dev.scenecache.cache.redis.CircuitBreaker;
import dev.scenecache.cache.redis.RedisCommands;
import dev.scenecache.cache.redis.RedisSettings;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;

/**
 * The cache's state as operators see it: health and its reasons, the hit rate over the last minutes,
 * and Redis memory (the gauges and counters behind {@code /q/metrics}: {@link CacheMeters}).
 *
 * <p>
 * <b>Health.</b> The cache is degraded, never down: the service answers from PostgreSQL whatever
 * happens to Redis. It is degraded when caching is switched off, when Redis does not answer (circuit
 * open, or a probe failed), when the invalidation subscription is not established or its heartbeat is
 * late (L1 is then off), when invalidations wait for Redis (L2 is then not read), when Redis memory is
 * nearly full, and when the hit rate over {@code cache.health.window} is below
 * {@code cache.health.min-hit-rate} once there were {@code cache.health.min-lookups} lookups to judge.
 *
 * <p>
 * <b>Hit-rate window</b>: {@link HitRateWindow}.
 *
 * <p>
 * Nothing here talks to Redis while caching is off. Redis calls go through the cache's own circuit
 * breaker and timeout, so a probe never waits longer than {@code cache.redis.timeout}.
 */
@ApplicationScoped
@Startup
public class CacheMonitor {

    /** Redis as last seen by {@code INFO memory}; null figures when never seen. */
    public record RedisState(boolean connected, Long usedMemoryBytes, Long maxMemoryBytes, String evictionPolicy,
            List<String> settingProblems) {
    }

    /** {@code "ok"}, {@code "disabled"} or {@code "degraded"}, and why. */
    public record Health(String state, List<String> reasons) {
        public boolean degraded() {
            return !"ok".equals(state);
        }
    }

    /** Hits and misses over the recent window. */
    public record Window(Duration span, long hits, long misses) {
        public long lookups() {
            return hits + misses;
        }

        public double hitRate() {
            return lookups() == 0 ? 0.0 : 100.0 * hits / lookups();
        }
    }

    /** A stale answer keeps the health degraded until the database answers again, for this long at most. */
    static final long STALE_REPORTED_FOR_MILLIS = 60_000;
    private static final double MEMORY_NEARLY_FULL = 0.95;
    /** The health tells about a fence ({@link #recentFence}) for this long. */
    static final long FENCE_REPORTED_FOR_MILLIS = 60_000;

    private final CacheStats stats;
    private final Coherence coherence;
    private final RedisCommands tier;
    private final RedisSettings settings;
    private final CacheConfig config;
    private final HitRateWindow window;
    private final long startedAtMillis = System.currentTimeMillis();
    private volatile RedisState redis = new RedisState(false, null, null, null, List.of());
    private volatile String redisProblem;

    public CacheMonitor(CacheStats stats, Coherence coherence, RedisCommands tier, RedisSettings settings,
            CacheConfig config) {
        this.stats = stats;
        this.coherence = coherence;
        this.tier = tier;
        this.settings = settings;
        this.config = config;
        this.window = new HitRateWindow(config.health().window(), stats);
    }

    /**
     * How long past their TTL cached entries are answered while the database is unavailable (seconds);
     * 0 when none are (stale-if-error off, or caching switched off).
     */
    public long staleIfErrorSeconds() {
        return coherence.enabled() ? config.staleIfError() : 0;
    }

    public long uptimeSeconds() {
        return (System.currentTimeMillis() - startedAtMillis) / 1000;
    }

    void start(@Observes StartupEvent event) {
        refreshRedis().subscribe().with(x -> {
        }, x -> {
        });
    }

    // --- health --------------------------------------------------------------------------------------

    /** The health from what this instance knows now, without calling Redis. */
    public Health health() {
        if (!coherence.enabled()) {
            return new Health("disabled", List.of("caching is switched off: every read goes to PostgreSQL"));
        }
        List<String> reasons = new ArrayList<>();
        CircuitBreaker.State circuit = tier.breaker().state();
        if (circuit == CircuitBreaker.State.OPEN) {
            String why = tier.lastFailure();
            reasons.add("Redis unreachable: circuit open, reads go to PostgreSQL"
                    + (why == null ? "" : " (last error: " + why + ")"));
        } else if (circuit == CircuitBreaker.State.HALF_OPEN) {
            reasons.add("Redis circuit half-open: probing whether Redis is back");
        } else if (redisProblem != null) {
            reasons.add("Redis unreachable: " + redisProblem);
        }
        List<String> unreachable = tier.unreachableNodes();
        if (!unreachable.isEmpty()) {
            reasons.add("Redis Cluster node(s) " + String.join(", ", unreachable)
                    + " unreachable: reads of their slots go to PostgreSQL");
        }
        if (!coherence.subscribed()) {
            reasons.add("invalidation subscription not established: the in-process tier is off");
        } else if (config.l1().enabled() && !coherence.heartbeatConfirmed()) {
            // A new subscription (at start, after a reconnect): less than half a second, normally.
            reasons.add("invalidation subscription not confirmed yet (its own heartbeat not heard twice):"
                    + " the in-process tier is off until it is");
        } else if (config.l1().enabled() && !coherence.heartbeatFresh()) {
            reasons.add("invalidation heartbeat late: the in-process tier is fenced off");
        }
        if (!coherence.topologyUsable()) {
            reasons.add("Redis Cluster slot map not confirmed recently: L2 is not read until a poll confirms it");
        }
        if (coherence.waitingForReplay()) {
            reasons.add(coherence.pendingInvalidations()
                    + " invalidation(s) waiting for Redis: L2 is not read until they are applied");
        }
        // Until a source answers again, or for a minute after the last stale answer.
        long lastStale = stats.lastStaleMillis();
        long staleAgo = System.currentTimeMillis() - lastStale;
        if (lastStale > 0 && staleAgo < STALE_REPORTED_FOR_MILLIS) {
            reasons.add(String.format(Locale.ROOT, "serving stale data: expired entries answered %.1fs ago because"
                    + " the database was unavailable (stale-if-error, up to %ds past their TTL)", staleAgo / 1000.0,
                    config.staleIfError()));
        }
        RedisState r = redis;
        if (r.usedMemoryBytes() != null && r.maxMemoryBytes() != null && r.maxMemoryBytes() > 0
                && r.usedMemoryBytes() >= MEMORY_NEARLY_FULL * r.maxMemoryBytes()) {
            reasons.add(String.format(Locale.ROOT, "Redis memory at %.0f%% of maxmemory (%s)",
                    100.0 * r.usedMemoryBytes() / r.maxMemoryBytes(), r.evictionPolicy()));
        }
        Window w = window();
        if (w.lookups() >= config.health().minLookups() && w.hitRate() < config.health().minHitRate()) {
            reasons.add(String.format(Locale.ROOT, "hit rate %.1f%% over the last %s (%d lookups), below %.0f%%",
                    w.hitRate(), human(w.span()), w.lookups(), config.health().minHitRate()));
        }
        return new Health(reasons.isEmpty() ? "ok" : "degraded", List.copyOf(reasons));
    }

    /**
     * The last fence, when it was within the last minute: why Redis' data was not trusted and every cache
     * generation moved on (a recovery, not a degradation: the cache refills from PostgreSQL at once).
     */
    public Optional<String> recentFence() {
        Fences.Last fence = coherence.fences().last();
        long ago = fence == null ? Long.MAX_VALUE : System.currentTimeMillis() - fence.atMillis();
        return ago >= FENCE_REPORTED_FOR_MILLIS ? Optional.empty()
                : Optional.of(String.format(Locale.ROOT, "Redis data fenced %.1fs ago (%s: %s): every cache generation"
                        + " moved on, the cache refills from PostgreSQL", ago / 1000.0, fence.cause().tag(), fence.detail()));
    }

    /** Asks Redis ({@code INFO memory}, bounded by the cache's timeout), then answers the health. */
    public Uni<Health> probe() {
        return refreshRedis().map(x -> health());
    }

    // --- Redis ---------------------------------------------------------------------------------------

    public RedisState redis() {
        return redis;
    }

    /** Refreshes {@link #redis()} from {@code INFO memory}; never fails, skipped while caching is off. */
    public Uni<RedisState> refreshRedis() {
        if (!coherence.enabled()) {
            redis = new RedisState(false, redis.usedMemoryBytes(), redis.maxMemoryBytes(), redis.evictionPolicy(),
                    settings.problems());
            return Uni.createFrom().item(redis);
        }
        // On Redis Cluster, every node's: the figures are the fullest node's (where evictions start first).
        return tier.toEveryNode(Request.cmd(Command.INFO).arg("memory"))
                .chain(sends -> Uni.join().all(sends).andCollectFailures())
                .map(responses -> {
                    String fullest = null;
                    double highest = -1;
                    for (var response : responses) {
                        String info = response.toString();
                        Long used = field(info, "used_memory");
                        Long max = field(info, "maxmemory");
                        double ratio = used == null ? 0 : max == null || max == 0 ? used / 1e18 : (double) used / max;
                        if (ratio > highest) {
                            highest = ratio;
                            fullest = info;
                        }
                    }
                    redisProblem = null;
                    redis = new RedisState(true, field(fullest, "used_memory"), field(fullest, "maxmemory"),
                            text(fullest, "maxmemory_policy"), settings.problems());
                    return redis;
                })
                .onFailure().recoverWithItem(failure -> {
                    redisProblem = failure.getMessage();
                    redis = new RedisState(false, redis.usedMemoryBytes(), redis.maxMemoryBytes(),
                            redis.evictionPolicy(), settings.problems());
                    return redis;
                });
    }

    // --- hit-rate window -------------------------------------------------------------------------------

    public Window window() {
        return window.now();
    }

    /** The window starts again from now (a stats reset). */
    public void restartWindow() {
        window.restart();
    }

    @Scheduled(every = "10s", delay = 10, delayUnit = TimeUnit.SECONDS, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sample() {
        window.sample();
        return refreshRedis().replaceWithVoid();
    }

    private static Long field(String info, String name) {
        String value = text(info, name);
        try {
            return value == null ? null : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String text(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        return s >= 60 ? (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s") : s + "s";
    }
}

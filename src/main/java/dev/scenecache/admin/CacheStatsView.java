package dev.scenecache.admin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.scenecache.ai.AiStats;
import dev.scenecache.cache.CacheMonitor;
import dev.scenecache.cache.CacheStats;
import dev.scenecache.project.ProjectWarmer;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The body of {@code GET /admin/cache/stats}: the fields of API.md, plus a few more for operators
 * ({@code state}, {@code window}, {@code circuit}, {@code l1}, {@code warming}, per-cache
 * {@code bypasses}, {@code puts}, {@code stale} (stale-if-error answers), {@code refreshes} and
 * {@code refreshFailures} (refresh-ahead reloads started here, and failed)). Counters count since the last reset;
 * {@code window} covers the recent minutes the
 * health judges the hit rate on.
 */
@RegisterForReflection
public record CacheStatsView(boolean enabled, String health, String state, List<String> reasons,
        long uptimeSeconds, String since, Window window, String circuit, L1 l1, Map<String, Figures> caches,
        Figures totals, Redis redis, Ai ai, ProjectWarmer.Figures warming) {

    @RegisterForReflection
    public record Figures(long hits, long misses, long errors, double hitRate, long l1Hits, long l2Hits, long loads,
            double loadMillisAvg, long evictions, long bypasses, long puts, long stale, long refreshes,
            long refreshFailures) {

        static Figures of(CacheStats.Snapshot s) {
            return new Figures(s.hits(), s.misses(), s.errors(), round(s.hitRate()), s.l1Hits(), s.l2Hits(), s.loads(),
                    round(s.loadMillisAvg()), s.evictions(), s.bypasses(), s.puts(), s.stale(), s.refreshes(),
                    s.refreshFailures());
        }
    }

    @RegisterForReflection
    public record Window(long seconds, long lookups, double hitRate) {
    }

    @RegisterForReflection
    public record L1(long entries, long bytes) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Redis(boolean connected, Long usedMemoryBytes, Long maxMemoryBytes, String evictionPolicy,
            List<String> problems) {
    }

    /**
     * {@code cacheHits}/{@code tokensSaved}: exact hits; {@code semanticHits}/{@code semanticTokensSaved}: the semantic
     * cache's; {@code semanticShadowAgreed}/{@code Disagreed}: shadow mode's comparisons with the brain.
     */
    @RegisterForReflection
    public record Ai(long upstreamCalls, long upstreamErrors, long cacheHits, long tokensUsed, long tokensSaved,
            long spendLimited, long semanticHits, long semanticTokensSaved, long semanticShadowAgreed,
            long semanticShadowDisagreed) {
    }

    static CacheStatsView of(CacheMonitor monitor, CacheStats stats, AiStats ai, ProjectWarmer.Figures warming,
            String circuit, long l1Entries, long l1Bytes) {
        CacheMonitor.Health health = monitor.health();
        Map<String, Figures> caches = new LinkedHashMap<>();
        CacheStats.Snapshot total = CacheStats.Snapshot.ZERO;
        for (Map.Entry<String, CacheStats.Snapshot> e : stats.sinceReset().entrySet()) {
            caches.put(e.getKey(), Figures.of(e.getValue()));
            total = total.plus(e.getValue());
        }
        CacheMonitor.Window w = monitor.window();
        CacheMonitor.RedisState r = monitor.redis();
        AiStats.Snapshot a = ai.sinceReset();
        return new CacheStatsView(!"disabled".equals(health.state()), health.degraded() ? "degraded" : "healthy",
                health.state(), health.reasons(), monitor.uptimeSeconds(),
                Instant.ofEpochMilli(stats.resetAtMillis()).toString(),
                new Window(w.span().toSeconds(), w.lookups(), round(w.hitRate())), circuit,
                new L1(l1Entries, l1Bytes), caches, Figures.of(total),
                new Redis(r.connected(), r.usedMemoryBytes(), r.maxMemoryBytes(), r.evictionPolicy(),
                        r.settingProblems()),
                new Ai(a.upstreamCalls(), a.upstreamErrors(), a.cacheHits(), a.tokensUsed(), a.tokensSaved(),
                        a.spendLimited(), a.semanticHits(), a.semanticTokensSaved(), a.semanticShadowAgreed(),
                        a.semanticShadowDisagreed()),
                warming);
    }

    private static double round(double value) {
        return Math.round(value * 100.0) / 100.0;
    }
}

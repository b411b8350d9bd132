package dev.scenecache.cache;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.cache.analytics.Analytics;
import dev.scenecache.cache.analytics.MissCause;
import dev.scenecache.cache.analytics.TtlAdvisor;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** What {@code GET /admin/cache/analytics} and the dashboards show of the cache analytics ({@link Analytics}). */
@ApplicationScoped
public class CacheAnalytics {

    /** Every cache's figures, since start; the recommendations from the last window that had enough data. */
    @RegisterForReflection
    public record Report(boolean enabled, boolean adaptive, long windowSeconds, long minTtlSeconds,
            long maxTtlSeconds, Map<String, OfCache> caches) {
    }

    /** One cache: misses per tier and cause, the TTL's fit, the hottest keys. */
    @RegisterForReflection
    public record OfCache(Map<String, Map<String, Long>> misses, TtlFit ttl, List<HotKey> hotKeys) {
    }

    /**
     * How the entries read again after they ended had ended: expired (and of those, reloaded with identical
     * content) or invalidated (and of those, early: in the first half of their TTL); shares in percent.
     */
    @RegisterForReflection
    public record TtlFit(long configuredSeconds, long effectiveSeconds, long recommendedSeconds, String reason,
            long expired, long expiredIdentical, double identicalReloadPercent, long invalidated,
            long invalidatedEarly, double invalidatedBeforeExpiryPercent, long windowEndings) {
    }

    /**
     * A hot key: its group and id (never content), lookups estimated from a sample of one in
     * {@value Analytics#HOT_SAMPLE} (at most {@code error} too many, plus the sample's spread), hit rate in percent.
     */
    @RegisterForReflection
    public record HotKey(String key, long lookups, long error, double hitRate) {
    }

    private final Analytics analytics;
    private final CacheConfig config;

    public CacheAnalytics(Analytics analytics, CacheConfig config) {
        this.analytics = analytics;
        this.config = config;
    }

    public Report report() {
        Map<String, OfCache> caches = new TreeMap<>();
        analytics.caches().forEach((name, c) -> caches.put(name, of(c)));
        return new Report(analytics.enabled(), config.ttl().adaptive(), config.analytics().window().toSeconds(),
                config.ttl().adaptiveMin(), config.ttl().adaptiveMax(), caches);
    }

    private OfCache of(Analytics.OfCache c) {
        Map<String, Map<String, Long>> misses = new LinkedHashMap<>();
        String[] tiers = { Analytics.L1, Analytics.L2 };
        for (int t = 0; t < tiers.length; t++) {
            Map<String, Long> byCause = new LinkedHashMap<>();
            for (MissCause cause : MissCause.values()) {
                byCause.put(cause.tag(), c.misses(t, cause));
            }
            misses.put(tiers[t], byCause);
        }
        long identical = c.identical();
        long expired = identical + c.changed();
        long early = c.invalidatedEarly();
        long invalidated = early + c.invalidatedLate();
        TtlAdvisor.Advice advice = c.advice();
        TtlFit fit = new TtlFit(c.configuredMillis() / 1000, c.effectiveMillis() / 1000, advice.ttlMillis() / 1000,
                advice.reason(), expired, identical, percent(identical, expired), invalidated, early,
                percent(invalidated, invalidated + expired), c.window().total());
        List<HotKey> hot = c.hot().top(config.analytics().hotKeys()).stream()
                .map(h -> new HotKey(h.key(), h.lookups() * Analytics.HOT_SAMPLE, h.error() * Analytics.HOT_SAMPLE,
                        round(h.hitRate())))
                .toList();
        return new OfCache(misses, fit, hot);
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : round(100.0 * part / whole);
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    /** The recommendations start again from what comes next ({@code POST /admin/cache/stats/reset}). */
    public void restartWindows() {
        analytics.restartWindows();
    }

    /** Works the recommendations out now instead of at the end of the window (tests, operators). */
    public void evaluate() {
        analytics.evaluate();
    }
}

package dev.scenecache.cache.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.redis.EntryCodec;
import dev.scenecache.testing.ConfigProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * An adaptive TTL under two workloads, told to {@link Analytics} as the read path tells it: stable data (every
 * expired entry reloads identical) walks the TTL up a window at a time to its maximum; data rewritten
 * between reads (writes end the entries) never lengthens it; content that changes behind the cache walks it
 * down to its minimum.
 */
class AnalyticsTest {

    private static final long CONFIGURED = 3_600;
    private static final long MIN = 600;
    private static final long MAX = 4 * 3_600;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Analytics analytics = new Analytics(config(true), new KeyHistory(10_000), registry);

    @Test
    void shouldLengthenTheTtlOfStableDataUpToItsMaximum() {
        for (int window = 0; window < 4; window++) {
            for (int i = 0; i < 30; i++) {
                expireAndReload(new CacheKey(CacheNames.SCENE, "p:1", "s" + i), "same", "same");
            }
            analytics.evaluate();
        }
        assertThat(effectiveSeconds()).isEqualTo(MAX);
        assertThat(analytics.caches().get(CacheNames.SCENE).advice().reason()).isEqualTo(
                "expired entries reloaded unchanged");
        assertThat(registry.get("cache.ttl.seconds").tags("cache", "scene", "kind", "effective").gauge().value())
                .isEqualTo(MAX);
        assertThat(registry.get("cache.ttl.reloads").tags("cache", "scene", "content", "identical").functionCounter()
                .count()).isEqualTo(120);
    }

    @Test
    void shouldNotLengthenTheTtlOfDataRewrittenBetweenReads() {
        for (int window = 0; window < 4; window++) {
            for (int i = 0; i < 30; i++) {
                CacheKey key = new CacheKey(CacheNames.SCENE, "p:1", "w" + i);
                long now = System.currentTimeMillis();
                analytics.stored(key, analytics.start(), now, now + CONFIGURED * 1000, 1);
                analytics.l2Missed(key, null); // evicted: the history saw it fresh and not invalidated
                analytics.stored(key, analytics.start(), now, now + CONFIGURED * 1000, 1);
                analytics.history().invalidated(key); // a write (L1Tier applies it so), a few seconds in
                var ending = analytics.l2Missed(key, null);
                assertThat(ending.cause()).isEqualTo(MissCause.INVALIDATED);
                // and, less often, an expiry that reloads the same content: not enough to lengthen it
                if (i % 5 == 0) {
                    expireAndReload(new CacheKey(CacheNames.SCENE, "p:1", "x" + i), "same", "same");
                }
            }
            analytics.evaluate();
        }
        assertThat(effectiveSeconds()).isEqualTo(CONFIGURED);
        assertThat(analytics.caches().get(CacheNames.SCENE).advice().reason())
                .isEqualTo("writes end most entries before their TTL");
        assertThat(analytics.caches().get(CacheNames.SCENE).invalidatedEarly()).isEqualTo(120);
        assertThat(registry.get("cache.misses").tags("cache", "scene", "tier", "l2", "cause", "evicted")
                .functionCounter().count()).isEqualTo(120);
    }

    @Test
    void shouldShortenTheTtlOfContentThatChangesBehindTheCacheDownToItsMinimum() {
        for (int window = 0; window < 6; window++) {
            for (int i = 0; i < 30; i++) {
                expireAndReload(new CacheKey(CacheNames.SCENE, "p:1", "c" + i), "old" + window, "new" + window);
            }
            analytics.evaluate();
        }
        assertThat(effectiveSeconds()).isEqualTo(MIN);
    }

    @Test
    void shouldKeepTheConfiguredTtlWhenNotAdaptiveAndStillRecommend() {
        Analytics fixed = new Analytics(config(false), new KeyHistory(1_000), new SimpleMeterRegistry());
        for (int i = 0; i < 30; i++) {
            CacheKey key = new CacheKey(CacheNames.SCENE, "p:1", "f" + i);
            var ending = fixed.l2Missed(key, entry("same"));
            fixed.reloaded(key, ending, EntryChecksum.of(entry("same")));
        }
        fixed.evaluate();
        assertThat(fixed.ttlMillis(CacheNames.SCENE, CONFIGURED * 1000)).isEqualTo(CONFIGURED * 1000);
        assertThat(fixed.caches().get(CacheNames.SCENE).advice().ttlMillis()).isEqualTo(2 * CONFIGURED * 1000);
    }

    private void expireAndReload(CacheKey key, String before, String after) {
        KeyHistory.Ending ending = analytics.l2Missed(key, entry(before));
        assertThat(ending.cause()).isEqualTo(MissCause.EXPIRED);
        analytics.reloaded(key, ending, EntryChecksum.of(entry(after)));
    }

    private long effectiveSeconds() {
        return analytics.ttlMillis(CacheNames.SCENE, CONFIGURED * 1000) / 1000;
    }

    private static byte[] entry(String json) {
        long now = System.currentTimeMillis();
        return EntryCodec.encode(false, ("\"" + json + "\"").getBytes(StandardCharsets.UTF_8), 1, 1, 1, now - 10, now - 5,
                4096);
    }

    private static CacheConfig config(boolean adaptive) {
        CacheConfig.Ttl ttl = ConfigProxy.of(CacheConfig.Ttl.class, Map.of("scenes", CONFIGURED, "ai", 1_800L,
                "components", 86_400L, "adaptive", adaptive, "adaptiveMin", MIN, "adaptiveMax", MAX));
        CacheConfig.Analytics analytics = ConfigProxy.of(CacheConfig.Analytics.class, Map.of("enabled", true,
                "trackedKeys", 10_000L, "hotKeys", 10, "window", Duration.ofMinutes(1)));
        return ConfigProxy.of(CacheConfig.class, Map.of("ttl", ttl, "analytics", analytics));
    }
}

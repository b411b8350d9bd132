package dev.scenecache.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.scenecache.testing.CacheReady;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Cache analytics through the real read path (docs/architecture.md, "Cache analytics"): each miss cause
 * provoked and counted, per tier; the TTL recommendation moved by two workloads; the hottest key named.
 * (L1's size eviction: KeyHistoryTest, with an L1 small enough to fill.)
 */
@QuarkusTest
class CacheAnalyticsTest extends CacheTestBase {

    @Inject
    CacheAnalytics analytics;

    @Test
    void shouldCountEachMissOfEachTierByItsCause() throws Exception {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), id.toString());
        probe.put(id, "\"v1\"");

        // Cold: never read. Then an L1 hit: no miss.
        Misses before = Misses.now(analytics);
        read(group, id);
        read(group, id);
        assertThat(Misses.now(analytics).minus(before)).isEqualTo(Map.of("l1/cold", 1L, "l2/cold", 1L));

        // Invalidated: a write of the key, then of its whole group.
        before = Misses.now(analytics);
        invalidator.invalidate(key).await().atMost(Duration.ofSeconds(5));
        read(group, id);
        invalidator.invalidateGroup(key.group()).await().atMost(Duration.ofSeconds(5));
        read(group, id);
        assertThat(Misses.now(analytics).minus(before)).isEqualTo(Map.of("l1/invalidated", 2L, "l2/invalidated", 2L));

        // Expired: an entry fresh for 1.5 s more, read into L1; read again after its TTL (both tiers hold it
        // through its stale-if-error grace).
        UUID other = UUID.randomUUID();
        CacheKey otherKey = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), other.toString());
        long now = System.currentTimeMillis();
        putEntry(otherKey, "\"v1\"", 1, now, now + 1_500);
        probe.put(other, "\"v1\"");
        read(group, other);
        Awaitility.await().pollDelay(Duration.ofMillis(1_600)).atMost(Duration.ofSeconds(5))
                .until(() -> System.currentTimeMillis() > now + 1_500);
        before = Misses.now(analytics);
        read(group, other);
        assertThat(Misses.now(analytics).minus(before)).isEqualTo(Map.of("l1/expired", 1L, "l2/expired", 1L));

        // Evicted from Redis: an entry this instance stored (L1 refused its copy: an invalidation of another
        // group overtook the load), then gone from Redis before its TTL without a write.
        UUID third = UUID.randomUUID();
        CacheKey thirdKey = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), third.toString());
        probe.put(third, "\"v1\"");
        var held = probe.startHeld(() -> probe.read(group, third));
        invalidator.invalidateGroup(CacheNames.projectGroup(UUID.randomUUID())).await().atMost(Duration.ofSeconds(5));
        held.release().get(5, java.util.concurrent.TimeUnit.SECONDS);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> redis.call("EXISTS", thirdKey.redisKey()).toLong() == 1);
        redis.call("DEL", thirdKey.redisKey());
        before = Misses.now(analytics);
        read(group, third);
        assertThat(Misses.now(analytics).minus(before)).isEqualTo(Map.of("l1/cold", 1L, "l2/evicted", 1L));

        // Bypassed: caching switched off.
        before = Misses.now(analytics);
        coherence.setEnabled(false);
        try {
            read(group, id);
        } finally {
            coherence.setEnabled(true);
            CacheReady.await(coherence);
        }
        assertThat(Misses.now(analytics).minus(before)).isEqualTo(Map.of("l1/bypassed", 1L, "l2/bypassed", 1L));

        // The metric says the same as the report.
        var report = analytics.report().caches().get(CacheNames.SCENE);
        assertThat(registry.get("cache.misses").tags("cache", "scene", "tier", "l2", "cause", "evicted")
                .functionCounter().count()).isEqualTo((double) report.misses().get("l2").get("evicted"));
    }

    @Test
    void shouldRecommendALongerTtlForStableDataAndNoLongerOneForDataRewrittenBetweenReads() {
        long configured = analytics.report().caches().get(CacheNames.SCENE).ttl().configuredSeconds();
        UUID group = UUID.randomUUID();

        // Stable: 30 entries expire (within their grace) and their reloads bring back identical content.
        analytics.restartWindows();
        for (int i = 0; i < 30; i++) {
            UUID id = UUID.randomUUID();
            long now = System.currentTimeMillis();
            putEntry(CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), id.toString()), "\"same\"", 1,
                    now - 60_000, now - 1_000);
            probe.put(id, "\"same\"");
            read(group, id);
        }
        analytics.evaluate();
        CacheAnalytics.TtlFit stable = analytics.report().caches().get(CacheNames.SCENE).ttl();
        assertThat(stable.recommendedSeconds()).isEqualTo(2 * configured);
        assertThat(stable.reason()).isEqualTo("expired entries reloaded unchanged");

        // Rewritten: 30 keys, each written twice between reads.
        analytics.restartWindows();
        for (int i = 0; i < 30; i++) {
            UUID id = UUID.randomUUID();
            CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), id.toString());
            probe.put(id, "\"v0\"");
            read(group, id);
            for (int w = 1; w <= 2; w++) {
                probe.put(id, "\"v" + w + "\"");
                invalidator.invalidate(key).await().atMost(Duration.ofSeconds(5));
                read(group, id);
            }
        }
        analytics.evaluate();
        CacheAnalytics.TtlFit rewritten = analytics.report().caches().get(CacheNames.SCENE).ttl();
        assertThat(rewritten.recommendedSeconds()).isEqualTo(configured);
        assertThat(rewritten.reason()).isEqualTo("writes end most entries before their TTL");
        assertThat(rewritten.invalidatedEarly()).isGreaterThanOrEqualTo(60);
        assertThat(rewritten.effectiveSeconds()).as("not adaptive here: the TTL in use stays").isEqualTo(configured);
    }

    @Test
    void shouldNameTheHottestKeyWithItsHitRateAndServeTheReportToAdminsOnly() {
        UUID group = UUID.randomUUID();
        UUID hot = UUID.randomUUID();
        probe.put(hot, "\"hot\"");
        for (int i = 0; i < 2_000; i++) { // hot keys sample one lookup in 16: about 125 of these
            read(group, hot);
        }
        String label = CacheNames.projectGroup(group) + "/" + hot;
        var keys = analytics.report().caches().get(CacheNames.SCENE).hotKeys();
        assertThat(keys).isNotEmpty();
        assertThat(keys.get(0).key()).isEqualTo(label);
        assertThat(keys.get(0).hitRate()).isGreaterThanOrEqualTo(99.0);

        given().get("/admin/cache/analytics").then().statusCode(401);
        given().header("Authorization", "Bearer test-admin-token").get("/admin/cache/analytics").then()
                .statusCode(200)
                .body("caches.scene.hotKeys[0].key", org.hamcrest.Matchers.equalTo(label))
                .body("caches.scene.misses.l2.keySet()", org.hamcrest.Matchers.containsInAnyOrder("cold", "expired",
                        "invalidated", "evicted", "bypassed"))
                .body("caches.scene.ttl.configuredSeconds", org.hamcrest.Matchers.equalTo(3600));
    }

    private void read(UUID group, UUID id) {
        probe.read(group, id).await().atMost(Duration.ofSeconds(5));
    }

    /** The scene cache's misses per {@code tier/cause}, at one moment. */
    private record Misses(Map<String, Long> counts) {
        static Misses now(CacheAnalytics analytics) {
            Map<String, Long> counts = new java.util.TreeMap<>();
            analytics.report().caches().get(CacheNames.SCENE).misses().forEach((tier, causes) -> causes
                    .forEach((cause, n) -> counts.put(tier + "/" + cause, n)));
            return new Misses(counts);
        }

        /** The counts that moved since {@code before}. */
        Map<String, Long> minus(Misses before) {
            Map<String, Long> moved = new java.util.TreeMap<>();
            counts.forEach((k, n) -> {
                long d = n - before.counts.getOrDefault(k, 0L);
                if (d != 0) {
                    moved.put(k, d);
                }
            });
            return moved;
        }
    }
}

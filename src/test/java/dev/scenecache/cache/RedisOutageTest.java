package dev.scenecache.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.testing.Api;
import dev.scenecache.testing.CacheReady;
import dev.scenecache.testing.RedisProbe;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
@QuarkusTestResource(TestServers.class)
class RedisOutageTest {

    /**
     * Only a guard against a request that waits for Redis: Redis stays down until the test restarts it,
     * so such a request would hang; any answer from PostgreSQL, however slow the machine, comes sooner.
     */
    private static final long HANG_MILLIS = 10_000;

    @Inject
    Coherence coherence;

    @Test
    void shouldAnswerFromPostgresWhileRedisIsDownAndHitAgainWhenItIsBack() {
        CacheReady.await(coherence);
        String project = Api.createProject("Outage");
        String scene = Api.createScene(project, "Steady");
        read(project, scene);
        assertThat(read(project, scene).header("X-Cache")).isEqualTo("HIT");

        // Action: Redis dies. Expected: every read answers 200 with the right data, BYPASS, without waiting for Redis.
        TestServers.redis().stop();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !coherence.l1Usable());
            // Readiness stays UP (the service works without its cache) and says why the cache is degraded.
            given().get("/q/health/ready").then().statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("UP"))
                    .body("checks.find { it.name == 'cache' }.data.cache", org.hamcrest.Matchers.equalTo("degraded"))
                    .body("checks.find { it.name == 'cache' }.data.reasons",
                            org.hamcrest.Matchers.containsString("Redis"));
            for (int i = 0; i < 20; i++) {
                long start = System.nanoTime();
                Response response = read(project, scene);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(response.header("X-Cache")).isEqualTo("BYPASS");
                assertThat(response.<String> path("name")).isEqualTo(i < 10 ? "Steady" : "Renamed in the dark");
                assertThat(millis).as("request %s took %s ms", i, millis).isLessThan(HANG_MILLIS);
                if (i == 9) {
                    // A write while Redis is down succeeds, and is served at once.
                    given().contentType(ContentType.JSON).body(Map.of("name", "Renamed in the dark"))
                            .patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200);
                }
            }
        } finally {
            TestServers.redis().start();
        }

        // Action: Redis is back (empty). Expected: hits again without a restart, and never the old name.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            Response response = read(project, scene);
            assertThat(response.<String> path("name")).isEqualTo("Renamed in the dark");
            assertThat(response.header("X-Cache")).isEqualTo("HIT");
        });
        // Redis came back empty: its generation counters are gone. A flush must still invalidate what this
        // instance knows (generations never go back), and the value is read again from PostgreSQL.
        given().header("Authorization", "Bearer test-admin-token").delete("/admin/cache/scene").then().statusCode(204);
        assertThat(read(project, scene).header("X-Cache")).isEqualTo("MISS");
        assertThat(read(project, scene).header("X-Cache")).isEqualTo("HIT");
        // (Counters restarted, so the hit rate of earlier tests' traffic does not count.)
        given().header("Authorization", "Bearer test-admin-token").post("/admin/cache/stats/reset").then().statusCode(204);
        Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(200).body("checks.find { it.name == 'cache' }.data.cache", org.hamcrest.Matchers.equalTo("ok")));
    }

    @Test
    void shouldApplyMemorySettingsToRedisAtStart() {
        try (RedisProbe redis = new RedisProbe()) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(redis.call("CONFIG", "GET", "maxmemory").get("maxmemory").toLong()).isEqualTo(300L * 1024 * 1024);
                assertThat(redis.call("CONFIG", "GET", "maxmemory-policy").get("maxmemory-policy").toString())
                        .isEqualTo("allkeys-lfu");
            });
        }
    }

    private static Response read(String project, String scene) {
        return given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200).extract().response();
    }
}

package dev.scenecache.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.testing.Api;
import dev.scenecache.testing.CacheReady;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
@QuarkusTestResource(TestServers.class)
class AdminApiTest {

    static final String TOKEN = "test-admin-token";

    static {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Inject
    Coherence coherence;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.http.test-port")
    int port;

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + TOKEN);
    }

    static JsonPath stats() {
        return admin().get("/admin/cache/stats").then().statusCode(200).extract().jsonPath();
    }

    @BeforeEach
    void cacheReady() {
        CacheReady.await(coherence);
        admin().post("/admin/cache/stats/reset").then().statusCode(204);
    }

    @AfterEach
    void cacheOn() {
        coherence.setEnabled(true);
    }

    /** The semantic decision cache is opt-in: off, its model never loaded, however many decisions are made. */
    @Test
    void shouldLeaveTheSemanticCacheOffWithItsModelUnloadedByDefault() {
        String project = Api.createProject("Plain");
        Api.createScene(project, "Intro");
        for (String prompt : List.of("make the intro blue", "turn the intro blue", "make scene 1 blue")) {
            given().contentType(ContentType.JSON).body(Map.of("prompt", prompt)).post("/projects/{p}/decisions", project)
                    .then().statusCode(200).body("cached", equalTo(false));
        }
        admin().get("/admin/ai/semantic").then().statusCode(200).body("enabled", equalTo(false))
                .body("mode", equalTo("off")).body("modelLoaded", equalTo(false)).body("hits", equalTo(0))
                .body("recentHits.size()", equalTo(0)).body("shadow.agreed", equalTo(0));
        given().get("/admin/ai/semantic").then().statusCode(401);
    }

    @Test
    void shouldRefuseEveryAdminPathWithoutTheRightToken() throws Exception {
        for (String path : List.of("/admin/cache/stats", "/admin/cache/enabled", "/admin/nothing-here")) {
            given().get(path).then().statusCode(401)
                    .contentType("application/problem+json")
                    .header("WWW-Authenticate", containsString("Bearer"))
                    .body("type", equalTo("urn:scenecache:problem:unauthorized"))
                    .body("status", equalTo(401));
        }
        // Paths that reach the admin API only once normalised (sent raw: RestAssured would encode them).
        for (String path : List.of("//admin/cache/stats", "/x/../admin/cache/stats", "/%61dmin/cache/stats")) {
            assertThat(rawGet(path)).as(path).isEqualTo(401);
        }
        given().header("Authorization", "Bearer wrong-token").get("/admin/cache/stats").then().statusCode(401)
                .body("detail", containsString("wrong"));
        given().header("Authorization", "Bearer " + TOKEN + "x").get("/admin/cache/stats").then().statusCode(401);
        given().header("Authorization", "Basic " + TOKEN).get("/admin/cache/stats").then().statusCode(401);
        given().header("Authorization", "Bearer ").get("/admin/cache/stats").then().statusCode(401);
        // A refused write changes nothing.
        given().contentType(ContentType.JSON).body(Map.of("enabled", false)).put("/admin/cache/enabled")
                .then().statusCode(401);
        assertThat(coherence.enabled()).isTrue();

        given().header("Authorization", "bearer " + TOKEN).get("/admin/cache/stats").then().statusCode(200);
    }

    @Test
    void shouldAcceptATokenGivenOnlyAsItsSha256AlongsideThePlainOneForARotation() {
        // The test profile: ADMIN_TOKEN=test-admin-token, ADMIN_TOKEN_SHA256=sha256("rotated-admin-token").
        given().header("Authorization", "Bearer rotated-admin-token").get("/admin/cache/stats").then().statusCode(200);
        given().header("Authorization", "Bearer " + TOKEN).get("/admin/cache/stats").then().statusCode(200);
        // The digest itself is not a token.
        given().header("Authorization", "Bearer 460087d922c658babf33a20e80363eb1f66ee0a58a02234c268d67411a96ddc1")
                .get("/admin/cache/stats").then().statusCode(401);
    }

    @Test
    void shouldReadAtMostTwoTokensOfEachKindAndRefuseAMalformedDigestWithoutShowingIt() {
        var two = AdminAuth.accepted(java.util.Optional.of("old-token, new-token"), java.util.Optional.empty());
        assertThat(AdminAuth.accepts(two, "old-token")).isTrue();
        assertThat(AdminAuth.accepts(two, "new-token")).isTrue();
        assertThat(AdminAuth.accepts(two, "old-token,new-token")).isFalse();
        assertThat(AdminAuth.accepted(java.util.Optional.empty(), java.util.Optional.empty())).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdminAuth.accepted(java.util.Optional.of("a,b,c"),
                java.util.Optional.empty())).hasMessageContaining("at most two");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdminAuth.accepted(java.util.Optional.empty(),
                java.util.Optional.of("secret-not-a-digest"))).hasMessageContaining("entry 1")
                .hasMessageNotContaining("secret-not-a-digest");
    }

    private int rawGet(String path) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    @Test
    void shouldReportEveryFigureOfTheContract() {
        JsonPath stats = stats();
        assertThat(stats.getBoolean("enabled")).isTrue();
        assertThat(stats.getString("health")).isIn("healthy", "degraded");
        assertThat(stats.getList("reasons")).isNotNull();
        assertThat(stats.getLong("uptimeSeconds")).isGreaterThanOrEqualTo(0);
        for (String cache : CacheNames.ALL) {
            assertThat(stats.getMap("caches." + cache)).as(cache)
                    .containsKeys("hits", "misses", "errors", "hitRate", "l1Hits", "l2Hits", "loads", "loadMillisAvg",
                            "evictions");
        }
        assertThat(stats.getMap("totals")).containsKeys("hits", "misses", "errors", "hitRate", "l1Hits", "l2Hits",
                "loads", "loadMillisAvg", "evictions");
        assertThat(stats.getBoolean("redis.connected")).isTrue();
        assertThat(stats.getLong("redis.usedMemoryBytes")).isPositive();
        assertThat(stats.getLong("redis.maxMemoryBytes")).isEqualTo(300L * 1024 * 1024);
        assertThat(stats.getString("redis.evictionPolicy")).isEqualTo("allkeys-lfu");
        assertThat(stats.getMap("ai")).containsKeys("upstreamCalls", "cacheHits", "tokensSaved");
    }

    @Test
    void shouldCountAMissThenAHitAndStartAgainFromZeroAfterAReset() {
        String project = Api.createProject("Stats");
        String scene = Api.createScene(project, "Counted");
        admin().delete("/admin/cache/scene").then().statusCode(204);
        admin().post("/admin/cache/stats/reset").then().statusCode(204);

        given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200).header("X-Cache", "MISS");
        given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200).header("X-Cache", "HIT");

        JsonPath stats = stats();
        assertThat(stats.getLong("caches.scene.misses")).isEqualTo(1);
        assertThat(stats.getLong("caches.scene.hits")).isEqualTo(1);
        assertThat(stats.getLong("caches.scene.l1Hits")).isEqualTo(1);
        assertThat(stats.getLong("caches.scene.loads")).isEqualTo(1);
        assertThat(stats.getDouble("caches.scene.hitRate")).isEqualTo(50.0);
        assertThat(stats.getDouble("caches.scene.loadMillisAvg")).isPositive();
        assertThat(stats.getLong("totals.hits")).isEqualTo(1);
        assertThat(stats.getLong("totals.misses")).isEqualTo(1);

        admin().post("/admin/cache/stats/reset").then().statusCode(204);
        JsonPath after = stats();
        assertThat(after.getLong("totals.hits")).isZero();
        assertThat(after.getLong("totals.misses")).isZero();
        assertThat(after.getDouble("totals.hitRate")).isZero();
    }

    @Test
    void shouldFlushOneCacheAndNothingElse() {
        String project = Api.createProject("Flush");
        String scene = Api.createScene(project, "Flushed");
        given().get("/projects/{p}/scenes/{s}", project, scene).then().header("X-Cache", "HIT");
        given().get("/projects/{p}", project).then().statusCode(200);
        given().get("/projects/{p}", project).then().header("X-Cache", "HIT");

        admin().delete("/admin/cache/scene").then().statusCode(204);

        given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200).header("X-Cache", "MISS")
                .body("name", equalTo("Flushed"));
        given().get("/projects/{p}", project).then().header("X-Cache", "HIT");

        admin().delete("/admin/cache/no-such-cache").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("scene-list"));
    }

    @Test
    void shouldSwitchCachingOffAndOnAtRunTime() {
        String project = Api.createProject("Switch");
        String scene = Api.createScene(project, "Switched");

        admin().contentType(ContentType.JSON).body(Map.of("enabled", false)).put("/admin/cache/enabled")
                .then().statusCode(200).body("enabled", equalTo(false));
        given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200).header("X-Cache", "BYPASS");
        JsonPath off = stats();
        assertThat(off.getBoolean("enabled")).isFalse();
        assertThat(off.getString("health")).isEqualTo("degraded");
        assertThat(off.getList("reasons", String.class)).anyMatch(r -> r.contains("switched off"));

        admin().contentType(ContentType.JSON).body(Map.of("enabled", true)).put("/admin/cache/enabled")
                .then().statusCode(200).body("enabled", equalTo(true));
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().get("/projects/{p}/scenes/{s}", project, scene).then().header("X-Cache", "HIT"));
    }

    @Test
    void shouldRejectABadSwitchAndChangeNothing() {
        for (String body : List.of("{}", "{\"enabled\": null}", "{\"enabled\": \"maybe\"}", "{\"enabled\": true,"
                + " \"extra\": 1}", "{\"enabled\":", "[]")) {
            admin().contentType(ContentType.JSON).body(body).put("/admin/cache/enabled")
                    .then().statusCode(400).contentType("application/problem+json");
        }
        admin().put("/admin/cache/enabled").then().statusCode(400);
        assertThat(coherence.enabled()).isTrue();
    }

    @Test
    void shouldMarkTheCacheDegradedWhenTheHitRateIsLowAndStayReady() {
        String project = Api.createProject("Cold");
        // 120 lookups of scenes that do not exist, each a first miss: hit rate 0% over enough lookups.
        for (int i = 0; i < 120; i++) {
            given().get("/projects/{p}/scenes/{s}", project, UUID.randomUUID()).then().statusCode(404);
        }
        JsonPath stats = stats();
        assertThat(stats.getString("health")).isEqualTo("degraded");
        assertThat(stats.getList("reasons", String.class)).anyMatch(r -> r.startsWith("hit rate 0.0%"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'cache' }.data.cache", equalTo("degraded"))
                .body("checks.find { it.name == 'cache' }.data.reasons", containsString("hit rate"));

        // A reset restarts the window: the hit rate is no longer a reason (others, such as a heartbeat
        // late on a loaded machine, are not this test's business).
        admin().post("/admin/cache/stats/reset").then().statusCode(204);
        assertThat(stats().getList("reasons", String.class)).noneMatch(r -> r.startsWith("hit rate"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("cache"))
                .body("checks.find { it.name == 'cache' }.status", equalTo("UP"));
    }
}

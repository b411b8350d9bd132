package dev.scenecache.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.testing.Api;
import dev.scenecache.testing.RedisProbe;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@code CACHE_ENABLED=false} at start: every read goes to PostgreSQL, and Redis hears nothing. */
@QuarkusTest
@QuarkusTestResource(TestServers.class)
@TestProfile(CacheDisabledTest.Disabled.class)
class CacheDisabledTest {

    public static class Disabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cache.enabled", "false");
        }
    }

    @Inject
    Coherence coherence;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void shouldBypassTheCacheWithoutAnyRedisCall() {
        try (RedisProbe redis = new RedisProbe()) {
            String project = Api.createProject("Uncached");
            String scene = Api.createScene(project, "Direct");
            long before = redis.commandsProcessed();
            for (int i = 0; i < 5; i++) {
                given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200)
                        .header("X-Cache", "BYPASS");
                given().get("/projects/{p}", project).then().statusCode(200).header("X-Cache", "BYPASS");
            }
            String another = Api.createScene(project, "Another");
            given().contentType("application/json").body("{\"name\": \"Renamed\"}")
                    .patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200);
            try {
                var http = java.net.http.HttpClient.newHttpClient();
                var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + port + "/projects/" + project + "/scenes/" + another))
                        .header("Content-Type", "application/json").timeout(java.time.Duration.ofSeconds(5))
                        .method("DELETE", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(204);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            given().delete("/projects/{p}/scenes/{s}", project, scene).then().statusCode(204);
            given().get("/projects/{p}/scenes", project).then().statusCode(200).body("size()",
                    org.hamcrest.Matchers.equalTo(0));
            assertThat(redis.commandsProcessed() - before).as("only the INFO of this test").isEqualTo(1);
            assertThat(coherence.subscribed()).isFalse();
        }
    }
}

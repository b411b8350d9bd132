package dev.scenecache.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Api;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@QuarkusTestResource(TestServers.class)
class DatabaseOutageTest {

    @Test
    void shouldAnswer503WhileTheDatabaseIsDownAndRecoverByItself() {
        String project = Api.createProject("Outage");
        String scene = Api.createScene(project, "Survivor");

        // Action: stop PostgreSQL. Expected: what is cached is still served; what is not, and every
        // write, answers 503 problem+json with Retry-After.
        TestServers.postgres().stop();
        try {
            given().get("/projects/{p}/scenes", project).then().statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "5")
                    .body("status", equalTo(503));
            given().get("/projects/{p}/scenes/{s}", project, UUID.randomUUID()).then().statusCode(503);
            given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200)
                    .header("X-Cache", "HIT").header("Cache-Status", startsWith("scenecache; hit; detail=l"))
                    .body("name", equalTo("Survivor"));
            given().contentType(ContentType.JSON).body(Map.of("name", "n", "type", "t"))
                    .post("/projects").then().statusCode(503);
            given().contentType(ContentType.JSON).body(Map.of("name", "renamed"))
                    .patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(503);
            // Readiness stays UP, saying why: with stale-if-error on (the default) the cache answers what it
            // holds through the outage, and an outage of the database reaches every replica at once (with it
            // off, readiness is DOWN: StaleIfErrorIT). Liveness stays UP (no restart).
            given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                    .body("checks.find { it.name == 'database' }.data.state", equalTo("unreachable"))
                    .body("checks.find { it.name == 'database' }.data.reason", containsString("PostgreSQL unreachable"))
                    .body("checks.find { it.name == 'cache' }.status", equalTo("UP"));
            given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        } finally {
            TestServers.postgres().start();
        }

        // Action: PostgreSQL is back. Expected: the service answers again without a restart, data intact.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200)
                        .body("name", equalTo("Survivor")));
        given().contentType(ContentType.JSON).body(Map.of("name", "renamed"))
                .patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200).body("version", equalTo(2));
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                        .body("checks.name", hasItems("database", "cache"))
                        .body("checks.find { it.name == 'database' }.data.state", nullValue()));
    }
}

package dev.scenecache.project;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.testing.Api;
import dev.scenecache.testing.CacheReady;
import dev.scenecache.testing.Sql;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

@QuarkusTest
@QuarkusTestResource(TestServers.class)
class ProjectWarmingTest {

    static {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Inject
    Coherence coherence;

    @Inject
    ProjectWarmer warmer;

    @Inject
    dev.scenecache.component.CompilePool pool;

    @BeforeEach
    void cacheReady() {
        CacheReady.await(coherence);
    }

    @Test
    void shouldServeTheProjectAsHitsWithoutTheDatabaseAfterOpen() {
        String project = Api.createProject("Warm me");
        List<String> scenes = List.of(Api.createScene(project, "One"), Api.createScene(project, "Two"),
                Api.createScene(project, "Three"));
        flushAll();
        long warmedBefore = warmer.figures().completed();

        given().post("/projects/{p}/open", project).then().statusCode(202)
                .body("projectId", equalTo(project)).body("warming", equalTo(true));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> warmer.figures().completed() > warmedBefore);

        long projectQueries = Sql.statementsOn("projects");
        long sceneQueries = Sql.statementsOn("scenes");
        given().get("/projects/{p}", project).then().statusCode(200).header("X-Cache", "HIT");
        given().get("/projects/{p}/scenes", project).then().statusCode(200).header("X-Cache", "HIT")
                .body("size()", equalTo(3));
        long compiles = pool.compiles();
        for (String scene : scenes) {
            given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200).header("X-Cache", "HIT");
            given().get("/projects/{p}/scenes/{s}/component", project, scene).then().statusCode(200)
                    .header("X-Cache", "HIT").body("success", equalTo(true));
        }
        assertThat(pool.compiles()).isEqualTo(compiles);
        assertThat(Sql.statementsOn("scenes")).isEqualTo(sceneQueries);
        assertThat(Sql.statementsOn("projects")).isEqualTo(projectQueries);
    }

    @Test
    void shouldSkipWhatIsCachedAlready() {
        String project = Api.createProject("Already warm");
        Api.createScene(project, "Cached");
        given().get("/projects/{p}/scenes", project).then().statusCode(200);
        given().get("/projects/{p}", project).then().statusCode(200);
        long warmedBefore = warmer.figures().completed();
        long sceneQueries = Sql.statementsOn("scenes");

        given().post("/projects/{p}/open", project).then().statusCode(202);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> warmer.figures().completed() > warmedBefore);

        assertThat(Sql.statementsOn("scenes")).isEqualTo(sceneQueries);
    }

    @Test
    void shouldAnswer404ForAnUnknownProjectAnd400ForABadId() {
        given().post("/projects/{p}/open", UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        given().post("/projects/{p}/open", "not-a-uuid").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void shouldPreloadTheMostRecentlyUpdatedProjects() {
        String older = Api.createProject("Older");
        Api.createScene(older, "Old scene");
        String newer = Api.createProject("Newer");
        String newerScene = Api.createScene(newer, "New scene");
        given().contentType("application/json").body("{\"name\": \"Newest\"}").patch("/projects/{p}", older)
                .then().statusCode(200);
        flushAll();

        assertThat(warmer.preloadRecent(2).await().atMost(Duration.ofSeconds(20))).isEqualTo(2);

        long sceneQueries = Sql.statementsOn("scenes");
        given().get("/projects/{p}/scenes", older).then().statusCode(200).header("X-Cache", "HIT");
        given().get("/projects/{p}/scenes/{s}", newer, newerScene).then().statusCode(200).header("X-Cache", "HIT");
        assertThat(Sql.statementsOn("scenes")).isEqualTo(sceneQueries);
    }

    private static void flushAll() {
        for (String cache : List.of(CacheNames.PROJECT, CacheNames.SCENE_LIST, CacheNames.SCENE, CacheNames.COMPONENT)) {
            given().header("Authorization", "Bearer test-admin-token").delete("/admin/cache/{c}", cache)
                    .then().statusCode(204);
        }
    }
}

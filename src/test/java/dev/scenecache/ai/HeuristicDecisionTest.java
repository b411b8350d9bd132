package dev.scenecache.ai;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Api;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The endpoint with the default (offline) brain: decisions, their cache, and bad input. */
@QuarkusTest
@QuarkusTestResource(TestServers.class)
class HeuristicDecisionTest {

    @Test
    void shouldDecideOfflineAndServeTheRepeatFromTheCache() {
        String project = Api.createProject("Offline");
        Api.createScene(project, "Title");
        String second = Api.createScene(project, "Chart");
        decide(project, "delete scene 2").statusCode(200)
                .body("operation", equalTo("deleteScene")).body("targetSceneId", equalTo(second))
                .body("toolName", equalTo("deleteScene")).body("model", equalTo("heuristic-v1"))
                .body("cached", equalTo(false));
        decide(project, "Delete   SCENE 2!").statusCode(200).body("cached", equalTo(true))
                .body("targetSceneId", equalTo(second));
        decide(project, "add a title scene").statusCode(200).body("operation", equalTo("addScene"))
                .body("targetSceneId", nullValue());
    }

    @Test
    void shouldRefuseBadInputWith4xx() {
        String project = Api.createProject("Bad input");
        decide(project, "").statusCode(400).contentType("application/problem+json");
        decide(project, "   ").statusCode(400);
        decide(project, "x".repeat(8001)).statusCode(400);
        given().contentType(ContentType.JSON).body("{}").post("/projects/{p}/decisions", project).then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("prompt", "hi", "userId", "bad user!"))
                .post("/projects/{p}/decisions", project).then().statusCode(400);
        decide(UUID.randomUUID().toString(), "add a scene").statusCode(404);
        decide("not-a-uuid", "add a scene").statusCode(400);
    }

    private static io.restassured.response.ValidatableResponse decide(String project, String prompt) {
        return given().contentType(ContentType.JSON).body(Map.of("prompt", prompt))
                .post("/projects/{p}/decisions", project).then();
    }
}

package dev.scenecache.scene;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Api;
import dev.scenecache.testing.Sql;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

@QuarkusTest
@QuarkusTestResource(TestServers.class)
class SceneResourceTest {

    static {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldCreateSceneWithDefaults() {
        String project = Api.createProject("Defaults");
        var created = Api.createScene(project, Api.scene("Intro")).statusCode(201)
                .header("ETag", "\"1\"")
                .body("projectId", equalTo(project))
                .body("order", equalTo(0))
                .body("props", equalTo(Map.of()))
                .body("durationFrames", equalTo(150))
                .body("version", equalTo(1))
                .body("tsxCode", equalTo(Api.TSX))
                .extract();
        String id = created.path("id");
        assertThat(created.header("Location")).endsWith("/projects/" + project + "/scenes/" + id);

        // The next scene goes after the last one.
        Api.createScene(project, Api.scene("Second")).statusCode(201).body("order", equalTo(1));
        var explicit = Api.scene("Far");
        explicit.put("order", 40);
        Api.createScene(project, explicit).statusCode(201).body("order", equalTo(40));
        Api.createScene(project, Api.scene("Last")).statusCode(201).body("order", equalTo(41));

        var row = Sql.row("select name, scene_order, props, duration_frames, tsx_code from scene where id = ?",
                UUID.fromString(id));
        assertThat(row).containsEntry("name", "Intro").containsEntry("scene_order", 0)
                .containsEntry("props", "{}").containsEntry("duration_frames", 150)
                .containsEntry("tsx_code", Api.TSX);
    }

    @Test
    void shouldListScenesByOrderThenCreation() {
        String project = Api.createProject("Ordering");
        String c = create(project, "C", 5);
        String a = create(project, "A", 1);
        String b1 = create(project, "B1", 3);
        String b2 = create(project, "B2", 3);
        given().get("/projects/{p}/scenes", project).then().statusCode(200)
                .body("$", hasSize(4))
                .body("id", contains(a, b1, b2, c))
                .body("name", contains("A", "B1", "B2", "C"));
        String empty = Api.createProject("Empty");
        given().get("/projects/{p}/scenes", empty).then().statusCode(200).body("$", hasSize(0));
        given().get("/projects/{p}/scenes", UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void shouldKeepPropsAsTheJsonObjectSent() {
        String project = Api.createProject("Props");
        var body = Api.scene("Chart");
        body.put("props", Map.of("title", "Sales", "values", List.of(1, 2, 3), "style", Map.of("color", "#fff")));
        body.put("durationFrames", 300);
        String id = Api.createScene(project, body).statusCode(201).extract().path("id");
        given().get("/projects/{p}/scenes/{s}", project, id).then().statusCode(200)
                .body("props.title", equalTo("Sales"))
                .body("props.values", contains(1, 2, 3))
                .body("props.style.color", equalTo("#fff"))
                .body("durationFrames", equalTo(300));
    }

    @Test
    void shouldNotGetSceneThroughAnotherProject() {
        String owner = Api.createProject("Owner");
        String other = Api.createProject("Other");
        String scene = Api.createScene(owner, "Mine");
        given().get("/projects/{p}/scenes/{s}", owner, scene).then().statusCode(200);
        given().get("/projects/{p}/scenes/{s}", other, scene).then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("name", "stolen"))
                .patch("/projects/{p}/scenes/{s}", other, scene).then().statusCode(404);
        given().delete("/projects/{p}/scenes/{s}", other, scene).then().statusCode(404);
        given().get("/projects/{p}/scenes/{s}", owner, "nope").then().statusCode(400)
                .body("errors.field", hasItem("sceneId"));
        assertThat(Sql.row("select name from scene where id = ?", UUID.fromString(scene))).containsEntry("name", "Mine");
    }

    @Test
    void shouldPatchWithIfMatchAndAnswer412OnMismatch() {
        String project = Api.createProject("Patching");
        String scene = Api.createScene(project, "Draft");
        given().contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body(Map.of("tsxCode", "export default () => null;", "props", Map.of("a", 1), "order", 7))
                .patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200)
                .header("ETag", "\"2\"")
                .body("version", equalTo(2))
                .body("order", equalTo(7))
                .body("props.a", equalTo(1))
                .body("name", equalTo("Draft"));
        // A client still holding version 1 loses.
        given().contentType(ContentType.JSON).header("If-Match", "\"1\"").body(Map.of("name", "Late"))
                .patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(412)
                .contentType("application/problem+json");
        given().header("If-None-Match", "\"2\"").get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(304);
        assertThat(Sql.row("select name, version from scene where id = ?", UUID.fromString(scene)))
                .containsEntry("name", "Draft").containsEntry("version", 2L);
    }

    @Test
    void shouldMoveTheVersionOnlyWhenAValueChangesAndHonourEveryIfMatchForm() {
        String project = Api.createProject("Versions");
        String scene = Api.createScene(project, "Same");
        // Action: a patch that sends the values the scene has. Expected: 200, version and ETag unchanged.
        given().contentType(ContentType.JSON).body(Map.of("name", "Same"))
                .patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200)
                .header("ETag", "\"1\"").body("version", equalTo(1));
        // A weak tag never matches, and neither does a tag we never write ("01"): 412, nothing changed.
        for (String tag : List.of("W/\"1\"", "\"01\"", "\"+1\"", "1")) {
            given().contentType(ContentType.JSON).header("If-Match", tag).body(Map.of("name", "Weak"))
                    .patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(412);
        }
        // A list naming the current version, then "*", each change it once.
        String first = given().contentType(ContentType.JSON).header("If-Match", "\"7\", \"1\"")
                .body(Map.of("name", "Listed")).patch("/projects/{p}/scenes/{s}", project, scene).then()
                .statusCode(200).header("ETag", "\"2\"").body("name", equalTo("Listed"))
                .extract().path("updatedAt");
        String second = given().contentType(ContentType.JSON).header("If-Match", "*")
                .body(Map.of("durationFrames", 90, "name", "Listed")).patch("/projects/{p}/scenes/{s}", project, scene)
                .then().statusCode(200).header("ETag", "\"3\"").body("durationFrames", equalTo(90))
                .extract().path("updatedAt");
        assertThat(java.time.Instant.parse(second)).isAfterOrEqualTo(java.time.Instant.parse(first));
        // Expected: what the writes answered is what a read returns, and what PostgreSQL holds.
        given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200)
                .body("version", equalTo(3)).body("name", equalTo("Listed")).body("updatedAt", equalTo(second));
        assertThat(Sql.row("select name, duration_frames, version from scene where id = ?", UUID.fromString(scene)))
                .containsEntry("name", "Listed").containsEntry("duration_frames", 90).containsEntry("version", 3L);
    }

    @Test
    void shouldRejectOutOfRangeValuesAndChangeNothing() {
        String project = Api.createProject("Limits");
        String scene = Api.createScene(project, "Bounded");
        var tooMuch = Api.scene("X");
        tooMuch.put("order", 10_001);
        tooMuch.put("durationFrames", 0);
        tooMuch.put("type", "Bad Type");
        Api.createScene(project, tooMuch).statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("order"))
                .body("errors.field", hasItem("durationFrames"))
                .body("errors.field", hasItem("type"));

        var bigCode = Api.scene("Big");
        bigCode.put("tsxCode", "x".repeat(256 * 1024 + 1));
        Api.createScene(project, bigCode).statusCode(400).body("errors.field", hasItem("tsxCode"));
        var bigProps = Api.scene("Big props");
        bigProps.put("props", Map.of("blob", "y".repeat(64 * 1024)));
        Api.createScene(project, bigProps).statusCode(400).body("errors.field", hasItem("props"));
        var notObject = Api.scene("Props array");
        notObject.put("props", List.of(1));
        Api.createScene(project, notObject).statusCode(400).body("errors.field", hasItem("props"));
        var emptyCode = Api.scene("Empty");
        emptyCode.put("tsxCode", "");
        Api.createScene(project, emptyCode).statusCode(400).body("errors.field", hasItem("tsxCode"));
        Api.createScene(project, Map.of("name", "no code", "type", "intro")).statusCode(400)
                .body("errors.field", hasItem("tsxCode"));
        Api.createScene(UUID.randomUUID().toString(), Api.scene("orphan")).statusCode(404);

        given().contentType(ContentType.JSON).body("{\"durationFrames\": 108001}")
                .patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(400)
                .body("errors.field", hasItem("durationFrames"));
        given().contentType(ContentType.JSON).body("{\"tsxCode\": null}")
                .patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(400)
                .body("errors.field", hasItem("tsxCode"));
        given().contentType(ContentType.JSON).body("{\"order\": \"first\"}")
                .patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(400)
                .body("errors.field", hasItem("order"));
        given().contentType(ContentType.JSON).patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(400)
                .body("errors.field", hasItem("body"));
        given().contentType(ContentType.JSON).body("{\"name\": \"\", \"durationFrames\": 0}")
                .patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.contains("durationFrames", "name"));

        assertThat(Sql.count("select count(*) from scene where project_id = ?", UUID.fromString(project))).isEqualTo(1);
        assertThat(Sql.row("select version from scene where id = ?", UUID.fromString(scene))).containsEntry("version", 1L);
    }

    @Test
    void shouldDeleteScene() {
        String project = Api.createProject("Deleting");
        String keep = Api.createScene(project, "Keep");
        String drop = Api.createScene(project, "Drop");
        given().header("If-Match", "\"9\"").delete("/projects/{p}/scenes/{s}", project, drop).then().statusCode(412);
        given().delete("/projects/{p}/scenes/{s}", project, drop).then().statusCode(204);
        given().get("/projects/{p}/scenes/{s}", project, drop).then().statusCode(404);
        given().delete("/projects/{p}/scenes/{s}", project, drop).then().statusCode(404);
        given().get("/projects/{p}/scenes", project).then().body("id", contains(keep));
    }

    private static String create(String project, String name, int order) {
        var body = Api.scene(name);
        body.put("order", order);
        return Api.createScene(project, body).statusCode(201).extract().path("id");
    }
}

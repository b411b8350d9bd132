package dev.scenecache.project;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Api;
import dev.scenecache.testing.Sql;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@QuarkusTestResource(TestServers.class)
class ProjectResourceTest {

    static {
        io.restassured.RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldCreateProjectWithLocationETagAndRowInPostgres() {
        var response = given().contentType(ContentType.JSON).body(Map.of("name", "Launch video", "type", "marketing"))
                .post("/projects")
                .then().statusCode(201)
                .header("ETag", "\"1\"")
                .body("name", equalTo("Launch video"))
                .body("type", equalTo("marketing"))
                .body("version", equalTo(1))
                .body("createdAt", notNullValue())
                .extract();
        String id = response.path("id");
        assertThat(response.header("Location")).endsWith("/projects/" + id);
        assertThat(response.<String> path("createdAt")).isEqualTo(response.path("updatedAt"));

        // The row is really in PostgreSQL, with the same values.
        var row = Sql.row("select name, type, version from project where id = ?", UUID.fromString(id));
        assertThat(row).containsEntry("name", "Launch video").containsEntry("type", "marketing").containsEntry("version", 1L);

        given().get("/projects/{id}", id).then().statusCode(200)
                .header("ETag", "\"1\"")
                .body("id", equalTo(id))
                .body("createdAt", equalTo(response.path("createdAt")));
    }

    @Test
    void shouldAnswer304ForTheCurrentETagOnly() {
        String id = Api.createProject("Conditional");
        given().header("If-None-Match", "\"1\"").get("/projects/{id}", id).then().statusCode(304)
                .header("ETag", "\"1\"").body(is(""));
        given().header("If-None-Match", "W/\"1\"").get("/projects/{id}", id).then().statusCode(304);
        given().header("If-None-Match", "\"7\", \"1\"").get("/projects/{id}", id).then().statusCode(304);
        given().header("If-None-Match", "\"0\"").get("/projects/{id}", id).then().statusCode(200);
    }

    @Test
    void shouldNotGetUnknownOrMalformedProject() {
        given().get("/projects/{id}", UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("title", notNullValue())
                .body("detail", containsString("does not exist"));
        given().get("/projects/not-a-uuid").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("projectId"));
    }

    @Test
    void shouldPatchOnlyTheFieldsSentAndRaiseTheVersionOnRealChanges() {
        String id = Api.createProject("Before");
        given().contentType(ContentType.JSON).body(Map.of("name", "After"))
                .patch("/projects/{id}", id).then().statusCode(200)
                .header("ETag", "\"2\"")
                .body("name", equalTo("After"))
                .body("type", equalTo("marketing"))
                .body("version", equalTo(2));
        // The same value again is no change.
        given().contentType(ContentType.JSON).body(Map.of("name", "After"))
                .patch("/projects/{id}", id).then().statusCode(200).body("version", equalTo(2));
        given().contentType(ContentType.JSON).body("{}")
                .patch("/projects/{id}", id).then().statusCode(200).body("version", equalTo(2));
        assertThat(Sql.row("select name, version from project where id = ?", UUID.fromString(id)))
                .containsEntry("name", "After").containsEntry("version", 2L);
    }

    @Test
    void shouldHonourIfMatchOnPatch() {
        String id = Api.createProject("Guarded");
        given().contentType(ContentType.JSON).header("If-Match", "\"5\"").body(Map.of("name", "Lost"))
                .patch("/projects/{id}", id).then().statusCode(412)
                .contentType("application/problem+json").body("status", equalTo(412));
        given().contentType(ContentType.JSON).header("If-Match", "\"1\"").body(Map.of("name", "Won"))
                .patch("/projects/{id}", id).then().statusCode(200).body("version", equalTo(2));
        assertThat(Sql.row("select name from project where id = ?", UUID.fromString(id))).containsEntry("name", "Won");
    }

    @Test
    void shouldRejectInvalidPatchAndChangeNothing() {
        String id = Api.createProject("Stable");
        given().contentType(ContentType.JSON).body("{\"name\": null}")
                .patch("/projects/{id}", id).then().statusCode(400).body("errors.field", hasItem("name"));
        given().contentType(ContentType.JSON).body(Map.of("type", "Not Valid"))
                .patch("/projects/{id}", id).then().statusCode(400).body("errors.field", hasItem("type"));
        given().contentType(ContentType.JSON).body(Map.of("colour", "red"))
                .patch("/projects/{id}", id).then().statusCode(400).body("errors.field", hasItem("colour"));
        given().contentType(ContentType.JSON).body(Map.of("name", "x"))
                .patch("/projects/{id}", UUID.randomUUID()).then().statusCode(404);
        assertThat(Sql.row("select name, type, version from project where id = ?", UUID.fromString(id)))
                .containsEntry("name", "Stable").containsEntry("type", "marketing").containsEntry("version", 1L);
    }

    @Test
    void shouldRejectInvalidCreateWithFieldErrors() {
        long before = Sql.count("select count(*) from project");
        given().contentType(ContentType.JSON).body(Map.of("type", "marketing"))
                .post("/projects").then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItem("name"));
        given().contentType(ContentType.JSON).body(Map.of("name", "x".repeat(201), "type", "UPPER case"))
                .post("/projects").then().statusCode(400)
                .body("errors.field", hasItem("name"))
                .body("errors.field", hasItem("type"));
        given().contentType(ContentType.JSON).body(Map.of("name", "", "type", "t"))
                .post("/projects").then().statusCode(400).body("errors.field", hasItem("name"));
        given().contentType(ContentType.JSON).body("{\"name\": 12, \"type\": [1]}")
                .post("/projects").then().statusCode(400).body("errors.field", hasItem("type"));
        given().contentType(ContentType.JSON).body("{\"name\": \"a\", \"type\": \"b\", \"owner\": \"me\"}")
                .post("/projects").then().statusCode(400).body("errors.field", hasItem("owner"))
                .body("errors.message", hasItem("unknown field"));
        given().contentType(ContentType.JSON).body("{\"name\": \"a\",")
                .post("/projects").then().statusCode(400)
                .contentType("application/problem+json").body("title", equalTo("Malformed JSON"));
        given().contentType(ContentType.JSON).body("[1,2]")
                .post("/projects").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).post("/projects").then().statusCode(400)
                .contentType("application/problem+json");
        assertThat(Sql.count("select count(*) from project")).isEqualTo(before);
    }

    @Test
    void shouldRejectWrongContentTypeAndHugeBodies() {
        given().contentType(ContentType.TEXT).body("name=a").post("/projects").then().statusCode(415)
                .contentType("application/problem+json").body("status", equalTo(415));
        String huge = "{\"name\": \"" + "a".repeat(1024 * 1024 + 10) + "\", \"type\": \"t\"}";
        given().contentType(ContentType.JSON).body(huge).post("/projects").then().statusCode(413)
                .contentType("application/problem+json").body("status", equalTo(413));
    }

    @Test
    void shouldDeleteProjectWithItsScenes() {
        String id = Api.createProject("Doomed");
        Api.createScene(id, "One");
        Api.createScene(id, "Two");
        assertThat(Sql.count("select count(*) from scene where project_id = ?", UUID.fromString(id))).isEqualTo(2);

        given().delete("/projects/{id}", id).then().statusCode(204);

        given().get("/projects/{id}", id).then().statusCode(404);
        given().get("/projects/{id}/scenes", id).then().statusCode(404);
        given().delete("/projects/{id}", id).then().statusCode(404);
        assertThat(Sql.count("select count(*) from scene where project_id = ?", UUID.fromString(id))).isZero();
    }

    @Test
    void shouldAnswerProblemForUnknownRoutesAndMethods() {
        given().get("/nowhere").then().statusCode(404).contentType("application/problem+json");
        given().put("/projects/{id}", UUID.randomUUID()).then().statusCode(405)
                .contentType("application/problem+json").body("status", equalTo(405));
        given().get("/projects/{id}", UUID.randomUUID()).then().body("type", endsWith("not-found"));
    }
}

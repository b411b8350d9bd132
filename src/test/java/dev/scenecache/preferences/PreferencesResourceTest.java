package dev.scenecache.preferences;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Sql;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

@QuarkusTest
@QuarkusTestResource(TestServers.class)
class PreferencesResourceTest {

    static {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    private static String newUser() {
        return "user_" + UUID.randomUUID().toString().substring(0, 8) + ".test";
    }

    @Test
    void shouldCreateThenReplacePreferences() {
        String user = newUser();
        given().get("/users/{u}/preferences", user).then().statusCode(404).contentType("application/problem+json");

        given().contentType(ContentType.JSON).body(Map.of("preferences", Map.of("theme", "dark", "fps", 30)))
                .put("/users/{u}/preferences", user).then().statusCode(200)
                .header("ETag", "\"1\"")
                .body("userId", equalTo(user))
                .body("preferences.theme", equalTo("dark"))
                .body("version", equalTo(1));
        given().contentType(ContentType.JSON).body(Map.of("preferences", Map.of("theme", "light")))
                .put("/users/{u}/preferences", user).then().statusCode(200).body("version", equalTo(2));
        // The same preferences again are no change.
        given().contentType(ContentType.JSON).body(Map.of("preferences", Map.of("theme", "light")))
                .put("/users/{u}/preferences", user).then().statusCode(200).body("version", equalTo(2));

        given().get("/users/{u}/preferences", user).then().statusCode(200)
                .header("ETag", "\"2\"")
                .body("preferences", equalTo(Map.of("theme", "light")));
        given().header("If-None-Match", "\"2\"").get("/users/{u}/preferences", user).then().statusCode(304);
        assertThat(Sql.row("select preferences, version from user_preferences where user_id = ?", user))
                .containsEntry("preferences", "{\"theme\":\"light\"}").containsEntry("version", 2L);
    }

    @Test
    void shouldHonourIfMatchOnPut() {
        String user = newUser();
        given().contentType(ContentType.JSON).header("If-Match", "\"1\"").body(Map.of("preferences", Map.of()))
                .put("/users/{u}/preferences", user).then().statusCode(412);
        given().contentType(ContentType.JSON).body(Map.of("preferences", Map.of("a", 1)))
                .put("/users/{u}/preferences", user).then().statusCode(200);
        given().contentType(ContentType.JSON).header("If-Match", "\"3\"").body(Map.of("preferences", Map.of("a", 2)))
                .put("/users/{u}/preferences", user).then().statusCode(412);
        given().contentType(ContentType.JSON).header("If-Match", "\"1\"").body(Map.of("preferences", Map.of("a", 2)))
                .put("/users/{u}/preferences", user).then().statusCode(200).body("version", equalTo(2));
    }

    @Test
    void shouldRejectInvalidPreferencesAndChangeNothing() {
        String user = newUser();
        given().get("/users/{u}/preferences", "bad user!").then().statusCode(400)
                .body("errors.field", hasItem("userId"));
        given().get("/users/{u}/preferences", "u".repeat(129)).then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of()).put("/users/{u}/preferences", user).then()
                .statusCode(400).body("errors.field", hasItem("preferences"));
        given().contentType(ContentType.JSON).body(Map.of("preferences", "dark")).put("/users/{u}/preferences", user)
                .then().statusCode(400).body("errors.field", hasItem("preferences"));
        given().contentType(ContentType.JSON).body(Map.of("preferences", Map.of("big", "z".repeat(16 * 1024))))
                .put("/users/{u}/preferences", user).then().statusCode(400).body("errors.field", hasItem("preferences"));
        given().contentType(ContentType.JSON).body(Map.of("preferences", Map.of(), "extra", 1))
                .put("/users/{u}/preferences", user).then().statusCode(400).body("errors.field", hasItem("extra"));
        assertThat(Sql.row("select * from user_preferences where user_id = ?", user)).isNull();
    }
}

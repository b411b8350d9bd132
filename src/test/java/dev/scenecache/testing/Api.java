package dev.scenecache.testing;

import static io.restassured.RestAssured.given;

import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** Small helpers that create data through the HTTP API, so each test sets up only what it needs. */
public final class Api {

    public static final String TSX = """
            import { AbsoluteFill } from 'remotion';
            export default function Title({ text }: { text: string }) {
              return <AbsoluteFill style={{ color: 'white' }}>{text}</AbsoluteFill>;
            }
            """;

    private Api() {
    }

    public static String createProject(String name) {
        return given().contentType(ContentType.JSON).body(Map.of("name", name, "type", "marketing"))
                .post("/projects").then().statusCode(201).extract().path("id");
    }

    public static ValidatableResponse createScene(String projectId, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body)
                .post("/projects/{p}/scenes", projectId).then();
    }

    public static String createScene(String projectId, String name) {
        return createScene(projectId, Map.of("name", name, "type", "intro", "tsxCode", TSX))
                .statusCode(201).extract().path("id");
    }

    public static Map<String, Object> scene(String name) {
        return new java.util.HashMap<>(Map.of("name", name, "type", "intro", "tsxCode", TSX));
    }
}

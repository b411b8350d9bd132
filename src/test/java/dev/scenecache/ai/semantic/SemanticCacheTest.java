package dev.scenecache.ai.semantic;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.scenecache.ai.AiStats;
import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.testing.AiStub;
import dev.scenecache.testing.Api;
import dev.scenecache.testing.CacheReady;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * The semantic decision cache in the service (switched on here through the admin API, as an operator
 * would; it is off by default), with the real embedding model, Redis and the provider stub. The only
 * Quarkus boot of the test JVM that loads the model: its native libraries load into one class loader per
 * JVM (the plain SemanticEvaluationTest runs in a surefire execution of its own).
 */
@QuarkusTest
@TestProfile(AiStub.Profile.class)
@QuarkusTestResource(TestServers.class)
class SemanticCacheTest {

    static final String PATH = "/v1/chat/completions";
    static final String ADMIN = "test-admin-token";

    @Inject
    Coherence coherence;

    @Inject
    AiStats stats;

    @Inject
    SemanticIndex index;

    WireMockServer ai;

    @BeforeEach
    void on() {
        ai = AiStub.server();
        ai.resetAll();
        CacheReady.await(coherence);
        switchTo(true);
    }

    @AfterEach
    void off() {
        switchTo(false);
    }

    @Test
    void shouldServeAParaphraseOnceAuditedAndCountedApartFromExactHits() {
        String project = Api.createProject("Semantic");
        Api.createScene(project, "Intro");
        String second = Api.createScene(project, "Chart");
        stub("editScene", second);
        AiStats.Snapshot before = stats.sinceReset();
        double hitsBefore = hitsMetric();

        decide(project, "make scene 2 blue").statusCode(200).body("cached", equalTo(false));
        decide(project, "Please make the second scene blue").statusCode(200).header("X-Cache", "HIT")
                .header("X-Cache-Tier", "SEMANTIC").header("Cache-Status", "scenecache; hit; detail=semantic")
                .body("cached", equalTo(true)).body("operation", equalTo("editScene"))
                .body("targetSceneId", equalTo(second));
        String tier = decide(project, "make scene 2 blue").statusCode(200).body("cached", equalTo(true)).extract()
                .header("X-Cache-Tier");
        assertThat(tier).as("the exact repeat").isIn("L1", "L2");

        assertThat(calls()).as("upstream calls").isEqualTo(1);
        AiStats.Snapshot after = stats.sinceReset();
        assertThat(after.semanticHits() - before.semanticHits()).isEqualTo(1);
        assertThat(after.semanticTokensSaved() - before.semanticTokensSaved()).isEqualTo(150);
        assertThat(after.cacheHits() - before.cacheHits()).as("exact hits").isEqualTo(1);
        assertThat(hitsMetric() - hitsBefore).isEqualTo(1.0);
        given().auth().oauth2(ADMIN).get("/admin/ai/semantic").then().statusCode(200)
                .body("enabled", equalTo(true)).body("modelLoaded", equalTo(true))
                .body("recentHits[0].prompt", equalTo("Please make the second scene blue"))
                .body("recentHits[0].matchedPrompt", equalTo("make scene 2 blue"))
                .body("recentHits[0].projectId", equalTo(project))
                .body("recentHits[0].score", org.hamcrest.Matchers.greaterThanOrEqualTo(0.8f));
        given().auth().oauth2(ADMIN).get("/admin/cache/stats").then().statusCode(200)
                .body("ai.semanticHits", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
    }

    @Test
    void shouldAskTheBrainForPromptsTheGuardsTellApartHoweverCloseTheirScores() {
        String project = Api.createProject("Guarded");
        Api.createScene(project, "Intro");
        String second = Api.createScene(project, "Chart");
        Api.createScene(project, "Outro");
        stub("editScene", second);
        decide(project, "make scene 2 blue").statusCode(200).body("cached", equalTo(false));
        // Each scores about 0.8 to 0.9 against it: a threshold alone would serve scene 2's decision.
        for (String other : List.of("make scene 3 blue", "don't make scene 2 blue", "make scene 2 red",
                "make the title of scene 2 blue", "delete scene 2")) {
            decide(project, other).statusCode(200).body("cached", equalTo(false));
        }
        assertThat(calls()).isEqualTo(6);
    }

    @Test
    void shouldAskTheBrainAgainOnceTheTargetSceneIsDeleted() {
        String project = Api.createProject("Deleted");
        Api.createScene(project, "Intro");
        String second = Api.createScene(project, "Chart");
        String third = Api.createScene(project, "Outro");
        stub("editScene", second);
        decide(project, "make scene 2 blue").statusCode(200).body("targetSceneId", equalTo(second));
        given().delete("/projects/{p}/scenes/{s}", project, second).then().statusCode(204);
        stub("editScene", third);
        decide(project, "turn the second scene blue").statusCode(200).body("cached", equalTo(false))
                .body("targetSceneId", equalTo(third));
        assertThat(calls()).isEqualTo(2);
    }

    @Test
    void shouldMakeOneUpstreamCallForConcurrentIdenticalMisses() {
        String project = Api.createProject("Concurrent");
        String scene = Api.createScene(project, "Intro");
        ai.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(AiStub.completion("editScene",
                "{\"targetSceneId\": \"" + scene + "\", \"reasoning\": \"slow\"}")).withFixedDelay(500)));
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(CompletableFuture.supplyAsync(() -> decide(project, "make the intro purple").extract().statusCode()));
        }
        assertThat(all.stream().map(CompletableFuture::join).toList()).containsOnly(200);
        assertThat(calls()).isEqualTo(1);
    }

    @Test
    void shouldStopAnsweringSemanticallyOnceSwitchedOff() {
        String project = Api.createProject("Switched");
        String scene = Api.createScene(project, "Intro");
        stub("editScene", scene);
        decide(project, "make the intro green").statusCode(200).body("cached", equalTo(false));
        decide(project, "turn the intro green").statusCode(200).body("cached", equalTo(true));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(Map.of("enabled", false))
                .put("/admin/ai/semantic/enabled").then().statusCode(200).body("enabled", equalTo(false));
        decide(project, "please turn the intro green").statusCode(200).body("cached", equalTo(false));
        assertThat(calls()).isEqualTo(2);
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body("{}").put("/admin/ai/semantic/enabled").then()
                .statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("enabled", true)).put("/admin/ai/semantic/enabled").then()
                .statusCode(401);
    }

    @Test
    void shouldAskTheBrainAnywayInShadowModeServeItsDecisionAndCountWhetherItAgreed() {
        String project = Api.createProject("Shadow");
        String intro = Api.createScene(project, "Intro");
        String second = Api.createScene(project, "Chart");
        stub("editScene", second);
        AiStats.Snapshot before = stats.sinceReset();
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(Map.of("mode", "shadow"))
                .put("/admin/ai/semantic/mode").then().statusCode(200).body("mode", equalTo("shadow"))
                .body("enabled", equalTo(true));
        long agreed = shadowCount("agreed");
        long disagreed = shadowCount("disagreed");

        // Action: a prompt, then a paraphrase that matches it. Expected: the brain is asked anyway, and agrees.
        decide(project, "make scene 2 blue").statusCode(200).body("cached", equalTo(false));
        decide(project, "Please make the second scene blue").statusCode(200).body("cached", equalTo(false))
                .header("X-Cache", "MISS").body("targetSceneId", equalTo(second));
        // Action: the brain now decides otherwise for another paraphrase. Expected: its decision is served, and the
        // disagreement is listed with both decisions.
        stub("editScene", intro);
        decide(project, "can you make the second scene blue").statusCode(200).body("cached", equalTo(false))
                .body("targetSceneId", equalTo(intro));

        assertThat(calls()).as("upstream calls: every prompt asked the brain").isEqualTo(3);
        assertThat(shadowCount("agreed") - agreed).isEqualTo(1);
        assertThat(shadowCount("disagreed") - disagreed).isEqualTo(1);
        given().auth().oauth2(ADMIN).get("/admin/ai/semantic").then().statusCode(200)
                .body("shadow.recentDisagreements[0].prompt", equalTo("can you make the second scene blue"))
                .body("shadow.recentDisagreements[0].semanticTargetSceneId", equalTo(second))
                .body("shadow.recentDisagreements[0].brainTargetSceneId", equalTo(intro));
        AiStats.Snapshot after = stats.sinceReset();
        assertThat(after.semanticHits()).as("nothing served semantically").isEqualTo(before.semanticHits());
        assertThat(after.semanticShadowDisagreed() - before.semanticShadowDisagreed()).isEqualTo(1);
        assertThat(metric("ai_semantic_shadow_total{agreed=\"false\"")).isGreaterThanOrEqualTo(1.0);
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(Map.of("mode", "sometimes"))
                .put("/admin/ai/semantic/mode").then().statusCode(400);
    }

    private static long shadowCount(String which) {
        return given().auth().oauth2(ADMIN).get("/admin/ai/semantic").then().statusCode(200).extract()
                .jsonPath().getLong("shadow." + which);
    }

    @Test
    void shouldKeepTheMostRecentPromptsOfAProjectStateOncePerDecision() {
        java.util.UUID project = java.util.UUID.randomUUID();
        String context = "c".repeat(64);
        float[] vector = new float[Embedder.DIMENSIONS];
        vector[0] = 1;
        PromptGuards.Signature signature = PromptGuards.of("make scene 2 blue", null);
        for (int i = 0; i < 70; i++) {
            index.add(project, context, String.format("%064d", i % 66), signature, vector, "prompt " + i, 64, 60_000)
                    .await().atMost(Duration.ofSeconds(5));
        }
        List<SemanticIndex.Entry> entries = index.entries(project, context).await().atMost(Duration.ofSeconds(5));
        // 66 decisions (4 of them indexed twice), 64 kept: the most recent first, each decision once.
        assertThat(entries).hasSize(64);
        assertThat(entries.get(0).prompt()).isEqualTo("prompt 69");
        assertThat(entries.get(0).decisionHash()).isEqualTo(String.format("%064d", 3));
        assertThat(entries.stream().map(SemanticIndex.Entry::decisionHash).distinct().count()).isEqualTo(64);
        assertThat(index.entries(project, "d".repeat(64)).await().atMost(Duration.ofSeconds(5))).isEmpty();
    }

    private void switchTo(boolean on) {
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(Map.of("enabled", on))
                .put("/admin/ai/semantic/enabled").then().statusCode(200).body("enabled", equalTo(on));
    }

    private void stub(String tool, String target) {
        ai.resetMappings();
        ai.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(AiStub.completion(tool,
                "{\"targetSceneId\": \"" + target + "\", \"reasoning\": \"test\"}"))));
    }

    private int calls() {
        return ai.countRequestsMatching(postRequestedFor(urlEqualTo(PATH)).build()).getCount();
    }

    private static double hitsMetric() {
        return metric("ai_semantic_hits_total");
    }

    /** The value of the first metric line that starts with {@code prefix} (0 when none). */
    private static double metric(String prefix) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : metrics.split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private static ValidatableResponse decide(String project, String prompt) {
        return given().contentType(ContentType.JSON).body(Map.of("prompt", prompt)).post("/projects/{p}/decisions", project)
                .then();
    }
}

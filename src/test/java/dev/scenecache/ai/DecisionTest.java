package dev.scenecache.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.testing.AiStub;
import dev.scenecache.testing.Api;
import dev.scenecache.testing.CacheReady;
import dev.scenecache.testing.RedisProbe;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** Decisions through the openai brain against a real HTTP stub of the provider, and the decision cache. */
@QuarkusTest
@TestProfile(AiStub.Profile.class)
@QuarkusTestResource(TestServers.class)
class DecisionTest {

    static {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    static final String PATH = "/v1/chat/completions";

    @Inject
    Coherence coherence;

    @Inject
    Brain brain;

    @Inject
    AiStats stats;

    WireMockServer ai;

    @BeforeEach
    void ready() {
        ai = AiStub.server();
        ai.resetAll();
        CacheReady.await(coherence);
    }

    @Test
    void shouldSendTheProtocolsRequestAndTurnTheToolCallIntoADecision() {
        String project = Api.createProject("Brainy");
        String title = Api.createScene(project, "Title");
        Api.createScene(project, "Outro");
        stub(AiStub.completion("editScene", "{\"targetSceneId\": \"" + title + "\", \"reasoning\": \"blue title\"}"));

        decide(project, "make the title blue " + UUID.randomUUID()).statusCode(200)
                .body("operation", org.hamcrest.Matchers.equalTo("editScene"))
                .body("targetSceneId", org.hamcrest.Matchers.equalTo(title))
                .body("toolName", org.hamcrest.Matchers.equalTo("editScene"))
                .body("reasoning", org.hamcrest.Matchers.equalTo("blue title"))
                .body("model", org.hamcrest.Matchers.equalTo("gpt-test"))
                .body("cached", org.hamcrest.Matchers.equalTo(false));

        ai.verify(1, postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer test-key-for-the-stub"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-test")))
                .withRequestBody(matchingJsonPath("$.tool_choice", equalTo("required")))
                .withRequestBody(matchingJsonPath("$.tools.length()", equalTo("5")))
                .withRequestBody(matchingJsonPath("$.tools[1].function.name", equalTo("editScene")))
                .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("system")))
                .withRequestBody(matchingJsonPath("$.messages[1].content", containing(title)))
                .withRequestBody(matchingJsonPath("$.messages[1].content", containing("name=\"Outro\"")))
                .withRequestBody(matchingJsonPath("$.messages[1].content", containing("Project type: marketing"))));
    }

    @Test
    void shouldCallUpstreamOnceForTheSamePromptHoweverItIsSpelled() {
        String project = Api.createProject("Repeat");
        String scene = Api.createScene(project, "Intro");
        stub(AiStub.completion("addScene", "{\"targetSceneId\": null, \"reasoning\": \"a title scene\"}"));
        String tag = UUID.randomUUID().toString().substring(0, 8);
        AiStats.Snapshot before = stats.sinceReset();

        decide(project, "Add a title scene " + tag).statusCode(200).body("cached", org.hamcrest.Matchers.equalTo(false));
        decide(project, "Add a title scene " + tag).statusCode(200).body("cached", org.hamcrest.Matchers.equalTo(true))
                .body("operation", org.hamcrest.Matchers.equalTo("addScene"));
        decide(project, "  add a TITLE   scene " + tag.toUpperCase() + ". ").statusCode(200)
                .body("cached", org.hamcrest.Matchers.equalTo(true));
        assertThat(calls()).isEqualTo(1);
        AiStats.Snapshot after = stats.sinceReset();
        assertThat(after.upstreamCalls() - before.upstreamCalls()).isEqualTo(1);
        assertThat(after.cacheHits() - before.cacheHits()).isEqualTo(2);
        assertThat(after.tokensSaved() - before.tokensSaved()).isEqualTo(300); // 150 tokens per saved call

        // What the brain never sees (the code of a scene) does not matter: still a hit.
        given().contentType(ContentType.JSON).body(Map.of("tsxCode", Api.TSX + "// changed"))
                .patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200);
        decide(project, "add a title scene " + tag).statusCode(200).body("cached", org.hamcrest.Matchers.equalTo(true));
        assertThat(calls()).isEqualTo(1);

        // What it sees does: another scene, another project.
        Api.createScene(project, "Chart");
        decide(project, "add a title scene " + tag).statusCode(200).body("cached", org.hamcrest.Matchers.equalTo(false));
        String other = Api.createProject("Other");
        decide(other, "add a title scene " + tag).statusCode(200).body("cached", org.hamcrest.Matchers.equalTo(false));
        assertThat(calls()).isEqualTo(3);
    }

    @Test
    void shouldNeverServeADecisionAboutASceneThatIsGone() {
        String project = Api.createProject("Vanishing");
        String target = Api.createScene(project, "Doomed");
        Api.createScene(project, "Survivor");
        String prompt = "edit the doomed scene " + UUID.randomUUID();
        stub(AiStub.completion("editScene", "{\"targetSceneId\": \"" + target + "\", \"reasoning\": \"r\"}"));
        decide(project, prompt).statusCode(200).body("targetSceneId", org.hamcrest.Matchers.equalTo(target));
        decide(project, prompt).statusCode(200).body("cached", org.hamcrest.Matchers.equalTo(true));

        given().delete("/projects/{p}/scenes/{s}", project, target).then().statusCode(204);
        stub(AiStub.completion("clarify", "{\"targetSceneId\": null, \"reasoning\": \"which scene?\"}"));
        decide(project, prompt).statusCode(200)
                .body("operation", org.hamcrest.Matchers.equalTo("clarify"))
                .body("cached", org.hamcrest.Matchers.equalTo(false));
        assertThat(calls()).isEqualTo(2);
    }

    @Test
    void shouldAnswer502ForMalformedAnswersAndCacheNothing() {
        String project = Api.createProject("Malformed");
        String scene = Api.createScene(project, "Only");
        String prompt = "change it " + UUID.randomUUID();
        Map<String, String> broken = Map.of(
                "{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": \"sure!\"}}]}", "no tool call",
                AiStub.completion("editScene", "{not json"), "not JSON",
                AiStub.completion("explodeScene", "{}"), "unknown operation",
                AiStub.completion("editScene", "{\"targetSceneId\": \"" + UUID.randomUUID() + "\"}"), "unknown scene id",
                AiStub.completion("deleteScene", "{\"reasoning\": \"no target\"}"), "without a targetSceneId");
        int expectedCalls = 0;
        for (Map.Entry<String, String> answer : broken.entrySet()) {
            stub(answer.getKey());
            decide(project, prompt).statusCode(502).contentType("application/problem+json")
                    .body("type", org.hamcrest.Matchers.equalTo("urn:scenecache:problem:upstream-error"))
                    .body("detail", containsString(answer.getValue()));
            assertThat(calls()).isEqualTo(++expectedCalls);
        }
        stub(AiStub.completion("editScene", "{\"targetSceneId\": \"" + scene + "\", \"reasoning\": \"ok\"}"));
        decide(project, prompt).statusCode(200).body("cached", org.hamcrest.Matchers.equalTo(false));
        assertThat(calls()).isEqualTo(expectedCalls + 1);
    }

    @Test
    void shouldRetryA429AndAnswer502AfterPersistent5xxAnd504PastTheDeadline() {
        String project = Api.createProject("Flaky");
        ai.stubFor(post(urlEqualTo(PATH)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429)).willSetStateTo("recovered"));
        ai.stubFor(post(urlEqualTo(PATH)).inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(okJson(AiStub.completion("addScene", "{\"reasoning\": \"after a retry\"}"))));
        decide(project, "add an intro " + UUID.randomUUID()).statusCode(200)
                .body("reasoning", org.hamcrest.Matchers.equalTo("after a retry"));
        assertThat(calls()).isEqualTo(2);

        ai.resetAll();
        ai.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503)));
        decide(project, "add an outro " + UUID.randomUUID()).statusCode(502)
                .body("detail", containsString("HTTP 503"));
        assertThat(calls()).isEqualTo(4); // the first try and three retries

        ai.resetAll();
        // An answer that comes long after the 2 s deadline: a 504 (not the answer) shows the deadline cut
        // the call, however slow the machine.
        ai.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(AiStub.completion("addScene", "{\"reasoning\": \"slow\"}"))
                .withFixedDelay(15_000)));
        decide(project, "add a slow scene " + UUID.randomUUID()).statusCode(504)
                .body("type", org.hamcrest.Matchers.equalTo("urn:scenecache:problem:upstream-timeout"));
    }

    @Test
    void shouldMakeOneUpstreamCallFor20ConcurrentIdenticalPrompts() throws Exception {
        String project = Api.createProject("Crowd");
        ai.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(AiStub.completion("addScene", "{\"reasoning\": \"one\"}"))
                .withFixedDelay(400)));
        String prompt = "add a crowd scene " + UUID.randomUUID();
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(CompletableFuture.supplyAsync(() -> decide(project, prompt).extract().statusCode()));
        }
        for (CompletableFuture<Integer> f : all) {
            assertThat(f.get()).isEqualTo(200);
        }
        assertThat(calls()).isEqualTo(1);
    }

    @Test
    void shouldWaitForAnotherInstancesCallInsteadOfCallingAgain() throws Exception {
        String project = Api.createProject("Shared");
        String prompt = "add a shared scene " + UUID.randomUUID();
        ProjectContext context = new ProjectContext("marketing", List.of()); // what the brain sees of this project
        String base = DecisionCache.key(UUID.fromString(project),
                DecisionKey.of(prompt, brain.provider(), brain.model(), context)).redisKey();
        stub(AiStub.completion("clarify", "{\"reasoning\": \"should not be asked\"}"));
        try (RedisProbe redis = new RedisProbe()) {
            // Another instance holds the lease for this very decision...
            redis.call("SET", base + ":f", "other-instance", "PX", "10000");
            CompletableFuture<ValidatableResponse> waiting = CompletableFuture.supplyAsync(() -> decide(project, prompt));
            // It waits rather than calling the provider itself.
            Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isDone());
            // ... and hands its answer over.
            BrainAnswer answer = new BrainAnswer(Operation.addScene, null, null, null, "addScene", "from elsewhere",
                    "gpt-test", 150);
            redis.call("SET", base + ":r", new ObjectMapper().writeValueAsString(answer), "PX", "30000");
            waiting.get().statusCode(200)
                    .body("reasoning", org.hamcrest.Matchers.equalTo("from elsewhere"))
                    .body("cached", org.hamcrest.Matchers.equalTo(true));
        }
        assertThat(calls()).isZero();
    }

    @Inject
    dev.scenecache.cache.SharedRedis redis;

    @Test
    void shouldAnswer429PastAProjectsSpendLimitAndStillServeItsCachedDecisions() {
        String project = Api.createProject("Spender");
        String other = Api.createProject("Thrifty");
        stub(AiStub.completion("addScene", "{\"targetSceneId\": null, \"reasoning\": \"a scene\"}"));
        long limitedBefore = stats.sinceReset().spendLimited();

        // Three different prompts go upstream: under the limit (30 a minute).
        for (int i = 0; i < 3; i++) {
            decide(project, "add a scene number " + i).statusCode(200).body("cached", org.hamcrest.Matchers.equalTo(false));
        }
        int callsBefore = calls();
        // Action: other instances spend the rest of the project's minute: its bucket is in Redis.
        // Expected: the next different prompt answers 429 with Retry-After, and calls nothing.
        String key = "sc:{p:" + project + "}:ai:spend";
        io.restassured.response.Response refused = null;
        for (int attempt = 0; attempt < 5 && refused == null; attempt++) {
            // Drained right before the request (a token refills every 2 s: a slow machine may see one).
            while (redis.eval(SpendLimits.SPEND, java.util.List.of(key), java.util.List.of(30)).await()
                    .atMost(Duration.ofSeconds(5)).toLong() == 0) {
                // taken
            }
            io.restassured.response.Response answer = decide(project, "add yet another scene " + attempt).extract().response();
            if (answer.statusCode() == 429) {
                refused = answer;
            }
        }
        assertThat(refused).as("a 429 once the project's bucket is empty").isNotNull();
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.<Integer> path("status")).isEqualTo(429);
        assertThat(refused.<String> path("type")).endsWith("ai-spend-limit");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(calls() - callsBefore).as("upstream calls while refused").isLessThan(5);
        assertThat(stats.sinceReset().spendLimited() - limitedBefore).isGreaterThanOrEqualTo(1);

        // Cached decisions are still served, and other projects are not limited.
        decide(project, "add a scene number 0").statusCode(200).body("cached", org.hamcrest.Matchers.equalTo(true));
        decide(other, "add a scene number 0").statusCode(200).body("cached", org.hamcrest.Matchers.equalTo(false));
        given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("ai_spend_limited_total{scope=\"project\""));
    }

    @Test
    void shouldKeepEachInstancesOwnBoundOnAProjectWhileRedisDoesNotAnswer() {
        String project = Api.createProject("Offline spender");
        stub(AiStub.completion("addScene", "{\"targetSceneId\": null, \"reasoning\": \"a scene\"}"));
        long pid;
        try (dev.scenecache.testing.RedisProbe redis = new dev.scenecache.testing.RedisProbe()) {
            pid = redis.freeze(); // stalled, not gone: every Redis call times out
        }
        int answered = 0;
        Integer refusedAt = null;
        try {
            // Action: different prompts, one after the other, until one is refused (at most 100).
            for (int i = 0; i < 100 && refusedAt == null; i++) {
                int status = decide(project, "add an offline scene " + i).extract().statusCode();
                assertThat(status).as("prompt %d", i).isIn(200, 429);
                if (status == 200) {
                    answered++;
                } else {
                    refusedAt = i;
                }
            }
        } finally {
            dev.scenecache.testing.RedisProbe.thaw(pid);
        }
        // Expected: this instance's own bucket for the project: its 30 calls (and what refilled meanwhile, one
        // every 2 s), then 429.
        assertThat(refusedAt).as("a 429 from the instance's own bucket").isNotNull();
        assertThat(answered).isGreaterThanOrEqualTo(30);
        CacheReady.await(coherence);
    }

    private void stub(String body) {
        ai.resetMappings(); // the stubs only: the request journal keeps counting
        ai.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(body)));
    }

    private int calls() {
        return ai.countRequestsMatching(postRequestedFor(urlEqualTo(PATH)).build()).getCount();
    }

    private static com.github.tomakehurst.wiremock.matching.StringValuePattern containing(String text) {
        return com.github.tomakehurst.wiremock.client.WireMock.containing(text);
    }

    private static ValidatableResponse decide(String project, String prompt) {
        return given().contentType(ContentType.JSON).body(Map.of("prompt", prompt))
                .post("/projects/{p}/decisions", project).then();
    }
}

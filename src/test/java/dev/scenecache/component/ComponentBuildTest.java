package dev.scenecache.component;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.testing.Api;
import dev.scenecache.testing.CacheReady;
import dev.scenecache.testing.RedisProbe;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@QuarkusTestResource(TestServers.class)
class ComponentBuildTest {

    static {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    /** A scene component as the editor writes them. */
    static final String COMPONENT = """
            import React, { useMemo, useState } from 'react';
            import { AbsoluteFill, interpolate, spring, useCurrentFrame, useVideoConfig } from 'remotion';

            enum Align { Left = 'left', Center = 'center' }

            interface TitleProps<T extends string = string> {
              title: T;
              subtitle?: { text: string; color?: string };
              align?: Align;
            }

            function pick<T>(values: readonly T[], index: number): T | undefined {
              return values[index % values.length];
            }

            export default function TitleScene<T extends string>({ title, subtitle, align = Align.Center }: TitleProps<T>) {
              const frame: number = useCurrentFrame();
              const { fps } = useVideoConfig();
              const [colors] = useState<string[]>(['#fff', '#ffd166']);
              const scale = spring({ frame, fps, config: { damping: 200 } });
              const opacity = useMemo(() => interpolate(frame, [0, 20], [0, 1]), [frame]);
              return (
                <>
                  <AbsoluteFill style={{ justifyContent: 'center', textAlign: align, opacity }}>
                    <h1 style={{ transform: `scale(${scale})`, color: pick(colors, frame) }}>{title}</h1>
                    {subtitle?.text && <p style={{ color: subtitle?.color ?? '#ccc' }}>{subtitle.text}</p>}
                  </AbsoluteFill>
                </>
              );
            }
            """;

    @Inject
    CompilePool pool;

    @Inject
    Coherence coherence;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @BeforeEach
    void cacheReady() {
        CacheReady.await(coherence);
    }

    @Test
    void shouldCompileARealisticComponentToPlainJavaScriptWithTheAutomaticRuntime() {
        String unique = COMPONENT + "\n// " + UUID.randomUUID();
        JsonPath result = build(unique, Map.of("title", "Hello")).statusCode(200)
                .body("success", equalTo(true)).body("errors.size()", equalTo(0))
                .body("compiler", equalTo("swc4j 2.2.0")).extract().jsonPath();
        String js = result.getString("js");
        assertThat(js).contains("from \"react/jsx-runtime\"").contains("from 'remotion'")
                .contains("_jsx(").contains("subtitle?.text").contains("?? '#ccc'");
        // No TypeScript syntax is left: interfaces, type annotations, generics, enums as types.
        assertThat(js).doesNotContain("interface ").doesNotContain(": number").doesNotContain("<T")
                .doesNotContain("readonly").doesNotContain("TitleProps").doesNotContain("enum ")
                .doesNotContain("<h1").doesNotContain("<>");
        assertThat(result.getString("hash")).matches("[0-9a-f]{64}");
    }

    @Test
    void shouldReportSyntaxErrorsWithLineAndColumnAndCompileTheSameBrokenCodeOnce() {
        String broken = "// " + UUID.randomUUID()
                + "\nconst ok = 1;\nconst broken = ;\nexport default () => <div>{ok}</div>;\n";
        long before = pool.compiles();
        for (int i = 0; i < 2; i++) {
            build(broken, null).statusCode(200)
                    .body("success", equalTo(false))
                    .body("js", nullValue())
                    .body("errors.size()", equalTo(1))
                    .body("errors[0].line", equalTo(3))
                    .body("errors[0].column", equalTo(16))
                    .body("errors[0].message", org.hamcrest.Matchers.startsWith("SyntaxError"));
        }
        assertThat(pool.compiles() - before).isEqualTo(1);
    }

    @Test
    void shouldBuildIdenticalScenesOnceAndAChangedOneAgain() {
        String code = COMPONENT + "\n// " + UUID.randomUUID();
        String project = Api.createProject("Components");
        Map<String, Object> body = Api.scene("A");
        body.put("tsxCode", code);
        body.put("props", Map.of("title", "Same", "subtitle", Map.of("text", "x", "color", "red")));
        String a = Api.createScene(project, body).statusCode(201).extract().path("id");
        // The same props in another key order: the same content.
        body.put("props", new java.util.TreeMap<>(Map.of("subtitle", Map.of("color", "red", "text", "x"), "title", "Same")));
        String b = Api.createScene(project, body).statusCode(201).extract().path("id");
        long before = pool.compiles();

        String hashA = given().get("/projects/{p}/scenes/{s}/component", project, a).then().statusCode(200)
                .body("success", equalTo(true)).extract().path("hash");
        String hashB = given().get("/projects/{p}/scenes/{s}/component", project, b).then().statusCode(200)
                .extract().path("hash");
        assertThat(hashB).isEqualTo(hashA);
        assertThat(pool.compiles() - before).isEqualTo(1);

        // One character more: another content address, another compile.
        given().contentType(ContentType.JSON).body(Map.of("tsxCode", code + " ")).patch("/projects/{p}/scenes/{s}", project, b)
                .then().statusCode(200);
        String changed = given().get("/projects/{p}/scenes/{s}/component", project, b).then().statusCode(200)
                .extract().path("hash");
        assertThat(changed).isNotEqualTo(hashA);
        assertThat(pool.compiles() - before).isEqualTo(2);

        given().get("/projects/{p}/scenes/{s}/component", project, UUID.randomUUID()).then().statusCode(404);
        given().get("/projects/{p}/scenes/{s}/component", project, "nope").then().statusCode(400);
    }

    @Test
    void shouldKeepTheContentAddressStableAcrossRestarts() {
        // A golden value: SHA-256 of ("swc4j 2.2.0", the options, the code, canonical props), each
        // length-prefixed. It changes only when the compiler, its options or the scheme change.
        build("export const x = 1;", Map.of("b", 2, "a", 1)).statusCode(200)
                .body("hash", equalTo(GOLDEN_HASH));
    }

    static final String GOLDEN_HASH = "ed108174ab2bc8632eec9ac1004e9e0a7a0fc6f5bf973663d7d31799d6ad665f";

    @Test
    void shouldCompileOnceFor30ConcurrentIdenticalRequests() throws Exception {
        String code = COMPONENT + "\n// " + UUID.randomUUID();
        long before = pool.compiles();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        HttpClient client = HttpClient.newHttpClient();
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of("tsxCode", code));
        for (int i = 0; i < 30; i++) {
            responses.add(client.sendAsync(post(json), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> r : responses) {
            assertThat(r.get().statusCode()).isEqualTo(200);
            assertThat(r.get().body()).contains("\"success\":true");
        }
        assertThat(pool.compiles() - before).isEqualTo(1);
    }

    @Test
    void shouldRefuseAFloodBeyondTheQueueWith503AndRecover() throws Exception {
        // A flood of distinct large compiles, all at once: one worker and a queue of 8 (test settings)
        // take 9; the others are refused at once, never queued without bound.
        String large = COMPONENT + ("\nexport const part = () => <div className=\"p\">{[1, 2, 3].map((n: number) => "
                + "<span key={n}>{n}</span>)}</div>;").repeat(1500);
        List<CompletableFuture<SwcCompiler.Compiled>> flood = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < 30; i++) {
            CompletableFuture<SwcCompiler.Compiled> f = pool.compile(large + "// " + i).subscribeAsCompletionStage();
            flood.add(f);
        }
        // Compiles the worker finished while the flood was still being offered made room for as many more.
        long finishedMeanwhile = flood.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
        // While the queue is kept full (a compile offered every 2 ms, faster than one worker drains it),
        // a request is refused too: 503 problem+json with Retry-After.
        java.util.concurrent.atomic.AtomicBoolean flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.Queue<CompletableFuture<SwcCompiler.Compiled>> kept = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Thread keepFull = new Thread(() -> {
            while (flooding.get()) {
                kept.add(pool.compile(large).subscribeAsCompletionStage());
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
        });
        keepFull.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> build(COMPONENT + "// during the flood " + UUID.randomUUID(), null).statusCode(503)
                            .header("Retry-After", "1").contentType("application/problem+json"));
        } finally {
            flooding.set(false);
        }
        // The compiles that kept the queue full drain before "recovered" is checked (on a slow machine the
        // queue is still full for a while after the flood stops), and none of them runs into the next test.
        keepFull.join(10_000);
        CompletableFuture.allOf(kept.toArray(CompletableFuture[]::new)).handle((x, e) -> null).get(60, TimeUnit.SECONDS);
        for (CompletableFuture<SwcCompiler.Compiled> f : flood) {
            try {
                assertThat(f.join().success()).isTrue();
            } catch (java.util.concurrent.CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(dev.scenecache.common.ProblemException.class);
                assertThat(((dev.scenecache.common.ProblemException) e.getCause()).status()).isEqualTo(503);
                refused++;
            }
        }
        assertThat(refused).as("refused (finished while offered: %d)", finishedMeanwhile)
                .isGreaterThanOrEqualTo((int) (30 - 9 - finishedMeanwhile)).isPositive();
        // Recovered: the next build is served.
        build(COMPONENT + "// after the flood " + UUID.randomUUID(), null).statusCode(200).body("success", equalTo(true));
    }

    @Test
    void shouldKeepLargeBuildsCompressedInRedis() {
        String code = COMPONENT + "\n" + "export const filler = [" + "'some repeated scene text', ".repeat(400) + "];\n// "
                + UUID.randomUUID();
        JsonPath result = build(code, null).statusCode(200).body("success", equalTo(true)).extract().jsonPath();
        String key = CacheKey.of(CacheNames.COMPONENT, "c:" + result.getString("hash")).redisKey();
        try (RedisProbe redis = new RedisProbe()) {
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> redis.call("EXISTS", key).toLong() == 1L);
            byte[] stored = redis.call("GET", key).toBytes();
            assertThat((char) stored[1]).isEqualTo('z');
            assertThat(stored.length).isLessThan(result.getString("js").length() / 3);
        }
    }

    @Test
    void shouldRefuseInputBeyondTheLimitsAndMalformedInput() {
        build("x".repeat(256 * 1024 + 1), null).statusCode(413).contentType("application/problem+json")
                .body("errors[0].field", equalTo("tsxCode"));
        build("export const x = 1;", Map.of("blob", "y".repeat(64 * 1024))).statusCode(413)
                .body("errors[0].field", equalTo("props"));
        given().contentType(ContentType.JSON).body("{}").post("/components/build").then().statusCode(400)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"tsxCode\": \"x\", \"props\": [1]}").post("/components/build")
                .then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"tsxCode\": 1, \"extra\": true}").post("/components/build")
                .then().statusCode(400);
    }

    private HttpRequest post(String json) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/components/build"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static io.restassured.response.ValidatableResponse build(String tsx, Map<String, Object> props) {
        Map<String, Object> body = new HashMap<>();
        body.put("tsxCode", tsx);
        if (props != null) {
            body.put("props", props);
        }
        return given().contentType(ContentType.JSON).body(body).post("/components/build").then();
    }
}

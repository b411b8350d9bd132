package dev.scenecache.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.scenecache.testing.AiStub;
import dev.scenecache.testing.RedisProbe;
import dev.scenecache.testing.SecureServers;
import dev.scenecache.testing.ServiceProcess;

/**
 * No secret reaches a log line or an answer, whatever happens: the packaged service with every secret it
 * can have (PostgreSQL and Redis passwords over TLS, an AI key, an admin token given only as its SHA-256)
 * runs a full scenario — decisions that go upstream, admin calls with the right and a wrong token, and a
 * failure of each dependency: the AI provider erring and refusing the key, Redis stalled, PostgreSQL
 * stopped. Then its whole log (INFO, the default level) and every answer's headers and body are searched
 * for each secret, and the log for the prompts' text; in plain text and in JSON ({@code LOG_JSON=true}).
 */
class SecretsIT {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<String> answers = new ArrayList<>();

    /** In plain text and in JSON logs ({@code LOG_JSON=true}), where every line must be a JSON object too. */
    @ParameterizedTest(name = "LOG_JSON={0}")
    @ValueSource(booleans = { false, true })
    void shouldNeverWriteASecretOrAPromptToTheLogOrAnAnswer(boolean json) throws Exception {
        SecureServers.TlsPostgres pg = SecureServers.postgres();
        SecureServers.TlsRedis redis = SecureServers.redis();
        String aiKey = "sk-" + UUID.randomUUID();
        String adminToken = "admin-" + UUID.randomUUID();
        String prefix = "/secrets-" + UUID.randomUUID();
        String prompt = "PROMPT" + UUID.randomUUID().toString().replace("-", "");
        String url = prefix + "/v1/chat/completions";
        // The provider: the right key gets decisions (or a 500 for prompts asking for one); any other, a 401.
        AiStub.server().stubFor(post(urlEqualTo(url)).atPriority(9).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": {\"message\": \"Incorrect API key provided\", \"type\": \"invalid_request_error\"}}")));
        AiStub.server().stubFor(post(urlEqualTo(url)).atPriority(5).withHeader("Authorization", equalTo("Bearer " + aiKey))
                .willReturn(
                        okJson(AiStub.completion("addScene", "{\"targetSceneId\": null, \"reasoning\": \"a new scene\"}"))));
        AiStub.server().stubFor(post(urlEqualTo(url)).atPriority(1).withHeader("Authorization", equalTo("Bearer " + aiKey))
                .withRequestBody(containing("upstream-fails")).willReturn(aResponse().withStatus(500).withBody("{}")));

        Map<String, String> env = new HashMap<>(pg.env("verify-full", SecureServers.authority().caFile()));
        env.putAll(redis.env(SecureServers.authority().caFile()));
        env.putAll(Map.of("AI_PROVIDER", "openai", "AI_BASE_URL", "http://127.0.0.1:" + AiStub.server().port() + prefix + "/v1",
                "AI_API_KEY", aiKey, "AI_TIMEOUT", "3s", "AI_RETRIES", "0",
                "ADMIN_TOKEN", "", "ADMIN_TOKEN_SHA256", sha256(adminToken), "LOG_JSON", Boolean.toString(json)));
        String log;
        try (ServiceProcess service = ServiceProcess.start("secrets", env)) {
            String project = id(
                    call(service, "POST", "/projects", "{\"name\": \"Secret\", \"type\": \"marketing\"}", null, 201));
            String scene = id(call(service, "POST", "/projects/" + project + "/scenes",
                    "{\"name\": \"Intro\", \"type\": \"intro\", \"tsxCode\": \"export default () => <h1>Hi</h1>;\"}", null,
                    201));
            String scenePath = "/projects/" + project + "/scenes/" + scene;
            String decisions = "/projects/" + project + "/decisions";

            // Decisions: upstream with the key, then from the cache; the provider failing; bad input.
            call(service, "POST", decisions, "{\"prompt\": \"" + prompt + " add a title scene\"}", null, 200);
            call(service, "POST", decisions, "{\"prompt\": \"" + prompt + " add a title scene\"}", null, 200);
            call(service, "POST", decisions, "{\"prompt\": \"" + prompt + " upstream-fails\"}", null, 502);
            call(service, "POST", decisions, "{\"prompt\": \"\"}", null, 400);
            // Admin calls: the token by its digest, a wrong one, none.
            call(service, "GET", "/admin/cache/stats", null, adminToken, 200);
            call(service, "DELETE", "/admin/cache/scene", null, adminToken, 204);
            call(service, "GET", "/admin/cache/stats", null, "wrong-" + adminToken, 401);
            call(service, "GET", "/admin/cache/stats", null, null, 401);
            call(service, "GET", "/q/health/ready", null, null, 200);
            call(service, "GET", "/q/metrics", null, null, 200);
            call(service, "GET", "/q/openapi", null, null, 200);
            call(service, "GET", "/dashboard", null, null, 200);

            // Redis stalled: reads answer from PostgreSQL; the health says why.
            long pid = redis.pid();
            RedisProbe.freeze(pid);
            try {
                for (int i = 0; i < 10; i++) {
                    call(service, "GET", scenePath, null, null, 200);
                }
                call(service, "POST", decisions, "{\"prompt\": \"" + prompt + " make scene 1 blue\"}", null, -1);
                call(service, "GET", "/q/health/ready", null, null, -1);
            } finally {
                RedisProbe.thaw(pid);
            }
            // PostgreSQL stopped: 503s (or stale answers), then back.
            pg.server().stop();
            try {
                call(service, "GET", scenePath, null, null, -1);
                call(service, "PATCH", scenePath, "{\"name\": \"During the outage\"}", null, -1);
                call(service, "GET", "/projects/" + UUID.randomUUID(), null, null, -1);
                call(service, "GET", "/q/health/ready", null, null, -1);
            } finally {
                pg.server().start();
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(
                    () -> call(service, "PATCH", scenePath, "{\"name\": \"After the outage\"}", null, 200));
            log = service.log();
        }
        // The AI provider refusing the key: a service started with another one.
        Map<String, String> wrongKey = new HashMap<>(env);
        wrongKey.put("AI_API_KEY", "sk-wrong-" + aiKey);
        try (ServiceProcess service = ServiceProcess.start("secrets-wrong-key", wrongKey)) {
            String project = id(
                    call(service, "POST", "/projects", "{\"name\": \"Refused\", \"type\": \"marketing\"}", null, 201));
            call(service, "POST", "/projects/" + project + "/decisions", "{\"prompt\": \"" + prompt + " add an outro\"}", null,
                    502);
            log += service.log();
        }
        String logs = log;

        Map<String, String> secrets = Map.of("the PostgreSQL password", pg.password(), "the Redis password", redis.password(),
                "the AI key", aiKey, "the admin token", adminToken, "the Redis operator's password", redis.operatorPassword());
        String everything = String.join("\n", answers);
        assertThat(answers).as("answers recorded").hasSizeGreaterThan(20);
        secrets.forEach((what, secret) -> {
            assertThat(logs).as(what + " in the log").doesNotContain(secret);
            assertThat(everything).as(what + " in an answer").doesNotContain(secret);
        });
        assertThat(log).as("prompt text in the log").doesNotContain(prompt);
        // The failures happened and were written about, without the secrets.
        assertThat(log).contains("Database unavailable");
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            // Every line of the service; in the image pass the file also holds podman's own diagnostics
            // (logfmt, `time="…" level=… msg=…`), which are not the service's.
            List<String> lines = logs.lines().filter(l -> !l.isBlank() && !l.startsWith("time=\"")).toList();
            assertThat(lines).as("log lines").hasSizeGreaterThan(10);
            for (String line : lines) {
                JsonNode record = mapper.readTree(line);
                assertThat(record.isObject()).as(line).isTrue();
                assertThat(record.path("message").isTextual()).as("a message: %s", line).isTrue();
                assertThat(record.path("level").isTextual()).as("a level: %s", line).isTrue();
            }
        } else {
            assertThat(log.lines().findFirst().orElse("")).as("plain text by default").doesNotStartWith("{");
        }
        assertThat(everything).contains("The AI provider failed").contains("Redis unreachable");
    }

    private HttpResponse<String> call(ServiceProcess service, String method, String path, String json, String token,
            int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(service.uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        answers.add(method + " " + path + " " + response.statusCode() + " " + response.headers().map() + " " + response.body());
        if (expected > 0) {
            assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
        }
        return response;
    }

    private static String id(HttpResponse<String> response) {
        return dev.scenecache.testing.Http.id(response);
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}

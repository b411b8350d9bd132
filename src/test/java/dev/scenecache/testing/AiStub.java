package dev.scenecache.testing;

import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The AI provider for tests: a real HTTP server (WireMock) speaking the Chat Completions protocol on
 * loopback, and the test profile that points the service at it ({@code AI_PROVIDER=openai}).
 */
public final class AiStub implements io.quarkus.test.common.QuarkusTestResourceLifecycleManager {

    private static WireMockServer server;

    public static synchronized WireMockServer server() {
        if (server == null) {
            server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                    .containerThreads(40).jettyAcceptors(2));
            server.start();
        }
        return server;
    }

    @Override
    public Map<String, String> start() {
        return Map.of("ai.provider", "openai",
                "ai.base-url", "http://127.0.0.1:" + server().port() + "/v1",
                "ai.api-key", "test-key-for-the-stub",
                "ai.model", "gpt-test",
                "ai.timeout", "2s",
                "ai.inflight-wait", "5s");
    }

    @Override
    public void stop() {
        // Kept for the whole test JVM, like the other servers.
    }

    /** The profile of the tests that talk to the stub (one more Quarkus boot for all of them). */
    public static final class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(AiStub.class));
        }
    }

    /** A Chat Completions answer whose first tool call is {@code name} with {@code arguments} (a JSON text). */
    public static String completion(String name, String arguments) {
        return """
                {"id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-test",
                 "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": null,
                   "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": %s, "arguments": %s}}]}}],
                 "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}}
                """.formatted(quote(name), quote(arguments));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

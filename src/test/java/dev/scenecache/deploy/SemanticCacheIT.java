package dev.scenecache.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.scenecache.testing.AiStub;
import dev.scenecache.testing.Http;
import dev.scenecache.testing.ServiceProcess;

/**
 * The semantic decision cache in the packaged service: the JVM build serves a paraphrase across two
 * instances (the index is in Redis) with its model loaded from the jar, offline; the native executable,
 * built without ONNX Runtime, refuses {@code AI_SEMANTIC_CACHE=true} at start with the reason.
 */
class SemanticCacheIT {

    @Test
    void shouldServeAParaphraseAcrossInstancesOrRefuseToStartNatively() throws Exception {
        String prefix = "/semantic-" + UUID.randomUUID();
        Map<String, String> env = Map.of("AI_PROVIDER", "openai", "AI_BASE_URL",
                "http://127.0.0.1:" + AiStub.server().port() + prefix + "/v1", "AI_API_KEY", "test-key-for-the-stub",
                "AI_SEMANTIC_CACHE", "true");
        if (ServiceProcess.isNative()) {
            assertThatThrownBy(() -> ServiceProcess.start("semantic-native", env)).hasMessageContaining("the service exited")
                    .hasMessageContaining("AI_SEMANTIC_CACHE=true: the semantic decision cache needs the JVM build");
            return;
        }
        String url = prefix + "/v1/chat/completions";
        try (ServiceProcess a = ServiceProcess.start("semantic-a", env);
                ServiceProcess b = ServiceProcess.start("semantic-b", env)) {
            String project = Http
                    .id(Http.send(a.port(), "POST", "/projects", "{\"name\": \"Meaning\", \"type\": \"marketing\"}",
                            201));
            Http.send(a.port(), "POST", "/projects/" + project + "/scenes",
                    "{\"name\": \"Intro\", \"type\": \"intro\", \"tsxCode\": \"export default () => null;\"}", 201);
            String second = Http.id(Http.send(a.port(), "POST", "/projects/" + project + "/scenes",
                    "{\"name\": \"Chart\", \"type\": \"chart\", \"tsxCode\": \"export default () => null;\"}", 201));
            AiStub.server().stubFor(post(urlEqualTo(url)).willReturn(okJson(AiStub.completion("editScene",
                    "{\"targetSceneId\": \"" + second + "\", \"reasoning\": \"blue\"}"))));
            String decisions = "/projects/" + project + "/decisions";
            assertThat(Http.send(a.port(), "POST", decisions, "{\"prompt\": \"make scene 2 blue\"}", 200).body())
                    .contains("\"cached\":false");
            HttpResponse<String> paraphrase = Http.send(b.port(), "POST", decisions,
                    "{\"prompt\": \"Please make the second scene blue\"}", 200);
            assertThat(paraphrase.body()).contains("\"cached\":true").contains(second);
            assertThat(paraphrase.headers().firstValue("X-Cache-Tier")).hasValue("SEMANTIC");
            assertThat(AiStub.server().countRequestsMatching(postRequestedFor(urlEqualTo(url)).build()).getCount())
                    .isEqualTo(1);
            assertThat(Http.sendAuthorized(b.port(), "GET", "/admin/ai/semantic", "test-admin-token", 200).body())
                    .contains("\"matchedPrompt\":\"make scene 2 blue\"");
            assertThat(b.log()).doesNotContain("make scene 2 blue").doesNotContain("second scene blue");
        }
    }
}

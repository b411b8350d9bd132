package dev.scenecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Http;
import dev.scenecache.testing.ServiceProcess;

/**
 * What a user of the deployed artifact sees, against real PostgreSQL and Redis: the packaged jar by
 * default, the native executable or a container image with {@code -Dscenecache.it.artifact} (see
 * {@link ServiceProcess}). Everything the service does goes through once: CRUD, a cache miss then a
 * hit, a decision from the heuristic brain, a component build (swc over JNI), health, metrics, the
 * admin API and the dashboard (resources in the artifact).
 */
class DeployedServiceIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static ServiceProcess service;

    @BeforeAll
    static void start() throws Exception {
        service = ServiceProcess.start("deployed-" + ServiceProcess.artifact().replaceAll("[^a-z0-9]+", "-"), Map.of());
        service.awaitCache(); // the tests below count cache hits and misses
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    @Test
    void shouldCreateReadEditAndDeleteWithTheCacheInFront() throws Exception {
        String project = id(send("POST", "/projects", "{\"name\": \"Deployed\", \"type\": \"marketing\"}", 201));
        String scene = id(send("POST", "/projects/" + project + "/scenes",
                "{\"name\": \"Intro\", \"type\": \"intro\", \"tsxCode\": \"export default () => <h1>Hi</h1>;\"}", 201));
        String path = "/projects/" + project + "/scenes/" + scene;

        // The create wrote the scene through to the cache; after a flush (admin API, every instance) a
        // read misses, loads from PostgreSQL and fills the cache, and the next read is a hit.
        HttpResponse<String> flushed = HTTP.send(HttpRequest.newBuilder(service.uri("/admin/cache/scene"))
                .header("Authorization", "Bearer test-admin-token").DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(flushed.statusCode()).as(flushed.body()).isBetween(200, 204);
        assertThat(send("GET", path, null, 200).headers().firstValue("X-Cache")).hasValue("MISS");
        HttpResponse<String> hit = send("GET", path, null, 200);
        assertThat(hit.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(hit.body()).contains("\"name\":\"Intro\"");

        // A write is served at once, then a delete is a 404.
        send("PATCH", path, "{\"name\": \"Renamed\"}", 200);
        assertThat(send("GET", path, null, 200).body()).contains("\"name\":\"Renamed\"");
        send("DELETE", path, null, 204);
        send("GET", path, null, 404);
        assertThat(send("GET", "/projects/" + project + "/scenes", null, 200).body()).doesNotContain(scene);
    }

    @Test
    void shouldDecideWithTheHeuristicBrainAndServeTheSameDecisionFromTheCache() throws Exception {
        String project = id(send("POST", "/projects", "{\"name\": \"Brainy\", \"type\": \"marketing\"}", 201));
        String body = "{\"prompt\": \"add a title scene\"}";
        HttpResponse<String> first = send("POST", "/projects/" + project + "/decisions", body, 200);
        assertThat(first.body()).contains("\"operation\":\"addScene\"").contains("\"cached\":false");
        assertThat(send("POST", "/projects/" + project + "/decisions", body, 200).body()).contains("\"cached\":true");
    }

    @Test
    void shouldCompileTsxToJavaScript() throws Exception {
        HttpResponse<String> built = send("POST", "/components/build",
                "{\"tsxCode\": \"export default function Title(p: {text: string}) { return <h1>{p.text}</h1>; }\"}", 200);
        assertThat(built.body()).contains("\"success\":true").contains("jsx");
        HttpResponse<String> broken = send("POST", "/components/build", "{\"tsxCode\": \"export default () => <h1>;\"}", 200);
        assertThat(broken.body()).contains("\"success\":false");
    }

    @Test
    void shouldReportHealthMetricsAndStatsAndServeTheDashboard() throws Exception {
        assertThat(send("GET", "/q/health/ready", null, 200).body().replace(" ", "")).contains("\"status\":\"UP\"")
                .contains("\"cache\":\"ok\"");
        send("GET", "/q/health/live", null, 200);
        send("GET", "/q/health/started", null, 200);
        assertThat(send("GET", "/q/metrics", null, 200).body()).contains("cache_gets_total").contains("cache_circuit_state");
        HttpResponse<String> stats = HTTP.send(HttpRequest.newBuilder(service.uri("/admin/cache/stats"))
                .header("Authorization", "Bearer test-admin-token").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stats.statusCode()).isEqualTo(200);
        assertThat(stats.body()).contains("\"state\"");
        assertThat(send("GET", "/dashboard", null, 200).body()).contains("<html");
    }

    private static HttpResponse<String> send(String method, String path, String json, int expected) throws Exception {
        return Http.send(service.port(), method, path, json, expected);
    }

    private static String id(HttpResponse<String> response) {
        return Http.id(response);
    }
}

package dev.scenecache.monitoring;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.testing.Api;
import dev.scenecache.testing.CacheReady;
import dev.scenecache.testing.Root;
import dev.scenecache.testing.TestServers;
import dev.scenecache.testing.Tools;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The Prometheus exposition: cache meters that move as they should, and promtool's checks. */
@QuarkusTest
@QuarkusTestResource(TestServers.class)
class MetricsTest {

    @Inject
    Coherence coherence;

    @Inject
    MeterRegistry registry;

    /**
     * A scrape evaluates every gauge and renders hundreds of series: on an event loop it held up every
     * request of that loop meanwhile (Prometheus scrapes every replica every 15 to 60 s). It runs on a
     * worker thread.
     */
    @Test
    void shouldScrapeOffTheEventLoop() {
        List<Boolean> onEventLoop = new CopyOnWriteArrayList<>();
        Gauge probe = Gauge.builder("test.scrape.probe", onEventLoop, seen -> {
            seen.add(io.vertx.core.Context.isOnEventLoopThread());
            return 1;
        }).register(registry);
        try {
            metrics();
            metrics();
        } finally {
            registry.remove(probe);
        }
        assertThat(onEventLoop).isNotEmpty().containsOnly(false);
    }

    @Test
    void shouldCountAMissThenAnL1HitOfTheSceneCache() {
        CacheReady.await(coherence);
        String project = Api.createProject("Metrics");
        String scene = Api.createScene(project, "Measured");
        given().header("Authorization", "Bearer test-admin-token").delete("/admin/cache/scene").then().statusCode(204);
        String before = metrics();

        given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200).header("X-Cache", "MISS")
                .header("Cache-Status", "scenecache; fwd=miss; stored");
        given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200).header("X-Cache", "HIT")
                .header("Cache-Status", "scenecache; hit; detail=l1");
        String after = metrics();

        String miss = "cache_gets_total{cache=\"scene\",result=\"miss\",tier=\"none\"}";
        String l1 = "cache_gets_total{cache=\"scene\",result=\"hit\",tier=\"l1\"}";
        String l2 = "cache_gets_total{cache=\"scene\",result=\"hit\",tier=\"l2\"}";
        assertThat(value(after, miss) - value(before, miss)).isEqualTo(1.0);
        assertThat(value(after, l1) - value(before, l1)).isEqualTo(1.0);
        assertThat(value(after, l2) - value(before, l2)).isEqualTo(0.0);
        assertThat(value(after, "cache_load_seconds_count{cache=\"scene\"}")
                - value(before, "cache_load_seconds_count{cache=\"scene\"}")).isEqualTo(1.0);
        // The other meters the dashboards and alerts read are there.
        for (String name : List.of("cache_puts_total{cache=\"scene\"}", "cache_evictions_total{cache=\"scene\"}",
                "cache_errors_total{cache=\"scene\"}", "cache_bypasses_total{cache=\"scene\"}",
                "cache_load_seconds{cache=\"scene\",quantile=\"0.99\"}", "cache_l1_size", "cache_l1_weight_bytes",
                "cache_circuit_state", "cache_degraded", "cache_enabled", "cache_redis_latency_seconds_count",
                "cache_redis_memory_max_bytes", "cache_coherence_subscribed", "ai_upstream_calls_total",
                "ai_cache_hits_total", "ai_tokens_saved_total", "ai_upstream_errors_total",
                "cache_warming_projects_total{result=\"completed\"}",
                "cache_gets_total{cache=\"scene\",result=\"stale\",tier=\"any\"}",
                "cache_refreshes_total{cache=\"scene\",result=\"started\"}",
                "cache_refreshes_total{cache=\"scene\",result=\"landed\"}",
                "cache_refreshes_total{cache=\"scene\",result=\"rejected\"}",
                "cache_refreshes_total{cache=\"scene\",result=\"failed\"}")) {
            assertThat(value(after, name)).as(name).isNotNaN();
        }
        assertThat(value(after, "cache_circuit_state")).isZero();
        assertThat(value(after, "cache_enabled")).isEqualTo(1.0);
    }

    @Test
    void shouldDocumentTheCacheHeadersOfEveryCachedReadInTheOpenApiDocument() {
        io.restassured.path.json.JsonPath doc = given().accept("application/json").get("/q/openapi").then()
                .statusCode(200).extract().jsonPath();
        for (String operation : List.of("'/projects/{projectId}'.get", "'/projects/{projectId}/scenes'.get",
                "'/projects/{projectId}/scenes/{sceneId}'.get", "'/projects/{projectId}/scenes/{sceneId}/component'.get",
                "'/users/{userId}/preferences'.get", "'/projects/{projectId}/decisions'.post",
                "'/components/build'.post")) {
            Map<String, Object> headers = doc.getMap("paths." + operation + ".responses.'200'.headers");
            assertThat(headers).as(operation).containsKeys("X-Cache", "X-Cache-Tier", "Cache-Status", "Age");
        }
        assertThat(doc.getString("paths.'/projects/{projectId}'.get.responses.'200'.headers.'Cache-Status'.description"))
                .contains("detail=stale-if-error");
    }

    @Test
    void shouldPassPromtoolsMetricsCheck() throws Exception {
        Path promtool = Tools.require("/usr/bin/promtool", "prometheus");
        Path exposition = Path.of("target/metrics.txt");
        Files.writeString(exposition, metrics());
        Result result = run(List.of(promtool.toString(), "check", "metrics"), exposition);
        assertThat(result.exit()).as(result.output()).isZero();
    }

    @Test
    void shouldShipAlertRulesThatPromtoolAcceptsAndThatFire() throws Exception {
        Path promtool = Tools.require("/usr/bin/promtool", "prometheus");
        Path rules = Root.path("deploy/prometheus/alerts.yml");
        Result check = run(List.of(promtool.toString(), "check", "rules", rules.toString()), null);
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS");
        // Unit tests of the rules: each alert fires on the series that should fire it, and only then.
        Result test = run(
                List.of(promtool.toString(), "test", "rules", Root.path("deploy/prometheus/alerts.test.yml").toString()), null);
        assertThat(test.exit()).as(test.output()).isZero();
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Path stdin) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of the series exactly as written (name and labels in exposition order), NaN if absent. */
    private static double value(String exposition, String series) {
        // The bundled client writes a trailing comma after the last label: {a="b",}
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)").matcher(exposition.replace(",}", "}"));
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}

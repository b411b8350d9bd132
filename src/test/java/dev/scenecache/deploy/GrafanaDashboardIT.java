package dev.scenecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.scenecache.testing.Http;
import dev.scenecache.testing.PostgresServer;
import dev.scenecache.testing.Root;
import dev.scenecache.testing.ServiceProcess;
import dev.scenecache.testing.Tools;

/**
 * The Grafana dashboard ({@code deploy/grafana/scenecache.json}), proven on a real Prometheus server (Debian's
 * {@code prometheus}): it scrapes the packaged service every second while traffic of every kind runs (scene
 * reads and writes, decisions, an unknown project), then every target of every panel, with the dashboard's
 * variables set to all, is evaluated through Prometheus' HTTP API: each must parse and return at least one
 * series. The figures are printed (panel, series).
 */
class GrafanaDashboardIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void shouldAnswerEveryPanelsQueryWithSeriesOnARealPrometheus() throws Exception {
        Path prometheus = Tools.require("/usr/bin/prometheus", "prometheus");
        JsonNode dashboard = JSON.readTree(Root.path("deploy/grafana/scenecache.json").toFile());
        assertThat(dashboard.path("templating").path("list")).extracting(v -> v.path("name").asText())
                .contains("datasource", "instance", "cache");

        try (ServiceProcess service = ServiceProcess.start("grafana", Map.of())) {
            Path dir = Files.createDirectories(Path.of("target", "prometheus-" + service.port()).toAbsolutePath());
            Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: scenecache
                        metrics_path: /q/metrics
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(service.port()));
            int port = PostgresServer.freePort();
            Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                traffic(service);
                // Enough scrapes for rate() over the panels' window: 20 samples of the service.
                Awaitility.await("20 scrapes").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                        .ignoreExceptions().until(() -> series(port, "count_over_time(up{job=\"scenecache\"}[1m])") > 0
                                && value(port, "count_over_time(up{job=\"scenecache\"}[1m])") >= 20);
                traffic(service);
                // A scrape that started after the last requests.
                double after = System.currentTimeMillis() / 1000.0 + 1;
                Awaitility.await("a scrape after the traffic").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> value(port, "max(timestamp(up{job=\"scenecache\"}))") > after);

                Map<String, Integer> found = new LinkedHashMap<>();
                List<String> empty = new ArrayList<>();
                for (JsonNode panel : dashboard.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        String query = target.path("expr").asText().replace("$instance", ".*").replace("$cache", ".*")
                                .replace("$__rate_interval", "1m").replace("$__range", "5m");
                        int n = series(port, query);
                        String name = panel.path("title").asText() + " / " + target.path("legendFormat").asText();
                        found.put(name, n);
                        if (n == 0) {
                            empty.add(name + ": " + query);
                        }
                    }
                }
                found.forEach((panel, n) -> System.out.printf("grafana panel: %s: %d series%n", panel, n));
                assertThat(found).as("panel targets").hasSizeGreaterThanOrEqualTo(20);
                assertThat(empty).as("panel queries without a series").isEmpty();
            } finally {
                server.destroy();
                server.waitFor();
            }
        }
    }

    /** Reads, writes, decisions, a miss of an unknown project: every family of metric moves. */
    private static void traffic(ServiceProcess service) throws Exception {
        String project = Http.id(Http.send(service.port(), "POST", "/projects",
                "{\"name\": \"Dashboard\", \"type\": \"marketing\"}", 201));
        String scene = Http.id(Http.send(service.port(), "POST", "/projects/" + project + "/scenes",
                "{\"name\": \"Intro\", \"type\": \"intro\", \"tsxCode\": \"export default () => null;\"}", 201));
        for (int i = 0; i < 20; i++) {
            Http.send(service.port(), "GET", "/projects/" + project + "/scenes/" + scene, null, 200);
            Http.send(service.port(), "GET", "/projects/" + project + "/scenes", null, 200);
            Http.send(service.port(), "GET", "/projects/" + project, null, 200);
        }
        Http.send(service.port(), "PATCH", "/projects/" + project + "/scenes/" + scene, "{\"name\": \"Renamed\"}", 200);
        Http.send(service.port(), "POST", "/projects/" + project + "/decisions", "{\"prompt\": \"add a title scene\"}", 200);
        Http.send(service.port(), "POST", "/projects/" + project + "/decisions", "{\"prompt\": \"add a title scene\"}", 200);
        Http.send(service.port(), "GET", "/projects/" + java.util.UUID.randomUUID(), null, 404);
    }

    private int series(int port, String query) throws Exception {
        JsonNode answer = query(port, query);
        assertThat(answer.path("status").asText()).as("%s: %s", query, answer).isEqualTo("success");
        return answer.path("data").path("result").size();
    }

    private double value(int port, String query) throws Exception {
        JsonNode result = query(port, query).path("data").path("result");
        return result.isEmpty() ? 0 : result.get(0).path("value").get(1).asDouble();
    }

    private JsonNode query(int port, String query) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}

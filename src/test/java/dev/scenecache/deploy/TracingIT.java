package dev.scenecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.scenecache.common.TracingProtocol;
import dev.scenecache.testing.Http;
import dev.scenecache.testing.OtlpReceiver;
import dev.scenecache.testing.OtlpReceiver.ReceivedSpan;
import dev.scenecache.testing.ServiceProcess;

/**
 * Traces end to end: the packaged service exports OTLP/HTTP (protobuf) to a real receiver that decodes
 * {@code opentelemetry-proto}; a scene read that misses, one that hits L1, a scene write and a decision each
 * leave the spans docs/deployment.md lists, in one trace under the request's server span, with hashed keys
 * and no content. Tracing is off by default: the same traffic sends nothing. OTLP over gRPC is the JVM build's
 * only: the native executable refuses it at start with the reason.
 */
class TracingIT {

    private static final String PROMPT = "add a title scene";
    private static final String TSX = "export default () => null;";

    @Test
    void shouldTraceReadsWritesAndDecisionsThroughEveryTierWithoutContent() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
                ServiceProcess service = ServiceProcess.start("tracing", Map.of("OTEL_SDK_DISABLED", "false",
                        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.endpoint(), // http/protobuf: the default
                        "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms"))) {
            Traffic t = traffic(service);
            Awaitility.await("the spans of the traffic").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> receiver.spans().stream().anyMatch(s -> s.name().equals("ai.brain.call")));
            List<ReceivedSpan> spans = receiver.spans();
            assertThat(receiver.contentTypes()).allMatch(c -> c.startsWith("application/x-protobuf"));

            // The first read after a flush: L1 and Redis miss (invalidated), PostgreSQL answers.
            List<ReceivedSpan> reads = servers(spans, "GET", "/projects/{projectId}/scenes/{sceneId}");
            assertThat(reads).hasSizeGreaterThanOrEqualTo(2);
            List<ReceivedSpan> miss = trace(spans, reads.get(0));
            System.out.println("trace of a scene read that misses:\n" + tree(miss));
            ReceivedSpan read = only(miss, "cache.read");
            assertThat(read.parentSpanId()).isEqualTo(reads.get(0).spanId());
            assertThat(read.attributes()).containsEntry("cache.name", "scene").containsEntry("cache.result", "miss")
                    .containsEntry("cache.tier", "source").containsEntry("cache.l1.miss_cause", "invalidated")
                    .containsEntry("cache.l2.miss_cause", "invalidated").containsKey("cache.key.hash");
            assertThat(only(miss, "cache.l2.read").parentSpanId()).isEqualTo(read.spanId());
            ReceivedSpan load = only(miss, "cache.load");
            assertThat(load.parentSpanId()).isEqualTo(read.spanId());
            assertThat(miss).as("PostgreSQL's query, under the load").anyMatch(
                    s -> s.parentSpanId().equals(load.spanId())
                            && String.valueOf(s.attribute("db.system")).startsWith("postgres"));
            assertThat(miss).as("Redis' hit check (MGET) in the read's trace")
                    .anyMatch(s -> "mget".equals(s.attribute("db.operation")));

            // The second: L1 answers, nothing below it.
            List<ReceivedSpan> hit = trace(spans, reads.get(1));
            System.out.println("trace of a scene read that hits L1:\n" + tree(hit));
            assertThat(only(hit, "cache.read").attributes()).containsEntry("cache.result", "hit").containsEntry("cache.tier",
                    "l1");
            assertThat(hit).noneMatch(s -> s.name().equals("cache.load") || s.name().equals("cache.l2.read"));

            // A write: the Redis script, the invalidation's publication and the acknowledgements, under the request.
            ReceivedSpan patch = servers(spans, "PATCH", "/projects/{projectId}/scenes/{sceneId}").get(0);
            List<ReceivedSpan> write = trace(spans, patch);
            System.out.println("trace of a scene write:\n" + tree(write));
            assertThat(write).filteredOn(s -> s.name().equals("cache.write"))
                    .anyMatch(s -> "entries".equals(s.attribute("cache.write.kind")));

            // A decision: the decision cache's read and the brain's call, with its model; never the prompt.
            List<ReceivedSpan> decision = trace(spans, servers(spans, "POST", "/projects/{projectId}/decisions").get(0));
            System.out.println("trace of a decision:\n" + tree(decision));
            assertThat(decision).anyMatch(s -> s.name().equals("cache.read") && "decision".equals(s.attribute("cache.name")));
            assertThat(only(decision, "ai.brain.call").attributes()).containsKeys("gen_ai.request.model",
                    "gen_ai.provider.name", "gen_ai.usage.total_tokens");

            // No span of the service's own says a key's content (ids), and no span at all carries content.
            assertThat(spans).filteredOn(s -> s.name().startsWith("cache.") || s.name().startsWith("ai."))
                    .allSatisfy(s -> assertThat(String.join(" ", s.attributes().values()))
                            .doesNotContain(t.project()).doesNotContain(t.scene()));
            assertThat(spans).allSatisfy(s -> assertThat(String.join(" ", s.attributes().values()))
                    .doesNotContain(PROMPT).doesNotContain(TSX).doesNotContain("test-admin-token"));
            assertThat(spans).allMatch(s -> s.service().equals("scenecache"));
        }
    }

    @Test
    void shouldSendNothingWhileTracingIsOffAsItIsByDefault() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
                ServiceProcess service = ServiceProcess.start("tracing-off", Map.of(
                        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.endpoint(),
                        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf",
                        "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms"))) {
            traffic(service);
            // A second round-trip's worth of the exporter's delay, many times over; then nothing may have come.
            Awaitility.await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
            assertThat(receiver.spans()).isEmpty();
        }
    }

    /** What a gRPC client sends first on a plaintext connection: HTTP/2's connection preface. */
    private static final String HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    @Test
    void shouldExportOverGrpcOnTheJvmOnlyAndRefuseToStartNativelyWithTheReason() throws Exception {
        try (ServerSocket collector = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = Map.of("OTEL_SDK_DISABLED", "false", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc",
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:" + collector.getLocalPort(),
                    "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms");
            if (ServiceProcess.isNative()) {
                assertThatThrownBy(() -> ServiceProcess.start("tracing-grpc-native", env))
                        .hasMessageContaining("the service exited").hasMessageContaining(TracingProtocol.GRPC_NOT_NATIVE);
                return;
            }
            try (ServiceProcess service = ServiceProcess.start("tracing-grpc", env)) {
                Http.send(service.port(), "POST", "/projects", "{\"name\": \"Grpc\", \"type\": \"marketing\"}", 201);
                // The span's export comes as gRPC: an HTTP/2 connection to the collector's address (it gets no
                // answer; the request above was served all the same).
                collector.setSoTimeout(60_000);
                try (Socket exporter = collector.accept()) {
                    byte[] preface = exporter.getInputStream().readNBytes(HTTP2_PREFACE.length());
                    assertThat(new String(preface, StandardCharsets.US_ASCII)).isEqualTo(HTTP2_PREFACE);
                }
            }
        }
    }

    private record Traffic(String project, String scene) {
    }

    private static Traffic traffic(ServiceProcess service) throws Exception {
        service.awaitCache(); // the spans below name cache outcomes
        int port = service.port();
        String project = Http.id(Http.send(port, "POST", "/projects", "{\"name\": \"Traced\", \"type\": \"marketing\"}", 201));
        String scene = Http.id(Http.send(port, "POST", "/projects/" + project + "/scenes",
                "{\"name\": \"Intro\", \"type\": \"intro\", \"tsxCode\": \"" + TSX + "\"}", 201));
        Http.sendAuthorized(port, "DELETE", "/admin/cache/scene", "test-admin-token", 204);
        Http.send(port, "GET", "/projects/" + project + "/scenes/" + scene, null, 200);
        Http.send(port, "GET", "/projects/" + project + "/scenes/" + scene, null, 200);
        Http.send(port, "PATCH", "/projects/" + project + "/scenes/" + scene, "{\"name\": \"Renamed\"}", 200);
        Http.send(port, "POST", "/projects/" + project + "/decisions", "{\"prompt\": \"" + PROMPT + "\"}", 200);
        return new Traffic(project, scene);
    }

    /** The server spans of a route, oldest first. */
    private static List<ReceivedSpan> servers(List<ReceivedSpan> spans, String method, String route) {
        return spans.stream().filter(s -> s.kind().equals("SPAN_KIND_SERVER") && route.equals(s.attribute("http.route"))
                && method.equals(s.attribute("http.request.method")))
                .sorted(Comparator.comparingLong(ReceivedSpan::startNanos)).toList();
    }

    private static List<ReceivedSpan> trace(List<ReceivedSpan> spans, ReceivedSpan root) {
        return spans.stream().filter(s -> s.traceId().equals(root.traceId())).toList();
    }

    private static ReceivedSpan only(List<ReceivedSpan> spans, String name) {
        List<ReceivedSpan> named = spans.stream().filter(s -> s.name().equals(name)).toList();
        assertThat(named).as("spans named %s in %s", name, spans.stream().map(ReceivedSpan::name).toList()).hasSize(1);
        return named.get(0);
    }

    /** The trace as an indented tree, each span with its attributes of note. */
    private static String tree(List<ReceivedSpan> spans) {
        Map<String, List<ReceivedSpan>> children = spans.stream().collect(Collectors.groupingBy(ReceivedSpan::parentSpanId));
        StringBuilder out = new StringBuilder();
        spans.stream().filter(s -> spans.stream().noneMatch(p -> p.spanId().equals(s.parentSpanId())))
                .sorted(Comparator.comparingLong(ReceivedSpan::startNanos)).forEach(root -> print(root, children, 0, out));
        return out.toString();
    }

    private static void print(ReceivedSpan span, Map<String, List<ReceivedSpan>> children, int depth, StringBuilder out) {
        Map<String, String> shown = span.attributes().entrySet().stream()
                .filter(e -> e.getKey().startsWith("cache.") || e.getKey().startsWith("gen_ai.") || e.getKey().startsWith("db.")
                        || e.getKey().equals("http.route"))
                .filter(e -> !e.getKey().equals("cache.key.hash"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.TreeMap::new));
        out.append("  ".repeat(depth)).append(span.name()).append(' ').append(shown).append('\n');
        children.getOrDefault(span.spanId(), List.of()).stream().sorted(Comparator.comparingLong(ReceivedSpan::startNanos))
                .forEach(c -> print(c, children, depth + 1, out));
    }
}

package dev.scenecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Http;
import dev.scenecache.testing.SecureServers;
import dev.scenecache.testing.ServiceProcess;

/**
 * The packaged service against a Redis that takes only TLS with a client certificate, as scenecache's
 * least-privilege ACL user named by {@code REDIS_USER} (Debian's redis-server: the embedded one has no
 * TLS). Every connection the service opens, the pools, the subscription and the publishers of two
 * instances, must be a TLS one as that user.
 */
class RedisTlsIT {

    @Test
    void shouldCacheAndStayCoherentOverTlsOnEveryConnection() throws Exception {
        SecureServers.TlsRedis redis = SecureServers.redis();
        Map<String, String> env = redis.env(SecureServers.authority().caFile());
        redis.operator("ACL", "LOG", "RESET");
        try (ServiceProcess a = ServiceProcess.start("redis-tls-a", env);
                ServiceProcess b = ServiceProcess.start("redis-tls-b", env)) {
            for (ServiceProcess service : List.of(a, b)) {
                // "ok" needs the instance's own heartbeats heard back: publish and subscribe work over TLS.
                Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                        Http.send(service.port(), "GET", "/q/health/ready", null, 200).body().replace(" ", ""))
                        .contains("\"cache\":\"ok\""));
            }
            String project = Http.id(Http.send(a.port(), "POST", "/projects",
                    "{\"name\": \"Encrypted\", \"type\": \"marketing\"}", 201));
            String scene = Http.id(Http.send(a.port(), "POST", "/projects/" + project + "/scenes",
                    "{\"name\": \"Intro\", \"type\": \"intro\", \"tsxCode\": \"export default () => <h1>Hi</h1>;\"}", 201));
            String path = "/projects/" + project + "/scenes/" + scene;
            Http.sendAuthorized(a.port(), "DELETE", "/admin/cache/scene", "test-admin-token", 204);
            assertThat(Http.send(b.port(), "GET", path, null, 200).headers().firstValue("X-Cache")).hasValue("MISS");
            HttpResponse<String> fromRedis = Http.send(a.port(), "GET", path, null, 200);
            assertThat(fromRedis.headers().firstValue("X-Cache-Tier")).as("A's read of what B stored").hasValue("L2");
            assertThat(Http.send(b.port(), "GET", path, null, 200).headers().firstValue("X-Cache-Tier")).hasValue("L1");
            // A write on A reaches B's L1 through the channel, before A acknowledges it.
            Http.send(a.port(), "PATCH", path, "{\"name\": \"Renamed\"}", 200);
            assertThat(Http.send(b.port(), "GET", path, null, 200).body()).contains("Renamed");
            Http.send(a.port(), "POST", "/components/build", "{\"tsxCode\": \"export default () => <p/>;\"}", 200);

            List<String> clients = Arrays.stream(String.valueOf(redis.operator("CLIENT", "LIST")).split("\r?\n"))
                    .filter(line -> line.contains(" user=scenecache ")).toList();
            // Each instance: its pool, its subscription and a publisher, at least.
            assertThat(clients).as("scenecache's connections").hasSizeGreaterThanOrEqualTo(6)
                    .allSatisfy(line -> assertThat(line).contains(" laddr=127.0.0.1:" + redis.tlsPort() + " "));
            assertThat(String.valueOf(redis.operator("ACL", "LOG"))).as("ACL refusals").isIn("[]", "null");
            assertThat(a.log() + b.log()).doesNotContain(redis.password());
        }
    }

    @Test
    void shouldAnswerFromPostgresAndSayWhyWhenTheServerCertificateIsNotTrusted() throws Exception {
        SecureServers.TlsRedis redis = SecureServers.redis();
        Map<String, String> env = new HashMap<>(redis.env(SecureServers.untrusted().caFile()));
        try (ServiceProcess service = ServiceProcess.start("redis-tls-untrusted", env)) {
            String project = Http.id(Http.send(service.port(), "POST", "/projects",
                    "{\"name\": \"Untrusted\", \"type\": \"marketing\"}", 201));
            for (int i = 0; i < 5; i++) {
                assertThat(Http.send(service.port(), "GET", "/projects/" + project, null, 200).headers()
                        .firstValue("X-Cache")).hasValue("BYPASS");
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    Http.send(service.port(), "GET", "/q/health/ready", null, 200).body())
                    .contains("degraded").containsIgnoringCase("certif"));
            assertThat(service.log()).doesNotContain(redis.password());
        }
    }
}

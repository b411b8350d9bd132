package dev.scenecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Http;
import dev.scenecache.testing.RedisCluster;
import dev.scenecache.testing.RedisTestServer;
import dev.scenecache.testing.Resp;
import dev.scenecache.testing.SecureServers;
import dev.scenecache.testing.ServiceProcess;
import dev.scenecache.testing.TestServers;

/**
 * The packaged service against a Redis that takes no anonymous client: the default user is off, and
 * scenecache's ACL user may run only the commands it needs, on its own keys ({@code ~sc:*}) and channels
 * ({@code &sc:*}): {@link #ACL}, the line README.md gives operators. Passwords are made per run.
 */
class SecureRedisIT {

    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    private static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();
    /** Least privilege: what scenecache sends, and what its scripts call. */
    static final String ACL = SecureServers.aclLine(PASSWORD);

    private static RedisTestServer redis;

    @BeforeAll
    static void start() {
        redis = RedisTestServer.start(Path.of("target", "redis-acl-bin"), 0, List.of("user default off", ACL,
                "user operator on >" + ADMIN_PASSWORD + " ~* &* +@all"));
    }

    @AfterAll
    static void stop() {
        redis.stop();
    }

    @Test
    void shouldCacheEverythingAsALeastPrivilegeAclUserWithNoCommandRefused() throws Exception {
        Resp.callAs(redis.port(), "operator", ADMIN_PASSWORD, "ACL", "LOG", "RESET");
        try (ServiceProcess service = ServiceProcess.start("secure-redis", Map.of("REDIS_URL",
                "redis://scenecache:" + PASSWORD + "@127.0.0.1:" + redis.port()))) {
            String project = Http.id(Http.send(service.port(), "POST", "/projects",
                    "{\"name\": \"Locked\", \"type\": \"marketing\"}", 201));
            String scene = Http.id(Http.send(service.port(), "POST", "/projects/" + project + "/scenes",
                    "{\"name\": \"Intro\", \"type\": \"intro\", \"tsxCode\": \"export default () => <h1>Hi</h1>;\"}", 201));
            String path = "/projects/" + project + "/scenes/" + scene;
            // The cache works in full: L1 after the subscription is confirmed, L2, write-throughs.
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    Http.send(service.port(), "GET", "/q/health/ready", null, 200).body().replace(" ", ""))
                    .contains("\"cache\":\"ok\""));
            Http.sendAuthorized(service.port(), "DELETE", "/admin/cache/scene", "test-admin-token", 204);
            assertThat(Http.send(service.port(), "GET", path, null, 200).headers().firstValue("X-Cache")).hasValue("MISS");
            assertThat(Http.send(service.port(), "GET", path, null, 200).headers().firstValue("X-Cache")).hasValue("HIT");
            Http.send(service.port(), "PATCH", path, "{\"name\": \"Renamed\"}", 200);
            assertThat(Http.send(service.port(), "GET", path, null, 200).body()).contains("Renamed");
            Http.send(service.port(), "POST", "/projects/" + project + "/decisions", "{\"prompt\": \"add a title scene\"}",
                    200);
            Http.send(service.port(), "POST", "/components/build", "{\"tsxCode\": \"export default () => <p/>;\"}", 200);
            Http.sendAuthorized(service.port(), "GET", "/admin/cache/stats", "test-admin-token", 200);
            // Expected: Redis refused nothing it was sent (ACL LOG lists every refusal).
            Object log = Resp.callAs(redis.port(), "operator", ADMIN_PASSWORD, "ACL", "LOG");
            assertThat(String.valueOf(log)).as("ACL refusals").isIn("[]", "null");
            assertThat(service.log()).doesNotContain(PASSWORD);
        }
    }

    /**
     * The same ACL user on every node of a Redis Cluster, named by {@code REDIS_USER}: the per-node
     * clients scenecache opens (routing, the subscription, the publishers) authenticate as it too.
     */
    @Test
    void shouldUseRedisClusterAsTheLeastPrivilegeAclUserWithNoCommandRefused() throws Exception {
        RedisCluster cluster = TestServers.cluster();
        cluster.awaitHealthy(Duration.ofSeconds(60));
        String password = "cluster-pw-" + UUID.randomUUID();
        List<String> rules = List.of(SecureServers.aclLine(password).split(" "));
        for (int port : cluster.ports()) {
            List<Object> setuser = new ArrayList<>(List.of("ACL", "SETUSER"));
            setuser.addAll(rules.subList(1, rules.size()));
            cluster.call(port, setuser.toArray());
            cluster.call(port, "ACL", "LOG", "RESET");
        }
        try (ServiceProcess service = ServiceProcess.start("secure-redis-cluster", Map.of("REDIS_CLIENT_TYPE", "cluster",
                "REDIS_HOSTS", cluster.url(), "REDIS_USER", "scenecache", "REDIS_PASSWORD", password))) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    Http.send(service.port(), "GET", "/q/health/ready", null, 200).body().replace(" ", ""))
                    .contains("\"cache\":\"ok\""));
            String project = Http.id(Http.send(service.port(), "POST", "/projects",
                    "{\"name\": \"Clustered\", \"type\": \"marketing\"}", 201));
            for (int i = 0; i < 3; i++) {
                String scene = Http.id(Http.send(service.port(), "POST", "/projects/" + project + "/scenes",
                        "{\"name\": \"S" + i + "\", \"type\": \"intro\", \"tsxCode\": \"export default () => null;\"}", 201));
                String path = "/projects/" + project + "/scenes/" + scene;
                Http.send(service.port(), "GET", path, null, 200);
                assertThat(Http.send(service.port(), "GET", path, null, 200).headers().firstValue("X-Cache")).hasValue("HIT");
                Http.send(service.port(), "PATCH", path, "{\"name\": \"R" + i + "\"}", 200);
                assertThat(Http.send(service.port(), "GET", path, null, 200).body()).contains("R" + i);
            }
            Http.send(service.port(), "POST", "/projects/" + project + "/decisions", "{\"prompt\": \"add a title scene\"}",
                    200);
            Http.sendAuthorized(service.port(), "DELETE", "/admin/cache/scene", "test-admin-token", 204);
            int users = 0;
            for (int port : cluster.ports()) {
                assertThat(String.valueOf(cluster.call(port, "ACL", "LOG"))).as("ACL refusals on " + port).isIn("[]", "null");
                List<String> clients = List.of(String.valueOf(cluster.call(port, "CLIENT", "LIST")).split("\r?\n"));
                users += (int) clients.stream().filter(line -> line.contains(" user=scenecache ")).count();
                // Expected: no connection of the service's as the default user (only replication links and this one).
                assertThat(clients).as("clients of " + port).noneMatch(line -> line.contains(" user=default ")
                        && !line.contains(" flags=S ") && !line.contains(" flags=M ") && !line.contains(" cmd=client"));
            }
            assertThat(users).as("connections as scenecache").isGreaterThanOrEqualTo(cluster.masters().size());
            assertThat(service.log()).doesNotContain(password);
        }
    }

    @Test
    void shouldAnswerFromPostgresAndSayWhyWithAWrongPasswordNeverLoggingIt() throws Exception {
        String wrong = "wrong-" + UUID.randomUUID();
        try (ServiceProcess service = ServiceProcess.start("secure-redis-wrong", Map.of("REDIS_URL",
                "redis://scenecache:" + wrong + "@127.0.0.1:" + redis.port()))) {
            String project = Http.id(Http.send(service.port(), "POST", "/projects",
                    "{\"name\": \"Refused\", \"type\": \"marketing\"}", 201));
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> read = Http.send(service.port(), "GET", "/projects/" + project, null, 200);
                assertThat(read.headers().firstValue("X-Cache")).hasValue("BYPASS");
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    Http.send(service.port(), "GET", "/q/health/ready", null, 200).body())
                    .contains("degraded").contains("WRONGPASS"));
            assertThat(service.log()).doesNotContain(wrong).doesNotContain(PASSWORD);
        }
    }
}

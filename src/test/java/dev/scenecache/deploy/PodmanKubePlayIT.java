package dev.scenecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Http;
import dev.scenecache.testing.PostgresServer;
import dev.scenecache.testing.Root;
import dev.scenecache.testing.TestServers;

/**
 * The deploy example for podman ({@code deploy/podman/scenecache-2-replicas.yaml}), played with
 * {@code podman kube play} as a user would, against the tests' PostgreSQL and Redis: two replicas of
 * the JVM image; a scene read on replica B (so that B holds it in its L1), renamed through replica A,
 * is read fresh on B at once. Runs with {@code -Pcontainers} (it needs podman and the image).
 */
class PodmanKubePlayIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldServeAWriteOnOneReplicaFreshOnTheOther() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "kube-play").toAbsolutePath());
        int portA = PostgresServer.freePort();
        int portB = PostgresServer.freePort();
        Path pods = work.resolve("pods.yaml");
        Files.writeString(pods, Files.readString(Root.path("deploy/podman/scenecache-2-replicas.yaml"))
                .replace("18080", Integer.toString(portA)).replace("18081", Integer.toString(portB)));
        Path config = work.resolve("config.yaml");
        Files.writeString(config, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: scenecache-config
                data:
                  PG_URL: "%s"
                  PG_USER: "%s"
                  PG_PASSWORD: "unused"
                  REDIS_URL: "%s"
                """.formatted(TestServers.postgres().url(), TestServers.postgres().user(), TestServers.redis().url()));
        Path secret = work.resolve("secrets.json");
        Files.writeString(secret, "{\"ADMIN_TOKEN\": \"" + Base64.getEncoder().encodeToString(
                "test-admin-token".getBytes(StandardCharsets.UTF_8)) + "\"}");
        podman(List.of("secret", "rm", "scenecache-secrets"), true);
        podman(List.of("secret", "create", "scenecache-secrets", secret.toString()), false);
        try {
            // Action: play the example: two pods, each a replica of the service.
            podman(List.of("kube", "play", "--configmap", config.toString(), pods.toString()), false);
            awaitReady(portA);
            awaitReady(portB);
            // The image's probe works inside it: podman turns the liveness probe into a healthcheck (curl).
            podman(List.of("healthcheck", "run", "scenecache-a-scenecache"), false);

            String project = id(send(portA, "POST", "/projects", "{\"name\": \"Played\", \"type\": \"marketing\"}", 201));
            String path = "/projects/" + project + "/scenes/" + id(send(portA, "POST", "/projects/" + project + "/scenes",
                    "{\"name\": \"Before\", \"type\": \"intro\", \"tsxCode\": \"export default () => null;\"}", 201));
            // B reads the scene twice: the second answer comes from its own cache.
            send(portB, "GET", path, null, 200);
            assertThat(send(portB, "GET", path, null, 200).headers().firstValue("X-Cache")).hasValue("HIT");

            // Action: the scene is renamed through A. Expected: B answers the new name at once.
            send(portA, "PATCH", path, "{\"name\": \"After\"}", 200);
            assertThat(send(portB, "GET", path, null, 200).body()).contains("\"name\":\"After\"");
            assertThat(send(portA, "GET", path, null, 200).body()).contains("\"name\":\"After\"");
        } finally {
            podman(List.of("kube", "down", pods.toString()), true);
            podman(List.of("secret", "rm", "scenecache-secrets"), true);
        }
    }

    private static void awaitReady(int port) {
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static void podman(List<String> args, boolean mayFail) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("podman"));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        if (!mayFail) {
            assertThat(process.exitValue()).as("%s:\n%s", command, output).isZero();
        }
    }

    private static HttpResponse<String> send(int port, String method, String path, String json, int expected) throws Exception {
        return Http.send(port, method, path, json, expected);
    }

    private static String id(HttpResponse<String> response) {
        return Http.id(response);
    }
}

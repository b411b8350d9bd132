package dev.scenecache.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The local run as a new user gets it: the launcher provisions PostgreSQL and Redis, runs the packaged
 * service, and after a stop and a second start the data written before is still there.
 */
class LocalRunIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void shouldKeepDataAcrossRestartsOfTheLocalRun() throws Exception {
        Path home = Path.of("target", "local-it-" + UUID.randomUUID()).toAbsolutePath();
        int port = freePort();

        // First run: create a project through the API.
        Process first = launch(home, port, "first");
        String id;
        try {
            awaitReady(port, first);
            HttpResponse<String> created = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/projects"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Kept\",\"type\":\"marketing\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);
            id = created.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        } finally {
            stop(first);
        }
        assertThat(Files.exists(home.resolve("pgdata/PG_VERSION"))).isTrue();

        // Second run on the same folder: the project is still there.
        Process second = launch(home, port, "second");
        try {
            awaitReady(port, second);
            HttpResponse<String> read = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/projects/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).contains("\"name\":\"Kept\"");
        } finally {
            stop(second);
        }
    }

    private static Process launch(Path home, int port, String name) throws IOException {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dscenecache.local.dir=" + home,
                LocalLauncher.class.getName(), jar.toString());
        builder.environment().remove("PG_URL");
        builder.environment().remove("REDIS_URL");
        builder.environment().remove("REDIS_HOST");
        builder.environment().put("PORT", Integer.toString(port));
        builder.redirectErrorStream(true);
        Files.createDirectories(home);
        builder.redirectOutput(home.resolve(name + ".log").toFile());
        return builder.start();
    }

    private static void awaitReady(int port, Process process) {
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
            assertThat(process.isAlive()).as("launcher still running").isTrue();
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package dev.scenecache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Api;
import dev.scenecache.testing.LoadGenerator;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Many projects written at once: every write answers (no request left hanging in a transaction). */
@QuarkusTest
@QuarkusTestResource(TestServers.class)
class ConcurrentWritesTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    /**
     * A few hot scenes, a third of the requests writes, 32 connections: every read sent after a write
     * was acknowledged shows that write's version or a later one (the load generator counts the others
     * as stale), through L1, L2 and the fills racing with the writes. A fixed number of requests, however
     * long they take: the assertions are on what they saw, never on how many fit in a time window.
     */
    @org.junit.jupiter.api.RepeatedTest(2)
    void shouldNeverServeAVersionOlderThanTheLastAcknowledgedWriteUnderConcurrentWrites() throws Exception {
        String project = Api.createProject("Hot");
        List<LoadGenerator.Target> targets = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            targets.add(new LoadGenerator.Target(project, Api.createScene(project, "Hot " + s)));
        }
        try (LoadGenerator load = new LoadGenerator(port, 32, targets, 0.99, 0.3, null)) {
            LoadGenerator.Result result = load.requests("hot scenes", 32, 2000, Duration.ofMinutes(5));
            long writes = result.writeLatency().getTotalCount();
            assertThat(result.requests()).isEqualTo(2000);
            // The seeded generator picks about 600 writes; the reads after them are what is checked.
            assertThat(writes).isBetween(400L, 800L);
            assertThat(result.hits() + result.misses() + result.bypasses()).isEqualTo(2000 - writes);
            assertThat(result.hits()).as("reads answered from the cache").isPositive();
            assertThat(result.errors()).isZero();
            assertThat(result.stale()).as("reads older than an acknowledged write: %s", result.staleReads()).isZero();
        }
    }

    @Test
    void shouldAnswerEveryWriteWhenManyProjectsAreEditedAtOnce() throws Exception {
        int projects = Integer.getInteger("writers", 24);
        List<String> ids = new ArrayList<>();
        List<List<String>> scenes = new ArrayList<>();
        for (int p = 0; p < projects; p++) {
            String project = Api.createProject("Busy " + p);
            ids.add(project);
            List<String> list = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                list.add(Api.createScene(project, "S" + s));
            }
            scenes.add(list);
        }
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(projects);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int p = 0; p < projects; p++) {
            int index = p;
            all.add(CompletableFuture.runAsync(() -> {
                try {
                    for (String scene : scenes.get(index)) {
                        String uri = "http://127.0.0.1:" + port + "/projects/" + ids.get(index) + "/scenes/" + scene;
                        HttpResponse<String> patch = http.send(HttpRequest.newBuilder(URI.create(uri))
                                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\": \"renamed\"}")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertThat(patch.statusCode()).isEqualTo(200);
                        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + port + "/projects/" + ids.get(index) + "/scenes"))
                                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                        assertThat(list.statusCode()).isEqualTo(200);
                        HttpResponse<String> delete = http.send(HttpRequest.newBuilder(URI.create(uri))
                                .timeout(Duration.ofSeconds(10)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
                        assertThat(delete.statusCode()).as(uri).isEqualTo(204);
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, pool));
        }
        try {
            for (CompletableFuture<Void> f : all) {
                f.get();
            }
        } catch (Exception e) {
            try (var c = TestServers.postgres().connect();
                    var st = c.createStatement();
                    var rs = st.executeQuery("select pid, state, left(query, 100), now() - xact_start from pg_stat_activity "
                            + "where state <> 'idle' and pid <> pg_backend_pid()")) {
                while (rs.next()) {
                    System.err.println("still in PostgreSQL: " + rs.getString(1) + " | " + rs.getString(2) + " | "
                            + rs.getString(3) + " | " + rs.getString(4));
                }
            }
            throw e;
        }
        pool.shutdown();
    }
}

package dev.scenecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Http;
import dev.scenecache.testing.RedisProbe;
import dev.scenecache.testing.ServiceProcess;
import dev.scenecache.testing.TestServers;

/**
 * Stale-if-error, refresh-ahead and the TTL bound of both tiers, as a user of the packaged service sees
 * them: two instances with a 3 s TTL, a 60 s grace and refresh-ahead over the last fifth of the TTL (the
 * default), against real PostgreSQL (stopped and started again) and Redis (paused).
 */
class StaleIfErrorIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final long TTL_MILLIS = 3_000;
    /** The longest a TTL can be: TTL plus the 10% jitter. */
    private static final long LONGEST_TTL_MILLIS = 3_300;
    private static final Map<String, String> ENV = Map.of("CACHE_TTL_SCENES", "3", "CACHE_STALE_IF_ERROR", "60");

    private static ServiceProcess a;
    private static ServiceProcess b;

    @BeforeAll
    static void start() throws Exception {
        a = ServiceProcess.start("stale-a", ENV);
        b = ServiceProcess.start("stale-b", ENV);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            a.close();
        } finally {
            b.close();
        }
    }

    /** The state a user created: a project, two scenes and preferences, each read once through {@code via}. */
    private record Data(String project, String scene, String other, String user, Map<String, String> bodies) {
        List<String> paths() {
            return List.copyOf(bodies.keySet());
        }
    }

    private static Data createAndRead() throws Exception {
        return createAndRead(a);
    }

    private static Data createAndRead(ServiceProcess via) throws Exception {
        String project = Http
                .id(Http.send(via.port(), "POST", "/projects", "{\"name\": \"Outage\", \"type\": \"marketing\"}", 201));
        String scene = Http.id(Http.send(via.port(), "POST", "/projects/" + project + "/scenes",
                "{\"name\": \"Intro\", \"type\": \"intro\", \"tsxCode\": \"export default () => <h1>Hi</h1>;\"}", 201));
        String other = Http.id(Http.send(via.port(), "POST", "/projects/" + project + "/scenes",
                "{\"name\": \"Outro\", \"type\": \"outro\", \"tsxCode\": \"export default () => <h1>Bye</h1>;\"}", 201));
        String user = "user-" + UUID.randomUUID();
        Http.send(via.port(), "PUT", "/users/" + user + "/preferences", "{\"preferences\": {\"theme\": \"dark\"}}", 200);
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        for (String path : List.of("/projects/" + project, "/projects/" + project + "/scenes",
                "/projects/" + project + "/scenes/" + scene, "/users/" + user + "/preferences")) {
            bodies.put(path, Http.send(via.port(), "GET", path, null, 200).body());
        }
        return new Data(project, scene, other, user, bodies);
    }

    @Test
    void shouldServeWhatWasCachedThroughADatabaseOutageAndFreshDataOnceItIsBack() throws Exception {
        String uncached = "/projects/" + UUID.randomUUID();
        Data data;
        String scenePath;
        // An instance with stale-if-error off, for comparison, with data of its own (an instance writes its
        // entries with its own grace: instances sharing a Redis must share the setting).
        try (ServiceProcess off = ServiceProcess.start("stale-off", Map.of("CACHE_TTL_SCENES", "3",
                "CACHE_STALE_IF_ERROR", "0"))) {
            Data offData = createAndRead(off);
            data = createAndRead();
            scenePath = "/projects/" + data.project() + "/scenes/" + data.scene();
            // Action: PostgreSQL stops; the entries' TTL runs out (the Redis keys live on for the grace).
            TestServers.postgres().stop();
            try {
                long stoppedAt = System.currentTimeMillis();
                Awaitility.await().pollDelay(Duration.ofMillis(LONGEST_TTL_MILLIS + 200)).atMost(Duration.ofSeconds(10))
                        .until(() -> System.currentTimeMillis() > stoppedAt + LONGEST_TTL_MILLIS);

                // Expected: for several TTLs, both instances answer every cached read with its last state,
                // saying it is stale (A from its L1 or Redis, B, which never read them, from Redis).
                String staleSeries = "cache_gets_total{cache=\"scene\",result=\"stale\",tier=\"any\"}";
                String loadSeries = "cache_load_seconds_count{cache=\"scene\"}";
                double staleBefore = metric(a, staleSeries);
                double loadsBefore = metric(a, loadSeries);
                AtomicInteger stale = new AtomicInteger();
                long until = System.currentTimeMillis() + 3 * TTL_MILLIS;
                // A round of reads every 200 ms until `until`; an assertion that fails ends the test at once.
                Awaitility.await().pollInterval(Duration.ofMillis(200)).atMost(Duration.ofMillis(3 * TTL_MILLIS + 60_000))
                        .until(() -> {
                            for (ServiceProcess instance : List.of(a, b)) {
                                for (String path : data.paths()) {
                                    HttpResponse<String> answer = get(instance, path);
                                    assertThat(answer.statusCode()).as("%s on %s: %s", path, instance.port(), answer.body())
                                            .isEqualTo(200);
                                    assertThat(answer.body()).as(path).isEqualTo(data.bodies().get(path));
                                    assertThat(answer.headers().firstValue("X-Cache")).as(path).hasValue("HIT");
                                    assertThat(answer.headers().firstValue("Cache-Status")).as(path)
                                            .hasValue("scenecache; hit; detail=stale-if-error");
                                    assertThat(Long.parseLong(answer.headers().firstValue("Age").orElseThrow())).as(path)
                                            .isGreaterThanOrEqualTo(TTL_MILLIS * 9 / 10 / 1000);
                                    stale.incrementAndGet();
                                }
                            }
                            return System.currentTimeMillis() >= until;
                        });
                assertThat(stale.get()).isGreaterThanOrEqualTo(16);
                // ...and, once the database has failed, asks it again at most once a second, not per read.
                double staleAnswers = metric(a, staleSeries) - staleBefore;
                double attempts = metric(a, loadSeries) - loadsBefore;
                System.out.printf("stale-if-error: %.0f stale scene answers on A, %.0f attempts to load them%n",
                        staleAnswers, attempts);
                assertThat(attempts).isLessThan(staleAnswers);
                // With stale-if-error off, the same expired entries are 503s, and readiness is DOWN.
                for (String path : offData.paths()) {
                    assertThat(get(off, path).statusCode()).as(path).isEqualTo(503);
                }
                assertThat(get(off, "/q/health/ready").statusCode()).isEqualTo(503);

                // An uncached read answers 503; a write answers 503 and changes nothing.
                assertThat(get(a, uncached).statusCode()).isEqualTo(503);
                assertThat(send(a, "PATCH", scenePath, "{\"name\": \"Lost\"}").statusCode()).isEqualTo(503);
                assertThat(get(b, scenePath).body()).isEqualTo(data.bodies().get(scenePath));
                // Readiness stays UP and says why; the cache's health says it serves stale data.
                HttpResponse<String> ready = get(a, "/q/health/ready");
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(ready.body()).contains("unreachable").contains("serving stale data");
                assertThat(metric(a, "cache_gets_total{cache=\"scene\",result=\"stale\",tier=\"any\"}"))
                        .isGreaterThan(0);
            } finally {
                TestServers.postgres().start();
            }
        }

        // Expected: once PostgreSQL is back, reads are fresh again (a miss, then hits), no stale answer, and
        // the write that failed changed nothing.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> get(a, scenePath).statusCode() == 200
                        && !get(a, scenePath).headers().firstValue("Cache-Status").orElse("").contains("stale"));
        for (ServiceProcess instance : List.of(a, b)) {
            for (String path : data.paths()) {
                HttpResponse<String> answer = get(instance, path);
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.headers().firstValue("Cache-Status").orElseThrow()).as(path)
                        .isIn("scenecache; fwd=miss; stored", "scenecache; hit; detail=l1", "scenecache; hit; detail=l2");
                assertThat(answer.headers().firstValue("Age")).as(path).isEmpty();
                assertThat(answer.body()).as(path).isEqualTo(data.bodies().get(path));
            }
        }
    }

    @Test
    void shouldNeverServeAnEntryThatAWriteJustBeforeTheOutageChanged() throws Exception {
        Data data = createAndRead();
        String scenePath = "/projects/" + data.project() + "/scenes/" + data.scene();
        String otherPath = "/projects/" + data.project() + "/scenes/" + data.other();
        for (ServiceProcess instance : List.of(a, b)) {
            Http.send(instance.port(), "GET", scenePath, null, 200);
            Http.send(instance.port(), "GET", otherPath, null, 200);
            Http.send(instance.port(), "GET", "/projects/" + data.project() + "/scenes", null, 200);
        }
        // Action: one scene is renamed, the other deleted, both acknowledged; then PostgreSQL stops at once.
        Http.send(a.port(), "PATCH", scenePath, "{\"name\": \"Renamed\"}", 200);
        Http.send(b.port(), "DELETE", otherPath, null, 204);
        TestServers.postgres().stop();
        try {
            // Expected, before and after the TTL runs out: the renamed scene or a 503, never the old one; the
            // deleted scene a 404 or a 503, never the scene; the list without it (or a 503).
            AtomicInteger answers = new AtomicInteger();
            long until = System.currentTimeMillis() + 2 * LONGEST_TTL_MILLIS;
            // A round of reads every 100 ms until `until`; an assertion that fails ends the test at once.
            Awaitility.await().pollInterval(Duration.ofMillis(100))
                    .atMost(Duration.ofMillis(2 * LONGEST_TTL_MILLIS + 60_000)).until(() -> {
                        for (ServiceProcess instance : List.of(a, b)) {
                            HttpResponse<String> scene = get(instance, scenePath);
                            assertThat(scene.statusCode()).isIn(200, 503);
                            if (scene.statusCode() == 200) {
                                assertThat(scene.body()).contains("\"name\":\"Renamed\"").contains("\"version\":2");
                            }
                            assertThat(get(instance, otherPath).statusCode()).isIn(404, 503);
                            HttpResponse<String> list = get(instance, "/projects/" + data.project() + "/scenes");
                            assertThat(list.statusCode()).isIn(200, 503);
                            if (list.statusCode() == 200) {
                                assertThat(list.body()).contains("Renamed").doesNotContain(data.other());
                            }
                            answers.incrementAndGet();
                        }
                        return System.currentTimeMillis() >= until;
                    });
            assertThat(answers.get()).isGreaterThan(10);
        } finally {
            TestServers.postgres().start();
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> get(a, scenePath).statusCode() == 200 && get(b, scenePath).statusCode() == 200);
    }

    @Test
    void shouldReloadAHotKeyAboutOncePerTtlAcrossInstancesWithoutAMiss() throws Exception {
        Data data = createAndRead();
        String scenePath = "/projects/" + data.project() + "/scenes/" + data.scene();
        Http.send(b.port(), "GET", scenePath, null, 200);
        String miss = "cache_gets_total{cache=\"scene\",result=\"miss\",tier=\"none\"}";
        double missesBefore = metric(a, miss) + metric(b, miss);
        double reloadsBefore = reloads(a) + reloads(b);

        // Action: both instances read the scene continuously for five TTLs.
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger wrong = new AtomicInteger();
        ScheduledExecutorService readers = Executors.newScheduledThreadPool(2);
        for (ServiceProcess instance : List.of(a, b)) {
            readers.scheduleWithFixedDelay(() -> {
                try {
                    HttpResponse<String> answer = get(instance, scenePath);
                    if (answer.statusCode() != 200 || !answer.body().equals(data.bodies().get(scenePath))) {
                        wrong.incrementAndGet();
                    }
                    reads.incrementAndGet();
                } catch (Exception e) {
                    wrong.incrementAndGet();
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
        }
        long started = System.currentTimeMillis();
        Awaitility.await().pollDelay(Duration.ofMillis(5 * TTL_MILLIS)).atMost(Duration.ofMillis(5 * TTL_MILLIS + 30_000))
                .until(() -> System.currentTimeMillis() >= started + 5 * TTL_MILLIS);
        readers.shutdown();
        assertThat(readers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        long elapsed = System.currentTimeMillis() - started;
        long periods = elapsed / TTL_MILLIS;
        // A hit in the last fifth of the TTL reloads: one reload per four fifths of a TTL, about.
        double expected = elapsed / (0.8 * TTL_MILLIS);

        // Expected: no miss after the first load, and about one reload per TTL in all (not one per instance).
        double misses = metric(a, miss) + metric(b, miss) - missesBefore;
        double reloads = reloads(a) + reloads(b) - reloadsBefore;
        System.out.printf("refresh-ahead: %d reads by 2 instances over %d TTLs: %.0f misses, %.0f reloads%n",
                reads.get(), periods, misses, reloads);
        assertThat(wrong.get()).isZero();
        assertThat(misses).isZero();
        assertThat(reloads).isBetween(expected / 2, expected + 2);
    }

    @Test
    void shouldAnswerEveryRequestWhileRedisIsPausedAndPostgresIsDown() throws Exception {
        Data data = createAndRead();
        String uncached = "/projects/" + UUID.randomUUID();
        long pid;
        try (RedisProbe redis = new RedisProbe()) {
            pid = redis.freeze();
        }
        TestServers.postgres().stop();
        try {
            // Expected: every request answers: 200 with the last state while L1 may still be trusted, else 503;
            // never a 500, never a hang (the client's 30 s timeout would fail the test).
            Map<Integer, Integer> statuses = new java.util.TreeMap<>();
            long[] longest = { 0 };
            // A round of requests every 100 ms for 4 s (an assertion that fails inside ends the wait at once).
            Awaitility.await("4 s of requests").pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                    .during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(120)).until(() -> {
                        for (String path : data.paths()) {
                            long start = System.nanoTime();
                            HttpResponse<String> answer = get(a, path);
                            longest[0] = Math.max(longest[0], System.nanoTime() - start);
                            statuses.merge(answer.statusCode(), 1, Integer::sum);
                            assertThat(answer.statusCode()).as(path).isIn(200, 503);
                            if (answer.statusCode() == 200) {
                                assertThat(answer.body()).as(path).isEqualTo(data.bodies().get(path));
                            }
                        }
                        assertThat(get(a, uncached).statusCode()).isEqualTo(503);
                        return true;
                    });
            System.out.printf("Redis paused and PostgreSQL down: statuses %s, longest answer %d ms%n", statuses,
                    longest[0] / 1_000_000);
            assertThat(statuses).containsKey(503);
        } finally {
            RedisProbe.thaw(pid);
            TestServers.postgres().start();
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> get(a, data.paths().get(0)).statusCode() == 200);
    }

    private static double reloads(ServiceProcess instance) throws Exception {
        return metric(instance, "cache_refreshes_total{cache=\"scene\",result=\"started\"}");
    }

    private static double metric(ServiceProcess instance, String series) throws Exception {
        // The bundled client writes a trailing comma after the last label: {a="b",}
        String body = get(instance, "/q/metrics").body().replace(",}", "}");
        for (String line : body.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + series + " in the metrics of " + instance.port());
    }

    private static HttpResponse<String> get(ServiceProcess instance, String path) throws Exception {
        return send(instance, "GET", path, null);
    }

    private static HttpResponse<String> send(ServiceProcess instance, String method, String path, String json)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + path))
                .timeout(Duration.ofSeconds(30));
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

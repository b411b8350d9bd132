package dev.scenecache.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.scenecache.component.SwcCompiler;
import dev.scenecache.testing.PostgresServer;
import dev.scenecache.testing.RedisTestServer;
import dev.scenecache.testing.ServiceProcess;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

/**
 * The component-build benchmark (issue 5): {@code ./mvnw -f bench/pom.xml -Pbench-components}.
 *
 * <ol>
 * <li>Compile time per component size (1 KiB, 8 KiB, 100 KiB), in this process with the service's
 * compiler: the process's first compile (native library loaded), each size's first compile, and the
 * median of repeated compiles.
 * <li>{@code POST /components/build} throughput against the packaged service on real PostgreSQL and
 * Redis: cached content (the same typical component) and uncached content (a new comment each time,
 * so every request compiles), alternated in rounds in the same run, same concurrency.
 * <li>Redis bytes per cached build ({@code MEMORY USAGE} of the entry) against the JS size.
 * </ol>
 * Writes {@code target/bench/components.md}.
 */
public final class ComponentBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        double roundSeconds = Double.parseDouble(System.getProperty("bench.round-seconds", "5"));
        int rounds = Integer.getInteger("bench.rounds", 3);
        int concurrency = Integer.getInteger("bench.connections", 16);
        StringBuilder report = new StringBuilder("# Component builds\n\n");
        Map<String, String> sizes = new java.util.LinkedHashMap<>();
        sizes.put("small (1 KiB)", component(1024));
        sizes.put("typical (8 KiB)", component(8 * 1024));
        sizes.put("large (100 KiB)", component(100 * 1024));

        // 1. Compile times, in process.
        SwcCompiler compiler = new SwcCompiler();
        long t0 = System.nanoTime();
        compiler.compile("export const first = 1;");
        double processFirstMs = (System.nanoTime() - t0) / 1e6;
        report.append("Compiler: ").append(compiler.name()).append(". First compile of the process (native library load): ")
                .append(fmt(processFirstMs)).append(" ms\n\n")
                .append("| component | TSX bytes | JS bytes | first compile ms | warm median ms | warm p90 ms |\n|---|---|---|---|---|---|\n");
        Map<String, Integer> jsBytes = new HashMap<>();
        for (Map.Entry<String, String> size : sizes.entrySet()) {
            long start = System.nanoTime();
            SwcCompiler.Compiled first = compiler.compile(size.getValue());
            double firstMs = (System.nanoTime() - start) / 1e6;
            if (!first.success()) {
                throw new IllegalStateException("benchmark component does not compile: " + first.errors());
            }
            int runs = size.getValue().length() > 50_000 ? 60 : 400;
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long s = System.nanoTime();
                compiler.compile(size.getValue());
                ms[i] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(ms);
            jsBytes.put(size.getKey(), first.js().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            report.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s |%n", size.getKey(),
                    size.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length, jsBytes.get(size.getKey()),
                    fmt(firstMs), fmt(ms[runs / 2]), fmt(ms[runs * 9 / 10])));
        }
        say(report.toString());

        // 2. and 3. Against the packaged service.
        Path dir = Path.of("target", "bench").toAbsolutePath();
        Files.createDirectories(dir);
        SceneReadBenchmark.deleteTree(dir.resolve("pgdata-components"));
        PostgresServer pg = PostgresServer.start(dir.resolve("pgdata-components"), dir.resolve("pg-bin"), 0,
                Map.of("synchronous_commit", "off"));
        RedisTestServer redisServer = RedisTestServer.start(dir.resolve("redis-bin"), 0);
        Vertx vertx = Vertx.vertx();
        Redis redis = Redis.createClient(vertx, redisServer.url());
        Map<String, String> env = new HashMap<>();
        env.put("PG_URL", pg.url());
        env.put("PG_USER", pg.user());
        env.put("PG_PASSWORD", "bench");
        env.put("REDIS_URL", redisServer.url());
        try (ServiceProcess service = SceneReadBenchmark.startService(jar, env, dir.resolve("components.log"))) {
            URI build = service.uri("/components/build");
            String typical = sizes.get("typical (8 KiB)");
            String cachedBody = JSON.writeValueAsString(Map.of("tsxCode", typical));
            post(build, cachedBody);
            // Warm the JIT on both paths before measuring.
            measure(build, () -> cachedBody, concurrency, 3);
            measure(build, () -> body(typical), concurrency, 3);
            double cached = 0;
            double uncached = 0;
            List<String> lines = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                double c = measure(build, () -> cachedBody, concurrency, roundSeconds);
                double u = measure(build, () -> body(typical), concurrency, roundSeconds);
                lines.add(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.1f× |", r + 1, c, u, c / u));
                cached += c;
                uncached += u;
            }
            report.append(String.format(Locale.ROOT, "%n`POST /components/build`, typical component, %d concurrent clients, "
                    + "%d rounds of %.0f s each way, alternated:%n%n| round | cached req/s | uncached req/s | ratio |%n|---|---|---|---|%n",
                    concurrency, rounds, roundSeconds));
            lines.forEach(l -> report.append(l).append('\n'));
            report.append(String.format(Locale.ROOT, "| mean | %.0f | %.0f | **%.1f×** |%n", cached / rounds,
                    uncached / rounds, cached / uncached));

            report.append("\nRedis bytes per cached build (entry of the `component` cache, `MEMORY USAGE`):\n\n"
                    + "| component | JS bytes | BuildResult JSON bytes | Redis value bytes | MEMORY USAGE | Redis / JS |\n|---|---|---|---|---|---|\n");
            for (Map.Entry<String, String> size : sizes.entrySet()) {
                String response = post(build, JSON.writeValueAsString(Map.of("tsxCode", size.getValue())));
                JsonNode result = JSON.readTree(response);
                String key = "sc:{c:" + result.get("hash").asText() + "}:component";
                // The fill lands in the background, just after the answer.
                long strlen = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> redis.send(Request.cmd(Command.STRLEN).arg(key)).await().atMost(Duration.ofSeconds(5))
                                .toLong(), n -> n > 0);
                long usage = redis.send(Request.cmd(Command.MEMORY).arg("USAGE").arg(key)).await()
                        .atMost(Duration.ofSeconds(5)).toLong();
                int js = result.get("js").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                report.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.2f |%n", size.getKey(), js,
                        response.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, strlen, usage, (double) usage / js));
            }
        } finally {
            redis.close();
            vertx.closeAndAwait();
            redisServer.stop();
            pg.stop();
        }
        Files.writeString(dir.resolve("components.md"), report);
        say(report.toString());
        say("report: " + dir.resolve("components.md"));
    }

    /** Requests per second over {@code seconds} with {@code concurrency} requests in flight. */
    private static double measure(URI uri, Supplier<String> body, int concurrency, double seconds) throws Exception {
        Semaphore slots = new Semaphore(concurrency);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            slots.acquire();
            HTTP.sendAsync(request(uri, body.get()), HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null || r.statusCode() != 200) {
                    failed.incrementAndGet();
                } else {
                    done.incrementAndGet();
                }
                slots.release();
            });
        }
        slots.acquire(concurrency);
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (failed.get() > 0) {
            say("  " + failed.get() + " requests failed or were refused (503) in this round");
        }
        return done.get() / elapsed;
    }

    private static String body(String tsx) {
        try {
            return JSON.writeValueAsString(Map.of("tsxCode", tsx + "\n// " + UUID.randomUUID()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest request(URI uri, String json) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static String post(URI uri, String json) throws Exception {
        HttpResponse<String> response = HTTP.send(request(uri, json), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("build answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** A scene component of about {@code bytes} bytes: the typical chart scene plus generated sub-components. */
    static String component(int bytes) {
        StringBuilder code = new StringBuilder(SceneReadBenchmark.sceneCode());
        int i = 0;
        while (code.length() < bytes) {
            code.append(String.format(Locale.ROOT, """

                    interface Item%1$dProps { label: string; value?: number; tone?: 'light' | 'dark' }
                    export const Item%1$d = ({ label, value = %1$d, tone = 'dark' }: Item%1$dProps) => (
                      <div style={{ color: tone === 'dark' ? '#111' : '#eee', padding: %1$d %% 16 }}>
                        <span>{label}</span><strong>{value?.toFixed(1) ?? '-'}</strong>
                      </div>
                    );
                    """, i++));
        }
        return code.toString();
    }

    private static String fmt(double ms) {
        return String.format(Locale.ROOT, ms < 1 ? "%.3f" : "%.1f", ms);
    }

    private static void say(String line) {
        System.out.println(line);
    }
}

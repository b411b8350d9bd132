package dev.scenecache.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.scenecache.testing.LoadGenerator;
import dev.scenecache.testing.PostgresServer;
import dev.scenecache.testing.RedisTestServer;
import dev.scenecache.testing.ServiceProcess;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

/**
 * {@code ./mvnw -f bench/pom.xml -Pbench}: the packaged service against real PostgreSQL and Redis, driven on
 * {@code GET /projects/{p}/scenes/{s}} over 10,000 scenes (100 projects) with Zipf (s = 0.99) picks and
 * 5% writes, in eight variants measured one after the other in one run ((b) first):
 * (a) the HTTP floor, a constant scene-sized JSON; (s) the floor of the scene endpoint's shape (its path
 * template, ids, ETag and {@code Uni}, the same constant body); (b) L1 + L2; (c) L2 only; (d) caching off;
 * (e) {@code @CacheResult} with quarkus-redis-cache; (f) the ticket's cache-aside sketch; and (w) the floor
 * of a workload with writes: the constant endpoint for the reads, the real {@code PATCH} (no cache) for the
 * writes, which is the best any cache could do with them.
 * Each variant: saturation throughput (closed loop), then latency at half of (b)'s saturation (open
 * loop); with {@code bench.workloads}, a cold start and a Redis outage too. Per phase it also reads
 * what the servers did: PostgreSQL statements and Redis commands per request, heap and Redis memory,
 * and the CPU time per request of the service, PostgreSQL, Redis and the load generator ({@link CpuSample}),
 * and how long the machine itself stalled ({@link Hiccups}).
 * Also Redis bytes per cached scene against its JSON size. Report in {@code target/bench/}.
 *
 * <p>
 * Settings (system properties): {@code bench.seconds} (20), {@code bench.warmup} (30: the JIT needs that long on 2 cores),
 * {@code bench.connections} (32), {@code bench.scenes-per-project} (100), {@code bench.projects} (100).
 */
public final class SceneReadBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final double WRITES = Double.parseDouble(System.getProperty("bench.writes", "0.05"));
    /**
     * Extra workloads: {@code cold} (start on empty caches), {@code outage} (Redis stopped for 10 s),
     * {@code stale} and {@code refresh} (stale-if-error and refresh-ahead off and on: {@link FreshnessWorkloads}).
     */
    private static final String WORKLOADS = System.getProperty("bench.workloads", "");
    /** Rounds of the saturation phase per variant (alternated); the report's ratios use their medians. */
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 1);
    /** Whether later rounds also run the fixed-rate phase (round 1 always does): tails as medians of rounds. */
    private static final boolean TAIL_ROUNDS = Boolean.getBoolean("bench.tail-rounds");
    /** The machine's own stalls during each phase (see {@link Hiccups}): a floor under any latency percentile. */
    private static final Hiccups HICCUPS = new Hiccups();
    /** The floor of the scene endpoint's shape: {@code FLOOR_PREFIX + "/projects/{p}/scenes/{s}"}. */
    static final String SHAPED_FLOOR = "(s) HTTP floor, scene endpoint's shape";
    static final String FLOOR_PREFIX = "/bench/floor";
    /** The benchmark app's jar: the variants that need {@code /bench/**} run on it. */
    private static Path benchJar;
    /**
     * {@code bench.baseline}: another build's {@code quarkus-run.jar} (an earlier commit's, say). When set, it
     * runs as variant (z), configured as (b) and alternated with it in the same run: a before/after in one run.
     */
    private static final String BASELINE_JAR = System.getProperty("bench.baseline", "");
    static final String BASELINE = "(z) L1 + L2 on the baseline build";

    /**
     * {@code args[0]}: the service's {@code quarkus-run.jar}, for (b), (c) and (d); {@code args[1]}: the
     * benchmark app's (the service plus the peers and the floors, {@code bench/}), for (a), (s), (e), (f) and (w).
     */
    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        benchJar = Path.of(args[1]);
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "20"));
        double warmup = Double.parseDouble(System.getProperty("bench.warmup", "30"));
        int connections = Integer.getInteger("bench.connections", 32);
        int projects = Integer.getInteger("bench.projects", 100);
        int perProject = Integer.getInteger("bench.scenes-per-project", 100);
        Path dir = Path.of("target", "bench").toAbsolutePath();
        deleteTree(dir.resolve("pgdata"));
        Files.createDirectories(dir);

        // pg_stat_statements counts the statements each phase costs (all of them, BEGIN and COMMIT included).
        PostgresServer pg = PostgresServer.start(dir.resolve("pgdata"), dir.resolve("pg-bin"), 0,
                Map.of("synchronous_commit", "off", "shared_buffers", "256MB",
                        "shared_preload_libraries", "pg_stat_statements", "pg_stat_statements.track", "all"));
        RedisTestServer redisServer = RedisTestServer.start(dir.resolve("redis-bin"), 0);
        Vertx vertx = Vertx.vertx();
        Redis redis = Redis.createClient(vertx, redisServer.url());
        try {
            Map<String, String> base = serviceEnv(pg, redisServer.url());
            base.put("BENCH_FLOOR_ENABLED", "true");
            base.put("BENCH_PEERS_ENABLED", "true");

            // Seed once, through the API.
            List<LoadGenerator.Target> targets;
            long jsonBytes;
            try (ServiceProcess service = startService(jar, base, dir.resolve("seed.log"))) {
                say("seeding " + projects * perProject + " scenes");
                targets = seed(service.port(), projects, perProject);
                jsonBytes = HTTP.send(HttpRequest.newBuilder(service.uri("/projects/" + targets.get(0).project()
                        + "/scenes/" + targets.get(0).scene())).build(), HttpResponse.BodyHandlers.ofByteArray()).body().length;
                // The load generator's own JIT warm-up, on the seeding service's reads: otherwise the first
                // variant's cold start also measures a cold generator (270 µs of its CPU per request, not 30).
                say("load generator warm-up: " + warmup + " s");
                try (LoadGenerator load = new LoadGenerator(service.port(), connections, targets, 0.99, WRITES, null)) {
                    LoadGenerator.Result closed = load.closedLoop("load generator warm-up", connections, warmup);
                    // Its fixed-rate path too, so that the first variant's fixed-rate phase does not also
                    // measure a cold generator falling behind its own schedule. (It was suspected of round 1's
                    // tails, which every variant has; they stayed: docs/bench/2026-12-02-frontier-2.md.)
                    load.openLoop("load generator warm-up", closed.throughput() / 2, warmup / 2);
                }
            }
            say("scene JSON is " + jsonBytes + " bytes");
            base.put("BENCH_FLOOR_BYTES", Long.toString(jsonBytes));
            String only = System.getProperty("bench.only", "abcdefsw");

            // (b) first: every variant's open-loop phase then runs at half of (b)'s saturation, the floor's
            // included, so latencies at that rate compare directly.
            List<Variant> variants = List.of(
                    new Variant("(b) L1 + L2", Map.of(), null, WRITES, ""),
                    new Variant(BASELINE, Map.of(), null, WRITES, ""),
                    new Variant("(a) HTTP floor", Map.of(), "/bench/floor", 0, ""),
                    // The floor of (b)'s endpoint shape: the same path template, ids, ETag and Uni, a constant body.
                    new Variant(SHAPED_FLOOR, Map.of(), null, 0, FLOOR_PREFIX),
                    // The floor of a workload with writes: the constant endpoint for reads, the real PATCH (no
                    // cache) for the writes. What any cache could reach at best: its reads cost nothing.
                    new Variant("(w) HTTP floor + real writes", Map.of("CACHE_ENABLED", "false"), "/bench/floor", WRITES, ""),
                    new Variant("(c) L2 only", Map.of("CACHE_L1_ENABLED", "false"), null, WRITES, ""),
                    new Variant("(d) cache off", Map.of("CACHE_ENABLED", "false"), null, WRITES, ""),
                    // The peers, on the same data, query and endpoint shape; scenecache's own cache is off
                    // for them, so only the peer caches.
                    new Variant("(e) @CacheResult + quarkus-redis-cache", Map.of("CACHE_ENABLED", "false"), null, WRITES,
                            "/bench/peers/cache-result"),
                    new Variant("(f) cache-aside sketch", Map.of("CACHE_ENABLED", "false"), null, WRITES,
                            "/bench/peers/cache-aside"));

            Probes probes = new Probes(pg, redis);
            List<Row> results = new ArrayList<>();
            Map<String, Double> saturation = new LinkedHashMap<>();
            Map<String, RoundFigures> firstRound = new LinkedHashMap<>();
            long bytesPerScene = -1;
            long cachedScenes = -1;
            for (Variant variant : variants) {
                if (only.indexOf(variant.name().charAt(1)) < 0 || variant.name().equals(BASELINE) && BASELINE_JAR.isEmpty()) {
                    continue;
                }
                try (ServiceProcess service = startFresh(jar, base, variant, redis, probes,
                        dir.resolve(variant.letter() + ".log"))) {
                    try (LoadGenerator load = new LoadGenerator(service.port(), connections, targets, 0.99, variant.writes(),
                            variant.fixedPath()).withPrefix(variant.prefix())) {
                        boolean peer = variant.peer();
                        boolean caching = variant.caching();
                        if (caching && WORKLOADS.contains("cold")) {
                            // Cold start: a new service on empty caches, measured from its first request.
                            measure(results, probes, service, peer, () -> load.closedLoop(variant.name() + " · cold start",
                                    connections, seconds));
                        }
                        if (caching) {
                            steadyState(service, targets, variant); // a cold start is another workload
                        }
                        say(variant.name() + ": warm-up " + warmup + " s");
                        load.closedLoop(variant.name(), connections, warmup);
                        LoadGenerator.Result max = measure(results, probes, service, peer,
                                () -> load.closedLoop(variant.name(), connections, seconds));
                        saturation.put(variant.name(), max.throughput());
                        RoundFigures first = new RoundFigures(max.throughput(),
                                results.get(results.size() - 1).cpuMicrosPerRequest());
                        double rate = saturation.getOrDefault("(b) L1 + L2", max.throughput()) / 2;
                        LoadGenerator.Result open = measure(results, probes, service, peer,
                                () -> load.openLoop(variant.name(), rate, seconds / 2));
                        firstRound.put(variant.name(),
                                first.withTail(open.millis(99), ms(results.get(results.size() - 1).stalls(), 99)));
                        if (caching && WORKLOADS.contains("outage")) {
                            // Redis stopped for 10 s under full load: errors and latency during and after.
                            redisServer.stop();
                            try {
                                measure(results, probes, service, peer,
                                        () -> load.closedLoop(variant.name() + " · Redis down", connections, 10));
                            } finally {
                                redisServer.start();
                            }
                            measure(results, probes, service, peer,
                                    () -> load.closedLoop(variant.name() + " · Redis back", connections, 10));
                        }
                    }
                    if (variant.name().startsWith("(c)")) {
                        // Redis memory of cached scenes (no L1 here, so every read reaches Redis): fill every
                        // scene once, compare with the empty cache.
                        send(redis, Request.cmd(Command.FLUSHALL));
                        long before = usedMemory(redis);
                        try (LoadGenerator fill = new LoadGenerator(service.port(), 16, targets, 0.0, 0, null)) {
                            fill.sweep(16);
                        }
                        cachedScenes = countKeys(redis, "sc:{p:*}:scene:*");
                        bytesPerScene = (usedMemory(redis) - before) / Math.max(1, cachedScenes);
                        say("Redis: " + cachedScenes + " cached scenes, " + bytesPerScene + " bytes each");
                    }
                }
            }
            // More rounds of the saturation phase, variants alternated, each on a new service: this shared
            // machine drifts by tens of percent within minutes, which one pass per variant cannot tell apart
            // from a difference between variants. Ratios are taken between the medians.
            Map<String, Long> roundStale = new LinkedHashMap<>();
            Map<String, List<RoundFigures>> roundFigures = new LinkedHashMap<>();
            firstRound.forEach((name, figures) -> roundFigures.computeIfAbsent(name, k -> new ArrayList<>()).add(figures));
            for (int round = 2; round <= ROUNDS; round++) {
                for (Variant variant : variants) {
                    if (only.indexOf(variant.name().charAt(1)) < 0
                            || variant.name().equals(BASELINE) && BASELINE_JAR.isEmpty()) {
                        continue;
                    }
                    try (ServiceProcess service = startFresh(jar, base, variant, redis, probes,
                            dir.resolve(variant.letter() + "-round" + round + ".log"));
                            LoadGenerator load = new LoadGenerator(service.port(), connections, targets, 0.99,
                                    variant.writes(), variant.fixedPath()).withPrefix(variant.prefix())) {
                        if (variant.caching()) {
                            steadyState(service, targets, variant);
                        }
                        load.closedLoop(variant.name(), connections, warmup);
                        CpuSample cpu = CpuSample.take(service.process().pid());
                        LoadGenerator.Result r = load.closedLoop(variant.name(), connections, seconds);
                        Map<String, Double> micros = CpuSample.take(service.process().pid()).microsPerRequest(cpu,
                                Math.max(1, r.requests()));
                        roundStale.merge(variant.name(), r.stale(), Long::sum);
                        RoundFigures figures = new RoundFigures(r.throughput(), micros);
                        if (TAIL_ROUNDS) {
                            // The fixed-rate phase again, at half of (b)'s first saturation, as in round 1.
                            double rate = saturation.getOrDefault("(b) L1 + L2", r.throughput()) / 2;
                            HICCUPS.take();
                            LoadGenerator.Result open = load.openLoop(variant.name(), rate, seconds / 2);
                            figures = figures.withTail(open.millis(99), ms(HICCUPS.take(), 99));
                        }
                        roundFigures.computeIfAbsent(variant.name(), k -> new ArrayList<>()).add(figures);
                        say(String.format(Locale.ROOT, "%s round %d: %.0f req/s, errors %d, stale %d, %s", variant.name(),
                                round, r.throughput(), r.errors(), r.stale(), figures));
                    }
                }
            }
            // Each variant's saturation throughput by round (round 1's is in saturation), and their medians.
            Map<String, List<Double>> rounds = new LinkedHashMap<>();
            roundFigures.forEach((name, figures) -> rounds.put(name, figures.stream().map(RoundFigures::throughput).toList()));
            Map<String, Double> medians = new LinkedHashMap<>();
            rounds.forEach((name, values) -> medians.put(name, median(values)));
            // Stale-if-error and refresh-ahead, off and on (FreshnessWorkloads).
            List<FreshnessWorkloads.Phase> freshness = FreshnessWorkloads.run(WORKLOADS, jar, serviceEnv(pg,
                    redisServer.url()), pg, targets, connections, dir, () -> send(redis, Request.cmd(Command.FLUSHALL)));
            String report = (results.isEmpty() ? ""
                    : report(results, medians, jsonBytes, bytesPerScene, cachedScenes, connections)
                            + roundsTable(rounds, medians, roundStale) + figuresTable(roundFigures))
                    + FreshnessWorkloads.report(freshness);
            Files.writeString(dir.resolve("report.md"), report);
            List<Map<String, Object>> json = new ArrayList<>();
            for (Row measured : results) {
                LoadGenerator.Result r = measured.result();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("variant", r.variant());
                row.put("mode", r.mode());
                row.put("throughput", r.throughput());
                row.put("p50Millis", r.millis(50));
                row.put("p95Millis", r.millis(95));
                row.put("p99Millis", r.millis(99));
                row.put("maxMillis", r.millis(100));
                row.put("hitRate", measured.hitRate()); // hits / (hits + misses): bypasses are not lookups
                row.put("bypasses", r.bypasses());
                row.put("errors", r.errors());
                row.put("staleReads", r.stale());
                row.put("writes", r.writeLatency().getTotalCount());
                row.put("dbStatementsPerRequest", measured.dbPerRequest());
                row.put("redisCommandsPerRequest", measured.redisPerRequest());
                row.put("redisCommandsPerRequestByName", measured.redisCommandsPerRequest());
                row.put("heapUsedBytes", measured.heapBytes());
                row.put("cpuMicrosPerRequest", measured.cpuMicrosPerRequest());
                row.put("machineStallP99Millis", ms(measured.stalls(), 99));
                row.put("machineStallMaxMillis", ms(measured.stalls(), 100));
                row.put("redisUsedMemoryBytes", measured.redisBytes());
                json.add(row);
            }
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("phases", json);
            document.put("saturationRounds", rounds);
            document.put("saturationMedians", medians);
            document.put("staleReadsInLaterRounds", roundStale);
            document.put("rounds", roundFigures);
            document.put("freshness", freshness.stream().map(FreshnessWorkloads.Phase::json).toList());
            Files.writeString(dir.resolve("report.json"),
                    new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                            .writeValueAsString(document));
            System.out.println();
            System.out.println(report);
        } finally {
            redis.close();
            vertx.closeAndAwait();
            redisServer.stop();
            pg.stop();
        }
    }

    /** One way of serving the scenes: the service's environment, or a fixed path, or a peer's prefix. */
    record Variant(String name, Map<String, String> env, String fixedPath, double writes, String prefix) {
        String letter() {
            return name.substring(1, 2);
        }

        /** Whether the variant needs the benchmark app's endpoints (the floors, a peer). */
        boolean benchApp() {
            return fixedPath != null || !prefix.isEmpty();
        }

        /** Whether the reads go to a floor: no cache behind them. */
        boolean floor() {
            return fixedPath != null || prefix.equals(FLOOR_PREFIX);
        }

        /** Whether a peer serves the reads (its endpoints under {@code prefix}). */
        boolean peer() {
            return !prefix.isEmpty() && !floor();
        }

        /** Whether a cache serves the reads: scenecache's (not switched off) or a peer's. */
        boolean caching() {
            return !floor() && (!env.containsKey("CACHE_ENABLED") || peer());
        }
    }

    /** A new service for the variant, on an empty Redis and a vacuumed scene table. */
    private static ServiceProcess startFresh(Path jar, Map<String, String> base, Variant variant, Redis redis, Probes probes,
            Path log) throws Exception {
        send(redis, Request.cmd(Command.FLUSHALL));
        probes.vacuum();
        Map<String, String> env = new HashMap<>(base);
        env.putAll(variant.env());
        Path variantJar = variant.name().equals(BASELINE) ? Path.of(BASELINE_JAR) : variant.benchApp() ? benchJar : jar;
        return startService(variantJar, env, log);
    }

    /** Every scene read once through the variant, 16 at a time. */
    private static void steadyState(ServiceProcess service, List<LoadGenerator.Target> targets, Variant variant)
            throws Exception {
        try (LoadGenerator fill = new LoadGenerator(service.port(), 16, targets, 0.0, 0, null).withPrefix(variant.prefix())) {
            fill.sweep(16);
        }
    }

    /** {@code projects} projects of {@code perProject} scenes of about 1.5 KB, written through the API. */
    static List<LoadGenerator.Target> seed(int port, int projects, int perProject) throws Exception {
        String tsx = sceneCode();
        List<LoadGenerator.Target> targets = new ArrayList<>();
        Pattern id = Pattern.compile("\"id\":\"([^\"]+)\"");
        for (int p = 0; p < projects; p++) {
            String project = extract(id, post(port, "/projects", "{\"name\":\"Bench " + p + "\",\"type\":\"marketing\"}"));
            List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
            for (int s = 0; s < perProject; s++) {
                String body = "{\"name\":\"Scene " + s + "\",\"type\":\"chart\",\"tsxCode\":" + quote(tsx)
                        + ",\"props\":{\"title\":\"Revenue " + s + "\",\"values\":[1,2,3,5,8]}}";
                batch.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/projects/"
                        + project + "/scenes")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
                if (batch.size() == 20) {
                    for (var r : batch) {
                        targets.add(new LoadGenerator.Target(project, extract(id, r.get().body())));
                    }
                    batch.clear();
                }
            }
            for (var r : batch) {
                targets.add(new LoadGenerator.Target(project, extract(id, r.get().body())));
            }
        }
        return targets;
    }

    /** A typical scene component of about 1.5 KB. */
    static String sceneCode() {
        return """
                import { AbsoluteFill, interpolate, useCurrentFrame, useVideoConfig } from 'remotion';

                interface ChartProps { title: string; values: number[]; color?: string }

                export default function RevenueChart({ title, values, color = '#4f46e5' }: ChartProps) {
                  const frame = useCurrentFrame();
                  const { fps } = useVideoConfig();
                  const max = Math.max(...values, 1);
                  const progress = interpolate(frame, [0, fps], [0, 1], { extrapolateRight: 'clamp' });
                  return (
                    <AbsoluteFill style={{ backgroundColor: '#0f172a', padding: 80, fontFamily: 'Inter' }}>
                      <h1 style={{ color: 'white', fontSize: 72, opacity: progress }}>{title}</h1>
                      <div style={{ display: 'flex', alignItems: 'flex-end', gap: 24, height: 600 }}>
                        {values.map((v, i) => (
                          <div key={i} style={{ width: 80, height: (v / max) * 600 * progress,
                            backgroundColor: color, borderRadius: 12 }} />
                        ))}
                      </div>
                    </AbsoluteFill>
                  );
                }
                """;
    }

    /** One measured phase with what it cost the servers; -1 where a figure could not be read. */
    record Row(LoadGenerator.Result result, double hitRate, double dbPerRequest, double redisPerRequest,
            Map<String, Double> redisCommandsPerRequest, long heapBytes, long redisBytes,
            Map<String, Double> cpuMicrosPerRequest, org.HdrHistogram.Histogram stalls) {

        /** CPU microseconds per request of service/PostgreSQL/Redis/load generator, e.g. {@code 40/12/5/30}. */
        String cpu() {
            if (cpuMicrosPerRequest.isEmpty()) {
                return "-";
            }
            return String.join("/", java.util.stream.Stream.of("service", "postgres", "redis", "load")
                    .map(part -> String.format(Locale.ROOT, "%.0f", cpuMicrosPerRequest.get(part))).toList());
        }
    }

    interface Phase {
        LoadGenerator.Result run() throws Exception;
    }

    /** Runs a phase between two readings of the servers' counters, prints and keeps its row. */
    private static LoadGenerator.Result measure(List<Row> rows, Probes probes, ServiceProcess service, boolean peer,
            Phase phase) throws Exception {
        long loads = peer ? probes.peerLoads(service) : -1;
        long statements = probes.statements();
        Map<String, Long> commands = probes.redisCommands();
        CpuSample cpu = CpuSample.take(service.process().pid());
        HICCUPS.take(); // drops what came before the phase
        LoadGenerator.Result r = phase.run();
        org.HdrHistogram.Histogram stalls = HICCUPS.take();
        CpuSample cpuAfter = CpuSample.take(service.process().pid());
        long requests = Math.max(1, r.requests());
        double db = statements < 0 ? -1 : (probes.statements() - statements) / (double) requests;
        Map<String, Long> after = probes.redisCommands();
        double redis = -1;
        Map<String, Double> byName = new java.util.TreeMap<>();
        if (!commands.isEmpty() && !after.isEmpty()) {
            // The probe's own INFO calls (one per reading) are left out.
            commands.merge("info", 1L, Long::sum);
            after.forEach((name, calls) -> {
                long delta = calls - commands.getOrDefault(name, 0L);
                if (delta > 0) {
                    byName.put(name, delta / (double) requests);
                }
            });
            redis = byName.values().stream().mapToDouble(Double::doubleValue).sum();
        }
        double hitRate = r.hitRate();
        if (peer) {
            // The peers answer no X-Cache: their misses are their loads from PostgreSQL.
            // Failed reads (Redis down) are neither hits nor misses.
            long answered = r.readLatency().getTotalCount() - r.errors();
            long misses = probes.peerLoads(service) - loads;
            hitRate = answered <= 0 ? 0 : 100.0 * Math.max(0, answered - misses) / answered;
        }
        Row row = new Row(r, hitRate, db, redis, byName, probes.heapUsed(service), probes.redisMemory(),
                cpuAfter.microsPerRequest(cpu, requests), stalls);
        rows.add(row);
        print(row);
        return r;
    }

    /**
     * The servers' counters: statements PostgreSQL ran (pg_stat_statements, less the probe's own),
     * commands Redis processed ({@code INFO stats}, pub/sub and heartbeats included), the service's
     * heap in use ({@code /q/metrics}) and Redis' {@code used_memory}.
     */
    static final class Probes {
        private final PostgresServer pg;
        private final Redis redis;
        private long probeQueries;

        Probes(PostgresServer pg, Redis redis) throws java.sql.SQLException {
            this.pg = pg;
            this.redis = redis;
            try (var c = pg.connect(); var st = c.createStatement()) {
                st.execute("create extension if not exists pg_stat_statements");
            }
        }

        /**
         * Every variant starts on the same table: the writes of the one before (thousands of updates of
         * the hottest rows) leave dead row versions that slow the next one's reads and writes until
         * autovacuum passes, which favoured whichever variant ran first.
         */
        void vacuum() throws java.sql.SQLException {
            try (var c = pg.connect(); var st = c.createStatement()) {
                st.execute("vacuum (analyze) scene");
                probeQueries++;
            }
        }

        long statements() {
            try (var c = pg.connect();
                    var st = c.createStatement();
                    var rs = st.executeQuery("select coalesce(sum(calls), 0) from pg_stat_statements")) {
                rs.next();
                // Each reading adds its own statement (and the previous readings' ones are in the sum).
                return rs.getLong(1) - probeQueries++;
            } catch (java.sql.SQLException e) {
                return -1;
            }
        }

        /** Calls per command name ({@code INFO commandstats}); empty when Redis is stopped (outage workload). */
        Map<String, Long> redisCommands() {
            Map<String, Long> calls = new HashMap<>();
            try {
                Matcher m = Pattern.compile("cmdstat_([a-z|_]+):calls=(\\d+)")
                        .matcher(send(redis, Request.cmd(Command.INFO).arg("commandstats")).toString());
                while (m.find()) {
                    calls.put(m.group(1), Long.parseLong(m.group(2)));
                }
            } catch (RuntimeException e) {
                calls.clear();
            }
            return calls;
        }

        long redisMemory() {
            try {
                return usedMemory(redis);
            } catch (RuntimeException e) {
                return -1;
            }
        }

        long peerLoads(ServiceProcess service) throws Exception {
            String body = HTTP.send(HttpRequest.newBuilder(service.uri("/bench/peers/loads")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return infoField(body.replace("\"loads\":", "loads:"), "loads");
        }

        long heapUsed(ServiceProcess service) {
            try {
                String metrics = HTTP.send(HttpRequest.newBuilder(service.uri("/q/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                long sum = 0;
                Matcher m = Pattern.compile("(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+]+)$")
                        .matcher(metrics);
                while (m.find()) {
                    sum += (long) Double.parseDouble(m.group(1));
                }
                return sum;
            } catch (Exception e) {
                return -1;
            }
        }
    }

    private static long infoField(String info, String field) {
        Matcher m = Pattern.compile(field + ":(\\d+)").matcher(info);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String report(List<Row> results, Map<String, Double> saturation, long jsonBytes,
            long bytesPerScene, long cachedScenes, int connections) {
        StringBuilder out = new StringBuilder("# Scene read benchmark\n\n");
        out.append(
                String.format(Locale.ROOT, "%d connections, Zipf s = 0.99 over the scenes, %.0f%% writes in (b)-(f) and (w); "
                        + "machine: %d cores.%n%n", connections, WRITES * 100, Runtime.getRuntime().availableProcessors()));
        out.append("| variant | load | req/s | p50 ms | p95 ms | p99 ms | max ms | reads p50 | reads p99 | writes "
                + "| writes p50 | writes p99 | hit % | L1 hits | bypasses | errors | stale | DB stmts/req | Redis cmds/req "
                + "| heap MB | Redis MB | CPU µs/req service/PG/Redis/load | idle+steal µs/req | machine stall p99/max ms |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:"
                + "|---:|---:|---:|\n");
        for (Row row : results) {
            LoadGenerator.Result r = row.result();
            out.append(String.format(Locale.ROOT,
                    "| %s | %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %.2f | %.2f | %.1f | %d | %d | %d | %d "
                            + "| %.2f | %.2f | %.0f | %.1f | %s | %.0f | %.1f/%.1f |%n",
                    r.variant(), r.mode(), r.throughput(), r.millis(50), r.millis(95), r.millis(99), r.millis(100),
                    ms(r.readLatency(), 50), ms(r.readLatency(), 99), r.writeLatency().getTotalCount(),
                    ms(r.writeLatency(), 50), ms(r.writeLatency(), 99), row.hitRate(), r.l1Hits(), r.bypasses(), r.errors(),
                    r.stale(), row.dbPerRequest(), row.redisPerRequest(), row.heapBytes() / 1048576.0,
                    row.redisBytes() / 1048576.0, row.cpu(),
                    row.cpuMicrosPerRequest().getOrDefault("idle", 0.0) + row.cpuMicrosPerRequest().getOrDefault("steal", 0.0),
                    ms(row.stalls(), 99), ms(row.stalls(), 100)));
        }
        double a = saturation.getOrDefault("(a) HTTP floor", 0.0);
        double b = saturation.getOrDefault("(b) L1 + L2", 0.0);
        double c = saturation.getOrDefault("(c) L2 only", 0.0);
        double d = saturation.getOrDefault("(d) cache off", 0.0);
        double e = saturation.getOrDefault("(e) @CacheResult + quarkus-redis-cache", 0.0);
        double f = saturation.getOrDefault("(f) cache-aside sketch", 0.0);
        double w = saturation.getOrDefault("(w) HTTP floor + real writes", 0.0);
        double shaped = saturation.getOrDefault(SHAPED_FLOOR, 0.0);
        double baseline = saturation.getOrDefault(BASELINE, 0.0);
        // Only the ratios of variants this run measured (see -Dbench.only).
        List<String> ratios = new ArrayList<>();
        ratio(ratios, "(b)/(a)", b, a, " (target >= 0.8)");
        ratio(ratios, "(b)/(s)", b, shaped, " (the floor of the same endpoint shape)");
        ratio(ratios, "(b)/(z)", b, baseline, " (this build against the baseline build)");
        ratio(ratios, "(b)/(d)", b, d, " (target >= 2)");
        ratio(ratios, "(c)/(d)", c, d, "");
        ratio(ratios, "(b)/(e)", b, e, " (target >= 1.6)");
        ratio(ratios, "(b)/(f)", b, f, " (target >= 1.5)");
        ratio(ratios, "(c)/(e)", c, e, " (target >= 1)");
        ratio(ratios, "(b)/(w)", b, w, " (the floor with the same writes)");
        out.append("\n");
        if (!ratios.isEmpty()) {
            out.append("Ratios of saturation throughput: ").append(String.join(", ", ratios)).append(".\n");
        }
        if (bytesPerScene > 0) { // measured with (c), which has no L1
            out.append(String.format(Locale.ROOT, "Redis: %d cached scenes, %d bytes each for a %d-byte JSON: %.2f x "
                    + "(target <= 1.5).%n", cachedScenes, bytesPerScene, jsonBytes, (double) bytesPerScene / jsonBytes));
        }
        // The p99 target at a fixed rate, next to what the machine alone did to an arrival in the same phase.
        List<String> tails = results.stream().filter(row -> row.result().mode().startsWith("open"))
                .map(row -> String.format(Locale.ROOT, "%s %.1f ms (machine stalls p99 %.1f ms)", row.result().variant(),
                        row.result().millis(99), ms(row.stalls(), 99)))
                .toList();
        if (!tails.isEmpty()) {
            out.append("p99 at the fixed rate (target for (b): < 5 ms): ").append(String.join("; ", tails)).append(".\n");
        }
        return out.toString();
    }

    private static void ratio(List<String> out, String name, double numerator, double denominator, String target) {
        if (numerator > 0 && denominator > 0) {
            out.add(String.format(Locale.ROOT, "%s = %.2f%s", name, numerator / denominator, target));
        }
    }

    private static String byName(Row row) {
        StringBuilder out = new StringBuilder();
        row.redisCommandsPerRequest().entrySet().stream().sorted(Map.Entry.<String, Double> comparingByValue().reversed())
                .forEach(e -> out.append(out.length() == 0 ? "(" : ", ").append(e.getKey())
                        .append(String.format(Locale.ROOT, " %.3f", e.getValue())));
        return out.length() == 0 ? "" : out.append(")").toString();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String roundsTable(Map<String, List<Double>> rounds, Map<String, Double> medians,
            Map<String, Long> roundStale) {
        if (rounds.values().stream().allMatch(v -> v.size() < 2)) {
            return "";
        }
        StringBuilder out = new StringBuilder("\nSaturation throughput by round (req/s; round 1 is the table's; later "
                + "rounds: fresh service, steady state, same warm-up and length); the ratios above use the medians:\n\n"
                + "| variant | rounds | median | stale reads in later rounds |\n|---|---|---:|---:|\n");
        rounds.forEach((name, values) -> out.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %d |%n", name,
                String.join(", ", values.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList()),
                medians.get(name), roundStale.getOrDefault(name, 0L))));
        return out.toString();
    }

    /**
     * One round of one variant: its saturation throughput, the CPU per request of the servers at saturation
     * ({@link CpuSample}'s parts), and, when measured, the p99 at the fixed rate with the machine's own stall p99
     * in that phase (-1 when not measured).
     */
    record RoundFigures(double throughput, Map<String, Double> cpu, double tailP99, double stallP99) {
        RoundFigures(double throughput, Map<String, Double> cpu) {
            this(throughput, cpu, -1, -1);
        }

        RoundFigures withTail(double p99, double stalls) {
            return new RoundFigures(throughput, cpu, p99, stalls);
        }

        double part(String name) {
            return cpu.getOrDefault(name, 0.0);
        }

        /** Service + PostgreSQL + Redis: what one request costs the servers (the load generator's share left out). */
        double servers() {
            return part("service") + part("postgres") + part("redis");
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "CPU µs/req service/PG/Redis %.0f/%.0f/%.0f = %.0f%s", part("service"),
                    part("postgres"), part("redis"), servers(),
                    tailP99 < 0 ? ""
                            : String.format(Locale.ROOT, ", p99 at the fixed rate %.1f ms (stalls %.1f)", tailP99,
                                    stallP99));
        }
    }

    /** Per round: the servers' CPU per request at saturation and the p99 at the fixed rate; medians last. */
    private static String figuresTable(Map<String, List<RoundFigures>> figures) {
        if (figures.values().stream().allMatch(v -> v.size() < 2)) {
            return "";
        }
        StringBuilder out = new StringBuilder("\nBy round: CPU µs per request at saturation, service + PostgreSQL + Redis "
                + "(the load generator left out), and p99 at the fixed rate (half of (b)'s round-1 saturation; later rounds "
                + "with -Dbench.tail-rounds=true); medians last:\n\n"
                + "| variant | servers' CPU µs/req by round | median | service / PG / Redis medians | p99 ms at the fixed rate "
                + "by round | median | machine stall p99 median |\n|---|---|---:|---|---|---:|---:|\n");
        figures.forEach((name, rounds) -> {
            List<RoundFigures> tails = rounds.stream().filter(f -> f.tailP99() >= 0).toList();
            out.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f / %.0f / %.0f | %s | %s | %s |%n", name,
                    String.join(", ", rounds.stream().map(f -> String.format(Locale.ROOT, "%.0f", f.servers())).toList()),
                    median(rounds.stream().map(RoundFigures::servers).toList()),
                    median(rounds.stream().map(f -> f.part("service")).toList()),
                    median(rounds.stream().map(f -> f.part("postgres")).toList()),
                    median(rounds.stream().map(f -> f.part("redis")).toList()),
                    String.join(", ", tails.stream().map(f -> String.format(Locale.ROOT, "%.1f", f.tailP99())).toList()),
                    tails.isEmpty() ? "-"
                            : String.format(Locale.ROOT, "%.1f",
                                    median(tails.stream().map(RoundFigures::tailP99).toList())),
                    tails.isEmpty() ? "-"
                            : String.format(Locale.ROOT, "%.1f",
                                    median(tails.stream().map(RoundFigures::stallP99).toList()))));
        });
        return out.toString();
    }

    private static double ms(org.HdrHistogram.Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static void print(Row row) {
        LoadGenerator.Result r = row.result();
        say(String.format(Locale.ROOT, "%s %s: %.0f req/s, p50 %.2f ms, p99 %.2f ms (reads p99 %.2f ms), hit %.1f%%, "
                + "bypasses %d, errors %d, stale %d; writes: %d, p50 %.2f ms, p99 %.2f ms; per request: %.2f DB "
                + "statements, %.2f Redis commands %s, CPU µs service/PG/Redis/load %s (other %.0f, idle and stolen %.0f); heap %.0f MB; "
                + "machine stalls p99 %.1f ms, max %.1f ms",
                r.variant(), r.mode(), r.throughput(), r.millis(50), r.millis(99), ms(r.readLatency(), 99), row.hitRate(),
                r.bypasses(), r.errors(), r.stale(), r.writeLatency().getTotalCount(), ms(r.writeLatency(), 50),
                ms(r.writeLatency(), 99), row.dbPerRequest(), row.redisPerRequest(), byName(row), row.cpu(),
                row.cpuMicrosPerRequest().getOrDefault("other", 0.0), row.cpuMicrosPerRequest().getOrDefault("idle", 0.0)
                        + row.cpuMicrosPerRequest().getOrDefault("steal", 0.0),
                row.heapBytes() / 1048576.0,
                ms(row.stalls(), 99), ms(row.stalls(), 100)));
    }

    private static long usedMemory(Redis redis) {
        return infoField(send(redis, Request.cmd(Command.INFO).arg("memory")).toString(), "used_memory");
    }

    private static long countKeys(Redis redis, String pattern) {
        long count = 0;
        String cursor = "0";
        do {
            var page = send(redis, Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000));
            cursor = page.get(0).toString();
            count += page.get(1).size();
        } while (!cursor.equals("0"));
        return count;
    }

    private static io.vertx.mutiny.redis.client.Response send(Redis redis, Request request) {
        return redis.send(request).await().atMost(Duration.ofSeconds(10));
    }

    private static String post(int port, String path, String json) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static String extract(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no id in " + text);
        }
        return m.group(1);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static void say(String line) {
        System.out.println("[bench] " + line);
    }

    static void deleteTree(Path path) throws IOException {
        if (Files.exists(path)) {
            try (var walk = Files.walk(path)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The environment a benchmarked service starts with: these PostgreSQL and Redis (a mutable map). */
    static Map<String, String> serviceEnv(PostgresServer pg, String redisUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("PG_URL", pg.url());
        env.put("PG_USER", pg.user());
        env.put("PG_PASSWORD", "bench");
        env.put("REDIS_URL", redisUrl);
        return env;
    }

    /**
     * The service (or the benchmark app) from its jar, with {@code -Xmx512m} and {@code bench.service-jvm-args}
     * (e.g. a JFR recording), on exactly {@code env}.
     */
    static ServiceProcess startService(Path jar, Map<String, String> env, Path log) throws Exception {
        List<String> options = new ArrayList<>(List.of("-Xmx512m"));
        String jvmArgs = System.getProperty("bench.service-jvm-args", "");
        if (!jvmArgs.isBlank()) {
            options.addAll(List.of(jvmArgs.trim().split("\\s+")));
        }
        return ServiceProcess.startJar(jar, options, env, log);
    }
}

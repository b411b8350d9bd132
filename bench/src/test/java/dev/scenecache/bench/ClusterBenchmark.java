package dev.scenecache.bench;

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
import java.util.concurrent.TimeUnit;

import dev.scenecache.testing.LoadGenerator;
import dev.scenecache.testing.PostgresServer;
import dev.scenecache.testing.RedisCluster;
import dev.scenecache.testing.RedisTestServer;
import dev.scenecache.testing.Resp;
import dev.scenecache.testing.ServiceProcess;

/**
 * Redis Cluster against one Redis, side by side in one run ({@code ./mvnw -f bench/pom.xml -Pbench-cluster}): the service
 * with L1 + L2 (b) and with L2 only (c), on a 3-master / 3-replica cluster and on one Redis, same data
 * in the same PostgreSQL, each phase on a new service process, variants alternated over
 * {@code bench.rounds} rounds (ratios between medians: this machine drifts). Per phase: throughput,
 * latency, hit rate, Redis commands per request (and per master on the cluster). Then the failover: two
 * instances on the cluster under load, the master of the hottest project SIGKILLed; errors, stale reads
 * (the load generator's history check, across both instances), p99 during the failover and after it.
 * Report: {@code bench/target/bench/cluster-report.md} (and {@code .json}).
 */
public final class ClusterBenchmark {

    private static final double WRITES = Double.parseDouble(System.getProperty("bench.writes", "0.05"));

    private record Variant(String name, boolean cluster, boolean l1) {
    }

    private record Phase(String variant, int round, LoadGenerator.Result result, double commandsPerRequest,
            Map<Integer, Double> perNode, Map<String, Double> cpuMicros) {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "15"));
        double warmup = Double.parseDouble(System.getProperty("bench.warmup", "10"));
        int rounds = Integer.getInteger("bench.rounds", 3);
        int connections = Integer.getInteger("bench.connections", 32);
        int projects = Integer.getInteger("bench.projects", 50);
        int perProject = Integer.getInteger("bench.scenes-per-project", 40);
        Path dir = Path.of("target", "bench").toAbsolutePath();
        SceneReadBenchmark.deleteTree(dir.resolve("cluster-pgdata"));
        Files.createDirectories(dir);

        PostgresServer pg = PostgresServer.start(dir.resolve("cluster-pgdata"), dir.resolve("pg-bin"), 0,
                Map.of("synchronous_commit", "off", "shared_buffers", "256MB"));
        RedisTestServer single = RedisTestServer.start(dir.resolve("redis-bin"), 0);
        RedisCluster cluster = RedisCluster.start(dir.resolve("cluster-" + System.nanoTime()), 3);
        try {
            Map<String, String> base = SceneReadBenchmark.serviceEnv(pg, single.url());

            List<LoadGenerator.Target> targets;
            try (ServiceProcess service = SceneReadBenchmark.startService(jar, base, dir.resolve("cluster-seed.log"))) {
                say("seeding " + projects * perProject + " scenes");
                targets = SceneReadBenchmark.seed(service.port(), projects, perProject);
                say("load generator warm-up: " + warmup + " s");
                try (LoadGenerator load = new LoadGenerator(service.port(), connections, targets, 0.99, WRITES, null)) {
                    load.closedLoop("load generator warm-up", connections, warmup);
                }
            }

            List<Variant> variants = List.of(new Variant("(b) L1 + L2 · one Redis", false, true),
                    new Variant("(b) L1 + L2 · cluster", true, true), new Variant("(c) L2 only · one Redis", false, false),
                    new Variant("(c) L2 only · cluster", true, false));
            List<Phase> phases = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                for (Variant variant : variants) {
                    phases.add(measure(jar, base, variant, round, cluster, single, targets, connections, warmup, seconds,
                            dir));
                }
            }
            List<String> failover = failover(jar, base, cluster, targets, connections, dir);

            String report = report(phases, failover, rounds, connections, seconds, targets.size());
            Files.writeString(dir.resolve("cluster-report.md"), report);
            List<Map<String, Object>> json = new ArrayList<>();
            for (Phase phase : phases) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("variant", phase.variant());
                row.put("round", phase.round());
                row.put("throughput", phase.result().throughput());
                row.put("p50Millis", phase.result().millis(50));
                row.put("p99Millis", phase.result().millis(99));
                row.put("hitRate", phase.result().hitRate());
                row.put("errors", phase.result().errors());
                row.put("staleReads", phase.result().stale());
                row.put("redisCommandsPerRequest", phase.commandsPerRequest());
                row.put("redisCommandsPerRequestByMaster", phase.perNode());
                row.put("cpuMicrosPerRequest", phase.cpuMicros());
                json.add(row);
            }
            Files.writeString(dir.resolve("cluster-report.json"), new com.fasterxml.jackson.databind.ObjectMapper()
                    .writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("phases", json, "failover", failover)));
            System.out.println();
            System.out.println(report);
        } finally {
            cluster.close();
            single.stop();
            pg.stop();
        }
    }

    /** One variant on a new service process and empty Redis: steady state, warm-up, then the measured closed loop. */
    private static Phase measure(Path jar, Map<String, String> base, Variant variant, int round, RedisCluster cluster,
            RedisTestServer single, List<LoadGenerator.Target> targets, int connections, double warmup, double seconds,
            Path dir) throws Exception {
        List<Integer> nodes = variant.cluster() ? cluster.masters() : List.of(single.port());
        for (int node : nodes) {
            Resp.call(node, "FLUSHALL");
        }
        Map<String, String> env = new HashMap<>(base);
        if (variant.cluster()) {
            env.put("REDIS_HOSTS", cluster.url());
            env.put("REDIS_CLIENT_TYPE", "cluster");
        }
        if (!variant.l1()) {
            env.put("CACHE_L1_ENABLED", "false");
        }
        String log = variant.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + "-round" + round + ".log";
        try (ServiceProcess service = SceneReadBenchmark.startService(jar, env, dir.resolve("cluster-" + log));
                LoadGenerator load = new LoadGenerator(service.port(), connections, targets, 0.99, WRITES, null)) {
            try (LoadGenerator fill = new LoadGenerator(service.port(), 16, targets, 0.0, 0, null)) {
                fill.sweep(16);
            }
            load.closedLoop(variant.name(), connections, warmup);
            Map<Integer, Long> before = commands(nodes);
            CpuSample cpuBefore = CpuSample.take(service.servicePid());
            LoadGenerator.Result result = load.closedLoop(variant.name(), connections, seconds);
            CpuSample cpuAfter = CpuSample.take(service.servicePid());
            Map<Integer, Long> after = commands(nodes);
            Map<Integer, Double> perNode = new LinkedHashMap<>();
            long total = 0;
            for (int node : nodes) {
                long used = after.get(node) - before.get(node);
                total += used;
                perNode.put(node, (double) used / result.requests());
            }
            Phase phase = new Phase(variant.name(), round, result, (double) total / result.requests(), perNode,
                    cpuAfter.microsPerRequest(cpuBefore, result.requests()));
            say(String.format(Locale.ROOT,
                    "%s round %d: %.0f req/s, p99 %.2f ms (writes %.2f), hit rate %.1f%% (L1 %.1f%%), %.2f Redis commands/request %s, errors %d, stale %d",
                    variant.name(), round, result.throughput(), result.millis(99),
                    result.writeLatency().getValueAtPercentile(99) / 1000.0, result.hitRate(),
                    100.0 * result.l1Hits() / Math.max(1, result.hits()), phase.commandsPerRequest(), perNode, result.errors(),
                    result.stale()));
            return phase;
        }
    }

    /** Commands each node has run (INFO commandstats), without the replication's own and this probe's. */
    private static Map<Integer, Long> commands(List<Integer> nodes) {
        Map<Integer, Long> counts = new LinkedHashMap<>();
        for (int node : nodes) {
            long sum = 0;
            for (String line : Resp.string(node, "INFO", "commandstats").split("\r\n")) {
                if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info") && !line.startsWith("cmdstat_replconf")) {
                    sum += Long.parseLong(line.replaceAll("^cmdstat_[^:]+:calls=(\\d+),.*", "$1"));
                }
            }
            counts.put(node, sum);
        }
        return counts;
    }

    /**
     * Two instances on the cluster, readers and writers on both; the master of the hottest project is
     * SIGKILLed 3 s into a 12 s phase; then, the old master back as a replica, 10 s more.
     */
    private static List<String> failover(Path jar, Map<String, String> base, RedisCluster cluster,
            List<LoadGenerator.Target> targets, int connections, Path dir) throws Exception {
        cluster.awaitHealthy(Duration.ofSeconds(60));
        for (int node : cluster.masters()) {
            Resp.call(node, "FLUSHALL");
        }
        Map<String, String> env = new HashMap<>(base);
        env.put("REDIS_HOSTS", cluster.url());
        env.put("REDIS_CLIENT_TYPE", "cluster");
        List<String> lines = new ArrayList<>();
        try (ServiceProcess a = SceneReadBenchmark.startService(jar, env, dir.resolve("cluster-failover-a.log"));
                ServiceProcess b = SceneReadBenchmark.startService(jar, env, dir.resolve("cluster-failover-b.log"));
                LoadGenerator load = new LoadGenerator(List.of(a.port(), b.port()), connections, targets, 0.99, WRITES,
                        null)) {
            load.closedLoop("failover warm-up", connections, 10);
            // The hottest target is the Zipf rank 0: find its project's master through the load's own order.
            int master = cluster.masterOf("sc:{p:" + targets.get(0).project() + "}:g");
            int replica = cluster.replicaOf(master);
            CompletableFuture<LoadGenerator.Result> during = CompletableFuture.supplyAsync(() -> {
                try {
                    return load.closedLoop("failover", connections, 12);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(3_000);
            long killed = System.nanoTime();
            cluster.kill(master);
            cluster.awaitMaster(replica, Duration.ofSeconds(60));
            double promotedAfter = (System.nanoTime() - killed) / 1e9;
            LoadGenerator.Result result = during.get(5, TimeUnit.MINUTES);
            lines.add(line(
                    "during (master SIGKILLed, replica promoted after " + String.format(Locale.ROOT, "%.1f s", promotedAfter)
                            + ")",
                    result));
            result.staleReads().forEach(stale -> say("stale: " + stale));
            cluster.restart(master);
            cluster.awaitHealthy(Duration.ofSeconds(60));
            LoadGenerator.Result after = load.closedLoop("after failover", connections, 10);
            lines.add(line("after (old master back as a replica)", after));
        }
        lines.forEach(ClusterBenchmark::say);
        return lines;
    }

    private static String line(String phase, LoadGenerator.Result r) {
        StringBuilder instances = new StringBuilder();
        for (LoadGenerator.Instance i : r.instances()) {
            instances.append(String.format(Locale.ROOT, " :%d hit rate %.1f%%;", i.port(), i.hitRate()));
        }
        return String.format(Locale.ROOT,
                "| %s | %d | %.0f | %d | %d | %d | %.1f | %.1f | %.1f |%s |", phase, r.requests(), r.throughput(), r.errors(),
                r.stale(), r.bypasses(), r.millis(50), r.millis(99), r.latency().getMaxValue() / 1000.0, instances);
    }

    private static String report(List<Phase> phases, List<String> failover, int rounds, int connections, double seconds,
            int scenes) {
        StringBuilder out = new StringBuilder();
        out.append("# Redis Cluster (3 masters, 3 replicas) against one Redis\n\n");
        out.append(String.format(Locale.ROOT,
                "%d scenes, Zipf 0.99, %.0f%% writes, %d connections, %.0f s per phase, %d rounds; each phase on a new service process.%n%n",
                scenes, WRITES * 100, connections, seconds, rounds));
        out.append("| variant | round | req/s | p50 ms | p99 ms | p99 writes ms | hit rate | L1 share of hits"
                + " | Redis commands / request | per master | CPU µs / request: service, Redis (all nodes), PostgreSQL, load"
                + " | errors | stale |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        Map<String, List<Double>> throughput = new LinkedHashMap<>();
        for (Phase p : phases) {
            LoadGenerator.Result r = p.result();
            StringBuilder perNode = new StringBuilder();
            p.perNode().values().forEach(v -> perNode.append(String.format(Locale.ROOT, "%.2f ", v)));
            Map<String, Double> cpu = p.cpuMicros();
            out.append(String.format(Locale.ROOT,
                    "| %s | %d | %.0f | %.2f | %.2f | %.2f | %.1f%% | %.1f%% | %.2f | %s| %.0f, %.0f, %.0f, %.0f | %d | %d |%n",
                    p.variant(), p.round(), r.throughput(), r.millis(50), r.millis(99),
                    r.writeLatency().getValueAtPercentile(99) / 1000.0, r.hitRate(),
                    100.0 * r.l1Hits() / Math.max(1, r.hits()), p.commandsPerRequest(), perNode,
                    cpu.getOrDefault("service", 0.0), cpu.getOrDefault("redis", 0.0), cpu.getOrDefault("postgres", 0.0),
                    cpu.getOrDefault("load", 0.0), r.errors(), r.stale()));
            throughput.computeIfAbsent(p.variant(), k -> new ArrayList<>()).add(r.throughput());
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        throughput.forEach((k, v) -> medians.put(k, v.stream().sorted().toList().get(v.size() / 2)));
        out.append("\nMedians of the rounds: ");
        medians.forEach((k, v) -> out.append(String.format(Locale.ROOT, "%s %.0f req/s; ", k, v)));
        out.append("\n\n");
        if (medians.size() == 4) {
            out.append(String.format(Locale.ROOT, "- (c) cluster / (c) one Redis: **%.2f** (target ≥ 0.9)%n",
                    medians.get("(c) L2 only · cluster") / medians.get("(c) L2 only · one Redis")));
            out.append(String.format(Locale.ROOT, "- (b) cluster / (b) one Redis: **%.2f** (target ≥ 0.95)%n%n",
                    medians.get("(b) L1 + L2 · cluster") / medians.get("(b) L1 + L2 · one Redis")));
        }
        out.append("## Failover: two instances, (b), the master of the hottest project SIGKILLed\n\n");
        out.append("| phase | requests | req/s | errors | stale | bypasses | p50 ms | p99 ms | max ms | per instance |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|\n");
        failover.forEach(l -> out.append(l).append('\n'));
        return out.toString();
    }

    private static void say(String line) {
        System.out.println("[bench] " + line);
    }
}

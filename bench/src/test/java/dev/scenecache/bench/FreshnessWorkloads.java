package dev.scenecache.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.scenecache.testing.LoadGenerator;
import dev.scenecache.testing.PostgresServer;
import dev.scenecache.testing.ServiceProcess;

/**
 * The two workloads of stale-if-error and refresh-ahead ({@code bench.workloads} {@code stale} and
 * {@code refresh} of {@code ./mvnw -f bench/pom.xml -Pbench}), each with both off (the behaviour before them) and on (the
 * defaults), one after the other in one run, on the same data and the same Zipf load:
 * <ol>
 * <li><b>stale</b>: a 10 s TTL; 20 s of reads cache what the load reads, then PostgreSQL is stopped for
 * 60 s under the same load: the share of 200s among reads of scenes read successfully before the
 * outage, and the p99 during it; then 10 s after PostgreSQL is back.</li>
 * <li><b>refresh</b>: a 5 s TTL at a fixed rate ({@code bench.freshness-rate}, 4,000 requests/s: at 800 the
 * 100th most read of 10,000 scenes is read less than once a second, so "the hottest 1%" included keys too
 * cold to be read within the last second of their TTL): misses per second at steady state, misses of the
 * hottest 1% of the scenes, and the p99.</li>
 * </ol>
 * Reads only: a write cannot succeed during the outage, and the workloads measure reads.
 */
final class FreshnessWorkloads {

    private static final Map<String, String> OFF = Map.of("CACHE_STALE_IF_ERROR", "0", "CACHE_REFRESH_AHEAD", "0");
    private static final Map<String, String> ON = Map.of("CACHE_STALE_IF_ERROR", "600", "CACHE_REFRESH_AHEAD", "0.2");

    /** One measured phase of one workload. */
    record Phase(String workload, String variant, String phase, LoadGenerator.Result result) {
        Map<String, Object> json() {
            Map<String, Object> row = new LinkedHashMap<>();
            LoadGenerator.Freshness f = result.freshness();
            row.put("workload", workload);
            row.put("variant", variant);
            row.put("phase", phase);
            row.put("seconds", result.seconds());
            row.put("requests", result.requests());
            row.put("throughput", result.throughput());
            row.put("p50Millis", result.millis(50));
            row.put("p99Millis", result.millis(99));
            row.put("maxMillis", result.millis(100));
            row.put("errors", result.errors());
            row.put("misses", result.misses());
            row.put("missesPerSecond", result.misses() / result.seconds());
            row.put("readsOfPreviouslyServedScenes", f.knownReads());
            row.put("okShareOfPreviouslyServedScenes", f.knownOkShare());
            row.put("staleIfErrorAnswers", f.staleIfError());
            row.put("hottestPercentReads", f.hotReads());
            row.put("hottestPercentMisses", f.hotMisses());
            return row;
        }
    }

    private FreshnessWorkloads() {
    }

    /** Runs the workloads named in {@code workloads}; answers the measured phases. */
    static List<Phase> run(String workloads, Path jar, Map<String, String> base, PostgresServer pg,
            List<LoadGenerator.Target> targets, int connections, Path dir, Runnable flushRedis) throws Exception {
        List<Phase> phases = new ArrayList<>();
        double rate = Double.parseDouble(System.getProperty("bench.freshness-rate", "4000"));
        for (var variant : List.of(Map.entry("off", OFF), Map.entry("on", ON))) {
            if (workloads.contains("stale")) {
                try (ServiceProcess service = startFresh(jar, base, variant.getValue(), 10,
                        dir.resolve("stale-" + variant.getKey() + ".log"), flushRedis);
                        LoadGenerator load = new LoadGenerator(service.port(), connections, targets, 0.99, 0, null)) {
                    String name = "stale-if-error " + variant.getKey();
                    say(name + ": 20 s of reads, then PostgreSQL stopped for 60 s");
                    phases.add(new Phase("stale", variant.getKey(), "before", load.closedLoop(name, connections, 20)));
                    pg.stop();
                    try {
                        phases.add(new Phase("stale", variant.getKey(), "PostgreSQL down",
                                load.closedLoop(name + " · PostgreSQL down", connections, 60)));
                    } finally {
                        pg.start();
                    }
                    phases.add(new Phase("stale", variant.getKey(), "PostgreSQL back",
                            load.closedLoop(name + " · PostgreSQL back", connections, 10)));
                }
            }
            if (workloads.contains("refresh")) {
                try (ServiceProcess service = startFresh(jar, base, variant.getValue(), 5,
                        dir.resolve("refresh-" + variant.getKey() + ".log"), flushRedis);
                        LoadGenerator load = new LoadGenerator(service.port(), connections, targets, 0.99, 0, null)) {
                    String name = "refresh-ahead " + variant.getKey();
                    say(name + ": 15 s to steady state, then 30 s at " + rate + " req/s (TTL 5 s)");
                    load.openLoop(name, rate, 15);
                    phases.add(new Phase("refresh", variant.getKey(), "steady state", load.openLoop(name, rate, 30)));
                }
            }
        }
        phases.forEach(FreshnessWorkloads::print);
        return phases;
    }

    /** A new service of the variant on an empty Redis, with the scene caches' TTL at {@code ttlSeconds}. */
    private static ServiceProcess startFresh(Path jar, Map<String, String> base, Map<String, String> variant,
            int ttlSeconds, Path log, Runnable flushRedis) throws Exception {
        flushRedis.run();
        Map<String, String> env = new HashMap<>(base);
        env.putAll(variant);
        env.put("CACHE_TTL_SCENES", Integer.toString(ttlSeconds));
        return SceneReadBenchmark.startService(jar, env, log);
    }

    /** The report's section: both workloads, off and on side by side. */
    static String report(List<Phase> phases) {
        if (phases.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("\n## Stale-if-error and refresh-ahead (off: both off; on: the defaults)\n\n");
        out.append("| workload | variant | phase | req/s | p50 ms | p99 ms | max ms | errors | 200s of scenes served before |"
                + " stale-if-error answers | misses/s | misses of the hottest 1% (of reads) |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Phase p : phases) {
            LoadGenerator.Result r = p.result();
            LoadGenerator.Freshness f = r.freshness();
            out.append(String.format(Locale.ROOT,
                    "| %s | %s | %s | %.0f | %.2f | %.2f | %.1f | %d | %.2f%% of %d | %d | %.1f | %d of %d |%n",
                    p.workload(), p.variant(), p.phase(), r.throughput(), r.millis(50), r.millis(99), r.millis(100),
                    r.errors(), f.knownOkShare(), f.knownReads(), f.staleIfError(), r.misses() / r.seconds(),
                    f.hotMisses(), f.hotReads()));
        }
        return out.toString();
    }

    private static void print(Phase p) {
        LoadGenerator.Result r = p.result();
        LoadGenerator.Freshness f = r.freshness();
        say(String.format(Locale.ROOT, "%s %s, %s: %.0f req/s, p99 %.2f ms, errors %d, 200s of scenes served before %.2f%%"
                + " (%d reads), stale-if-error %d, misses %.1f/s, hottest 1%%: %d misses of %d reads", p.workload(),
                p.variant(), p.phase(), r.throughput(), r.millis(99), r.errors(), f.knownOkShare(), f.knownReads(),
                f.staleIfError(), r.misses() / r.seconds(), f.hotMisses(), f.hotReads()));
    }

    private static void say(String line) {
        System.out.println("[bench] " + line);
    }
}

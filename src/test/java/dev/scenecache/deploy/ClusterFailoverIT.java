package dev.scenecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.scenecache.testing.Http;
import dev.scenecache.testing.LoadGenerator;
import dev.scenecache.testing.RedisCluster;
import dev.scenecache.testing.ServiceProcess;
import dev.scenecache.testing.TestServers;

/**
 * Two instances of the packaged service on a real Redis Cluster of 3 masters and 3 replicas, through
 * the failures a cluster has: a master SIGKILLed under load (its replica is promoted, the old master
 * comes back as a replica), a replica promoted although it missed acknowledged writes, a master stalled
 * (SIGSTOP) until the cluster fails it over. Reads and writes go to both instances; every read is checked
 * against the last write acknowledged before it was sent (by either instance): 0 stale, 0 failed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailoverIT {

    private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");

    private static RedisCluster cluster;
    private static ServiceProcess a;
    private static ServiceProcess b;
    private static final List<LoadGenerator.Target> targets = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        cluster = TestServers.cluster();
        Map<String, String> env = Map.of("REDIS_HOSTS", cluster.url(), "REDIS_CLIENT_TYPE", "cluster");
        a = ServiceProcess.start("cluster-a", env);
        b = ServiceProcess.start("cluster-b", env);
        for (int p = 0; p < 6; p++) {
            String project = Http.id(Http.send(a.port(), "POST", "/projects",
                    "{\"name\": \"Cluster " + p + "\", \"type\": \"marketing\"}", 201));
            for (int s = 0; s < 5; s++) {
                targets.add(new LoadGenerator.Target(project, Http.id(Http.send(a.port(), "POST",
                        "/projects/" + project + "/scenes",
                        "{\"name\": \"S" + s + "\", \"type\": \"intro\", \"tsxCode\": \"export default () => null;\"}", 201))));
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @BeforeEach
    void healthyCluster() {
        cluster.awaitHealthy(Duration.ofSeconds(60));
    }

    @Test
    @Order(1)
    void shouldServeEveryInstanceFreshReadsOfTheOthersWritesAndFlushEveryL1() throws Exception {
        // Action: 1500 requests, a fifth of them writes, spread over both instances.
        try (LoadGenerator load = new LoadGenerator(List.of(a.port(), b.port()), 8, targets, 0.9, 0.2, null)) {
            LoadGenerator.Result result = load.requests("cluster", 8, 1500, Duration.ofMinutes(5));
            // Expected: none failed, none stale, and both instances served hits.
            assertThat(result.errors()).isZero();
            assertThat(result.stale()).as("%s", result.staleReads()).isZero();
            assertThat(result.instances()).allSatisfy(i -> assertThat(i.hits()).as("port %s", i.port()).isPositive());
        }

        // Action: b holds a scene in L1; a flushes the scene cache (admin API).
        LoadGenerator.Target target = targets.get(0);
        String path = "/projects/" + target.project() + "/scenes/" + target.scene();
        Http.send(b.port(), "GET", path, null, 200);
        assertThat(Http.send(b.port(), "GET", path, null, 200).headers().firstValue("X-Cache-Tier")).hasValue("L1");
        HttpResponse<String> flushed = Http.sendAuthorized(a.port(), "DELETE", "/admin/cache/scene", "test-admin-token", 204);
        assertThat(flushed.statusCode()).isEqualTo(204);
        // Expected: b's next read is not from its L1 (nor from Redis: the cache's generation moved on).
        assertThat(Http.send(b.port(), "GET", path, null, 200).headers().firstValue("X-Cache")).hasValue("MISS");
    }

    @Test
    @Order(2)
    void shouldNeverServeWhatAPromotedReplicaMissed() throws Exception {
        // Arrange: a scene cached on its master M and, replicated, on M's replica R.
        LoadGenerator.Target target = targets.get(7);
        String path = "/projects/" + target.project() + "/scenes/" + target.scene();
        int master = cluster.masterOf("sc:{p:" + target.project() + "}:g");
        int replica = cluster.replicaOf(master);
        Http.send(a.port(), "PATCH", path, "{\"name\": \"Before failover\"}", 200);
        for (ServiceProcess service : List.of(a, b)) {
            Http.send(service.port(), "GET", path, null, 200);
        }
        cluster.awaitReplicated(master);

        // Action: R stalls and M drops its replication link (R cannot reconnect while stalled); a write is
        // acknowledged (written through to M only); M dies; R is promoted although it never received the write.
        cluster.freeze(replica);
        cluster.call(master, "CLIENT", "KILL", "TYPE", "replica");
        long acknowledged;
        try {
            acknowledged = version(Http.send(a.port(), "PATCH", path, "{\"name\": \"Written before the failover\"}", 200));
        } finally {
            cluster.kill(master);
            cluster.thaw(replica);
        }
        try {
            cluster.awaitMaster(replica, Duration.ofSeconds(60));
            readNothingOlderThan(acknowledged, path, replica, target);
        } finally {
            cluster.restart(master);
        }
    }

    /**
     * Reads on both instances until each has served the scene from its cache three times (a read during
     * the failover goes to PostgreSQL and proves nothing): every read, cached or not, at least {@code acknowledged}.
     */
    private void readNothingOlderThan(long acknowledged, String path, int replica, LoadGenerator.Target target)
            throws Exception {
        // Expected: the promoted replica really holds the older cached value...
        assertThat(String.valueOf(cluster.call(replica, "GET", "sc:{p:" + target.project() + "}:scene:" + target.scene())))
                .contains("Before failover");
        // ...yet no read on either instance, from now on, is older than the acknowledged write.
        int[] hits = new int[2];
        List<ServiceProcess> services = List.of(a, b);
        Awaitility.await("both instances caching again").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    for (int i = 0; i < 2; i++) {
                        HttpResponse<String> read = Http.send(services.get(i).port(), "GET", path, null, 200);
                        String cache = read.headers().firstValue("X-Cache").orElse("");
                        assertThat(version(read)).as("read on :%s (%s %s)", services.get(i).port(), cache,
                                read.headers().firstValue("X-Cache-Tier").orElse("")).isGreaterThanOrEqualTo(acknowledged);
                        if (cache.equals("HIT")) {
                            hits[i]++;
                        }
                    }
                    return hits[0] >= 3 && hits[1] >= 3;
                });
    }

    @Test
    @Order(3)
    void shouldAnswerEveryRequestThroughAMasterFailoverAndCacheAgainWithoutRestart() throws Exception {
        int master = cluster.masterOf("sc:{p:" + targets.get(0).project() + "}:g");
        int replica = cluster.replicaOf(master);
        try {
            // Action: the master of the hottest project is SIGKILLed under load; its replica is promoted.
            LoadGenerator.Result failover = underLoad("failover", () -> {
                cluster.kill(master);
                cluster.awaitMaster(replica, Duration.ofSeconds(60));
            });
            System.out.printf(
                    "failover: %d requests, %d hits, %d bypasses, p99 %.1f ms, max %.1f ms (reads %.1f, writes %.1f)%n",
                    failover.requests(), failover.hits(), failover.bypasses(), failover.millis(99),
                    failover.latency().getMaxValue() / 1000.0, failover.readLatency().getMaxValue() / 1000.0,
                    failover.writeLatency().getMaxValue() / 1000.0);
        } finally {
            // The old master comes back (as a replica of the promoted one).
            cluster.restart(master);
        }
        cachingAgainOnEveryInstance();
    }

    @Test
    @Order(4)
    void shouldAnswerEveryRequestWhileAMasterIsStalledAndRecoverItsShards() throws Exception {
        int master = cluster.masterOf("sc:{p:" + targets.get(10).project() + "}:g");
        int replica = cluster.replicaOf(master);
        // Action: a master stops answering (SIGSTOP) under load until its replica has been promoted (longer
        // than the cluster's node timeout); then it wakes up and finds itself replaced.
        underLoad("stalled", () -> {
            cluster.freeze(master);
            try {
                cluster.awaitMaster(replica, Duration.ofSeconds(60));
            } finally {
                cluster.thaw(master);
            }
        });
        cachingAgainOnEveryInstance();
    }

    /** Something that goes wrong with the cluster. */
    private interface Failure {
        void happen() throws Exception;
    }

    /**
     * 10 s of readers and writers on both instances (8 connections, 10% writes), {@code failure}
     * happening 2 s in. Expected: every request answered, none stale, none waiting long (a hang guard,
     * not a target).
     */
    private LoadGenerator.Result underLoad(String name, Failure failure) throws Exception {
        try (LoadGenerator load = new LoadGenerator(List.of(a.port(), b.port()), 8, targets, 0.9, 0.1, null)) {
            CompletableFuture<LoadGenerator.Result> during = CompletableFuture.supplyAsync(() -> {
                try {
                    return load.closedLoop(name, 8, 10);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(2_000);
            failure.happen();
            LoadGenerator.Result result = during.get(5, java.util.concurrent.TimeUnit.MINUTES);
            assertThat(result.errors()).as(name).isZero();
            assertThat(result.stale()).as("%s: %s", name, result.staleReads()).isZero();
            assertThat(result.latency().getMaxValue()).isLessThan(Duration.ofSeconds(10).toNanos() / 1000);
            return result;
        }
    }

    /** Once the cluster is healthy again: 600 requests, most of them hits on each instance, 0 stale, 0 errors. */
    private void cachingAgainOnEveryInstance() throws Exception {
        cluster.awaitHealthy(Duration.ofSeconds(60));
        try (LoadGenerator load = new LoadGenerator(List.of(a.port(), b.port()), 8, targets, 0.9, 0.1, null)) {
            LoadGenerator.Result after = load.requests("after", 8, 600, Duration.ofMinutes(5));
            assertThat(after.errors()).isZero();
            assertThat(after.stale()).as("%s", after.staleReads()).isZero();
            assertThat(after.instances()).allSatisfy(i -> assertThat(i.hitRate()).as("port %s", i.port()).isGreaterThan(50));
        }
    }

    private static long version(HttpResponse<String> response) {
        Matcher matcher = VERSION.matcher(response.body());
        assertThat(matcher.find()).as(response.body()).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}

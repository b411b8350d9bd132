package dev.scenecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Closer;
import dev.scenecache.testing.Http;
import dev.scenecache.testing.RedisProcess;
import dev.scenecache.testing.Scenes;
import dev.scenecache.testing.ServiceProcess;
import dev.scenecache.testing.TcpProxy;

/**
 * Redis forgets or rolls back what the instances told it, the ways it does in ordinary operation, while two
 * instances of the packaged service run on it (and a third starts after): a restart from an older RDB
 * snapshot, an AOF that lost its tail in a machine crash, and a replica that missed acknowledged writes
 * promoted behind the one address the instances know (a managed endpoint, a TCP proxy). Every read is
 * checked against the last write acknowledged before it was sent: 0 stale, 0 failed, and both instances
 * cache again.
 */
class RedisForgetsIT {

    private static final int SCENES = 30;
    private final Closer open = new Closer();

    @AfterEach
    void stop() throws Exception {
        open.close();
    }

    private static Path dir(String name) throws IOException {
        return Files.createDirectories(Path.of("target", "redis-forgets")).resolve(name + "-" + System.nanoTime());
    }

    @Test
    void shouldServeNothingOlderThanAcknowledgedAfterARestartFromAnOlderSnapshot() throws Exception {
        RedisProcess redis = open.add(RedisProcess.start(dir("rdb"), "--save", "", "--appendonly", "no"));
        ServiceProcess a = open.add(ServiceProcess.start("forgets-rdb-a", Map.of("REDIS_URL", redis.url())));
        ServiceProcess b = open.add(ServiceProcess.start("forgets-rdb-b", Map.of("REDIS_URL", redis.url())));
        List<Integer> both = List.of(a.port(), b.port());
        // Arrange: 30 scenes cached at version 1 on both instances; Redis saves its snapshot.
        Scenes scenes = Scenes.create(a.port(), "Snapshot", SCENES);
        scenes.readAll(both, 2);
        redis.call("SAVE");
        // Action: every scene written (version 2, acknowledged) and cached again; then Redis is SIGKILLed and
        // starts from its snapshot, which holds version 1 and the generations of then.
        scenes.writeAll(a.port(), "After the snapshot");
        assertThat(scenes.readAll(both, 1).stale()).isZero();
        redis.kill();
        redis.restart();

        // Expected: no read shows version 1, on the running instances and on one started afterwards.
        assertNothingStaleAndCachingAgain(scenes, both);
        ServiceProcess c = open.add(ServiceProcess.start("forgets-rdb-c", Map.of("REDIS_URL", redis.url())));
        assertNothingStaleAndCachingAgain(scenes, List.of(c.port()));
        assertFenced(a, "restart");
    }

    @Test
    void shouldFenceAtStartWhenNoInstanceSawRedisRollBack() throws Exception {
        RedisProcess redis = open.add(RedisProcess.start(dir("rdb-cold"), "--save", "", "--appendonly", "no"));
        Scenes scenes;
        try (ServiceProcess a = ServiceProcess.start("forgets-cold-a", Map.of("REDIS_URL", redis.url()))) {
            scenes = Scenes.create(a.port(), "Cold", SCENES);
            scenes.readAll(List.of(a.port()), 2);
            redis.call("SAVE");
            scenes.writeAll(a.port(), "After the snapshot");
            assertThat(scenes.readAll(List.of(a.port()), 1).stale()).isZero();
        }
        // Action: with no instance running, Redis is SIGKILLed and starts from its older snapshot; then an
        // instance starts: nothing tells it that Redis rolled back but the data's signature.
        redis.kill();
        redis.restart();
        ServiceProcess b = open.add(ServiceProcess.start("forgets-cold-b", Map.of("REDIS_URL", redis.url())));

        assertNothingStaleAndCachingAgain(scenes, List.of(b.port()));
        assertFenced(b, "restored");
    }

    @Test
    void shouldServeNothingOlderThanAcknowledgedAfterAnAofLostItsTail() throws Exception {
        RedisProcess redis = open.add(RedisProcess.start(dir("aof"), "--save", "", "--appendonly", "yes",
                "--appendfsync", "everysec", "--aof-use-rdb-preamble", "no"));
        ServiceProcess a = open.add(ServiceProcess.start("forgets-aof-a", Map.of("REDIS_URL", redis.url())));
        ServiceProcess b = open.add(ServiceProcess.start("forgets-aof-b", Map.of("REDIS_URL", redis.url())));
        List<Integer> both = List.of(a.port(), b.port());
        Scenes scenes = Scenes.create(a.port(), "Journal", SCENES);
        scenes.readAll(both, 2);
        // Arrange: where the AOF ends once version 1 is cached (Redis writes it to the kernel before it
        // answers, so a SIGKILL loses none of it: only a truncation, below, plays the machine crash).
        Path aof = newestAof(redis.dir());
        long before = Files.size(aof);
        scenes.writeAll(a.port(), "Lost in the crash");
        assertThat(scenes.readAll(both, 1).stale()).isZero();
        Awaitility.await("the writes in the AOF").atMost(Duration.ofSeconds(30)).until(() -> Files.size(aof) > before);
        // Action: the machine crashes: Redis dies and its AOF loses what came after that point, as a page
        // cache that never reached the disk does; redis-check-aof repairs what is left; Redis starts on it.
        redis.kill();
        try (RandomAccessFile file = new RandomAccessFile(aof.toFile(), "rw")) {
            assertThat(file.length()).as("the writes reached the AOF").isGreaterThan(before);
            file.setLength(before);
        }
        Path check = Path.of("/usr/bin/redis-check-aof");
        if (Files.isExecutable(check)) {
            Process fix = new ProcessBuilder(check.toString(), "--fix", aof.toString()).redirectErrorStream(true)
                    .redirectOutput(redis.dir().resolve("check-aof.log").toFile()).start();
            fix.getOutputStream().write("y\n".getBytes());
            fix.getOutputStream().close();
            fix.waitFor();
        }
        redis.restart();

        assertNothingStaleAndCachingAgain(scenes, both);
        assertFenced(a, "restart");
    }

    @Test
    void shouldServeNothingAPromotedReplicaMissedBehindOneAddress() throws Exception {
        RedisProcess master = open.add(RedisProcess.start(dir("master"), "--save", "", "--appendonly", "no"));
        RedisProcess replica = open.add(RedisProcess.start(dir("replica"), "--save", "", "--appendonly", "no",
                "--replicaof", "127.0.0.1", Integer.toString(master.port())));
        TcpProxy endpoint = open.add(TcpProxy.start(master.port()));
        ServiceProcess a = open.add(ServiceProcess.start("forgets-proxy-a", Map.of("REDIS_URL", endpoint.url())));
        ServiceProcess b = open.add(ServiceProcess.start("forgets-proxy-b", Map.of("REDIS_URL", endpoint.url())));
        List<Integer> both = List.of(a.port(), b.port());
        Scenes scenes = Scenes.create(a.port(), "Promoted", SCENES);
        scenes.readAll(both, 2);
        awaitReplicated(master, replica);

        // Action: the replica stalls and the master drops its link, so it misses what follows; every scene is
        // written (acknowledged: written through to the master only); the master dies; the replica comes
        // back, is promoted, and the address moves to it.
        replica.freeze();
        master.call("CLIENT", "KILL", "TYPE", "slave");
        try {
            scenes.writeAll(a.port(), "Missed by the replica");
        } finally {
            master.kill();
            replica.thaw();
        }
        assertThat(String.valueOf(replica.call("GET", scenes.redisKey(0)))).as("the replica holds the entry it had")
                .contains("\"name\":\"S0\"");
        replica.call("REPLICAOF", "NO", "ONE");
        endpoint.moveTo(replica.port());

        assertNothingStaleAndCachingAgain(scenes, both);
        ServiceProcess c = open.add(ServiceProcess.start("forgets-proxy-c", Map.of("REDIS_URL", endpoint.url())));
        assertNothingStaleAndCachingAgain(scenes, List.of(c.port()));
        assertFenced(a, "failover");
    }

    /**
     * Reads every scene on each instance until each answered three rounds' worth from its cache (within 60 s:
     * only a guard against a hang), then three rounds more: no read older than acknowledged, none failed.
     */
    static void assertNothingStaleAndCachingAgain(Scenes scenes, List<Integer> ports) {
        long[] millis = new long[1];
        Scenes.Reads first = scenes.readUntilCached(ports, 3 * scenes.size(), Duration.ofSeconds(60), millis);
        Scenes.Reads then = scenes.readAll(ports, 3);
        System.out.printf("reads until caching again on %s: %d (%d stale, %d failed, %d hits) in %d ms;"
                + " then %d reads (%d stale, %d failed, %d hits)%n", ports, first.reads(), first.stale(), first.failed(),
                first.hits(), millis[0], then.reads(), then.stale(), then.failed(), then.hits());
        assertThat(first.stale()).as("stale reads while caching again: %s", first.staleSamples()).isZero();
        assertThat(then.stale()).as("stale reads: %s", then.staleSamples()).isZero();
        assertThat(first.failed() + then.failed()).as("failed reads").isZero();
        assertThat(then.hits()).as("cache hits once caching again").isGreaterThanOrEqualTo(then.reads() / 2);
    }

    static void assertFenced(ServiceProcess service, String cause) throws Exception {
        String metrics = Http.send(service.port(), "GET", "/q/metrics", null, 200).body();
        assertThat(
                metrics.lines().filter(l -> l.startsWith("cache_redis_fences_total{") && l.contains("cause=\"" + cause + "\""))
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum())
                .as("cache_redis_fences_total{cause=%s} on :%s", cause, service.port()).isGreaterThanOrEqualTo(1);
        String health = Http.send(service.port(), "GET", "/q/health/ready", null, 200).body();
        assertThat(health).as("the health says why").contains("fenced");
    }

    static void awaitReplicated(RedisProcess master, RedisProcess replica) {
        Awaitility.await("replica in sync").atMost(Duration.ofSeconds(30))
                .until(() -> "up".equals(replica.info("replication", "master_link_status"))
                        && String.valueOf(master.info("replication", "master_repl_offset"))
                                .equals(replica.info("replication", "master_repl_offset")));
    }

    /** The AOF file Redis appends to now: appendonly.aof (6.2), or the newest incr file of appendonlydir (7). */
    private static Path newestAof(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".aof"))
                    .max(Comparator.comparingLong(f -> f.toFile().lastModified())).orElseThrow();
        }
    }
}

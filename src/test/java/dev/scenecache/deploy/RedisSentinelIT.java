package dev.scenecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Closer;
import dev.scenecache.testing.RedisProcess;
import dev.scenecache.testing.Resp;
import dev.scenecache.testing.Scenes;
import dev.scenecache.testing.ServiceProcess;

/**
 * Two instances of the packaged service on Redis Sentinel ({@code REDIS_CLIENT_TYPE=sentinel}): a master, a
 * replica and three sentinels, real processes. The Jepsen-style failover: the replica stalls and loses its
 * link, writes are acknowledged by the master alone, the master is SIGKILLed, the replica comes back and
 * the sentinels promote it. The subscription, the acknowledgements and the fence follow the master: every
 * read checked against the last acknowledged write, 0 stale, 0 failed, caching again.
 */
class RedisSentinelIT {

    private static final String MASTER_SET = "scenecache";
    private final Closer open = new Closer();

    @AfterEach
    void stop() throws Exception {
        open.close();
    }

    @Test
    void shouldFollowTheMasterThroughASentinelFailoverWithoutServingWhatTheReplicaMissed() throws Exception {
        Path base = Files.createDirectories(Path.of("target", "sentinel-failover")).resolve("run-" + System.nanoTime());
        RedisProcess master = open.add(RedisProcess.start(base.resolve("master"), "--save", "", "--appendonly", "no"));
        RedisProcess replica = open.add(RedisProcess.start(base.resolve("replica"), "--save", "", "--appendonly", "no",
                "--replicaof", "127.0.0.1", Integer.toString(master.port())));
        List<RedisProcess> sentinels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sentinels.add(open.add(RedisProcess.sentinel(base.resolve("sentinel-" + i), MASTER_SET, master.port())));
        }
        awaitSentinelsReady(sentinels);
        Map<String, String> env = Map.of("REDIS_CLIENT_TYPE", "sentinel", "REDIS_MASTER_NAME", MASTER_SET,
                "REDIS_HOSTS", sentinels.stream().map(RedisProcess::url).collect(Collectors.joining(",")));
        ServiceProcess a = open.add(ServiceProcess.start("sentinel-a", env));
        ServiceProcess b = open.add(ServiceProcess.start("sentinel-b", env));
        List<Integer> both = List.of(a.port(), b.port());
        Scenes scenes = Scenes.create(a.port(), "Sentinel", 30);
        scenes.readAll(both, 2);
        RedisForgetsIT.awaitReplicated(master, replica);

        // Action: the replica stalls and the master drops its link; every scene is written (acknowledged by the
        // master alone); the master is SIGKILLed; the replica comes back and the sentinels promote it.
        replica.freeze();
        master.call("CLIENT", "KILL", "TYPE", "slave");
        long killedAt;
        try {
            scenes.writeAll(a.port(), "Missed by the replica");
        } finally {
            master.kill();
            killedAt = System.nanoTime();
            replica.thaw();
        }
        assertThat(String.valueOf(replica.call("GET", scenes.redisKey(0)))).as("the replica holds the entry it had")
                .contains("\"name\":\"S0\"");
        awaitMaster(sentinels.get(0), replica.port(), Duration.ofSeconds(60));
        System.out.printf("sentinel promotion: %d ms after the master was SIGKILLed%n",
                (System.nanoTime() - killedAt) / 1_000_000);

        // Expected: nothing older than acknowledged on either instance, or on one started afterwards.
        RedisForgetsIT.assertNothingStaleAndCachingAgain(scenes, both);
        ServiceProcess c = open.add(ServiceProcess.start("sentinel-c", env));
        RedisForgetsIT.assertNothingStaleAndCachingAgain(scenes, List.of(c.port()));
        RedisForgetsIT.assertFenced(a, "failover");
    }

    private static void awaitSentinelsReady(List<RedisProcess> sentinels) {
        Awaitility.await("three sentinels that know the master, its replica and each other")
                .atMost(Duration.ofSeconds(30)).until(() -> sentinels.stream().allMatch(s -> {
                    String master = s.info("sentinel", "master0");
                    return master != null && master.contains("status=ok") && master.contains("slaves=1")
                            && master.contains("sentinels=3");
                }));
    }

    private static void awaitMaster(RedisProcess sentinel, int port, Duration atMost) {
        Awaitility.await("the replica promoted by the sentinels").atMost(atMost).pollInterval(Duration.ofMillis(20))
                .until(() -> String.valueOf(Resp.call(sentinel.port(), "SENTINEL", "get-master-addr-by-name", MASTER_SET))
                        .contains(Integer.toString(port)));
    }

}

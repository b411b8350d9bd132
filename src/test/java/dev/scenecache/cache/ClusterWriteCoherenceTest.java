package dev.scenecache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Api;
import dev.scenecache.testing.ClusterProfile;
import dev.scenecache.testing.RedisCluster;
import dev.scenecache.testing.RedisProbe;
import dev.scenecache.testing.Resp;
import dev.scenecache.testing.Sql;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Every test of {@link WriteCoherenceTest}, again on a real Redis Cluster of 3 masters and 3 replicas; every command
 * the service sends there is checked to keep its keys in one hash slot (a cross-slot one fails the read). Plus what
 * only a cluster does: one node failing while the others carry the invalidations.
 */
@QuarkusTest
@TestProfile(ClusterProfile.class)
class ClusterWriteCoherenceTest extends WriteCoherenceTest {

    @Override
    protected RedisProbe newRedisProbe() {
        return RedisProbe.of(TestServers.cluster());
    }

    /**
     * Another instance wrote a scene but could not apply the invalidation to its master (the master was
     * failing over), so it broadcast it for every receiver to apply; this instance could not either
     * (the same master refused it). It must not acknowledge and then go on reading that master's old
     * entry: it keeps the invalidation for its own replay and reads no L2 until then. On the code before, it
     * acknowledged and served the old name from L2 once the master was back.
     */
    @Test
    void shouldReadNoOldEntryFromAMasterThatNeitherTheWriterNorThisInstanceCouldInvalidate() {
        RedisCluster cluster = TestServers.cluster();
        // Arrange: a scene cached in both tiers, whose master is not the node this instance hears the channel on.
        String project = null;
        String scene = null;
        int master = -1;
        for (int i = 0; i < 30 && master < 0; i++) {
            project = Api.createProject("Unapplied " + i);
            int candidate = cluster.masterOf("sc:{p:" + project + "}:g");
            if (subscribers(candidate) == 0) {
                scene = Api.createScene(project, "Before");
                master = candidate;
            }
        }
        assertThat(master).as("a project on a master this instance is not subscribed to").isPositive();
        get("/projects/{p}/scenes/{s}", project, scene);
        assertThat(get("/projects/{p}/scenes/{s}", project, scene).header("X-Cache-Tier")).isEqualTo("L1");
        int refusing = master;
        int elsewhere = cluster.masters().stream().filter(p -> p != refusing).findFirst().orElseThrow();

        // Action: the other instance's write (the row changes in PostgreSQL) and its broadcast for Redis, heard
        // while the scene's master refuses this instance's DEL (an ACL: an error reply, as a master that is
        // failing over answers CLUSTERDOWN; a stalled one would still run the DEL when it wakes up); this
        // instance's acknowledgement is awaited, then the master takes DELs again.
        Sql.execute("update scene set name = 'After', version = version + 1 where id = '" + scene + "'");
        cluster.call(master, "ACL", "SETUSER", "default", "-del");
        try (Resp.Subscription acks = Resp.subscribe(elsewhere, "sc:ack:other")) {
            Resp.call(elsewhere, "PUBLISH", "sc:inv", "other\t1\tr\nk\tscene\tp:" + project + "\t" + scene);
            acks.await("\t" + coherence.instanceId(), Duration.ofSeconds(20));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            cluster.call(master, "ACL", "SETUSER", "default", "+del");
        }

        // Expected: every read answers the new name, until this instance reads the scene from its cache again.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int hits = 0;
        while (hits < 3) {
            assertThat(System.nanoTime()).as("caching the scene again").isLessThan(deadline);
            Response read = get("/projects/{p}/scenes/{s}", project, scene);
            assertThat(read.<String> path("name")).as("%s %s", read.header("X-Cache"), read.header("X-Cache-Tier"))
                    .isEqualTo("After");
            if ("HIT".equals(read.header("X-Cache"))) {
                hits++;
            }
        }
    }

    /** This instance's subscriptions to the invalidation channel on the node at {@code port} (0 or 1). */
    private static long subscribers(int port) {
        List<?> reply = (List<?>) Resp.call(port, "PUBSUB", "NUMSUB", "sc:inv");
        return (Long) reply.get(1);
    }
}

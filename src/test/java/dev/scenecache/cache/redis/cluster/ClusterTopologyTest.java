package dev.scenecache.cache.redis.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.redis.RedisMode;
import dev.scenecache.testing.RedisCluster;
import dev.scenecache.testing.Resp;
import dev.scenecache.testing.TestServers;

/** The pieces of Redis Cluster support that need no service: slots and the slot map, checked against a real cluster. */
class ClusterTopologyTest {

    @Test
    void shouldComputeTheSameHashSlotAsRedisForEveryKeyShapeOfTheCache() {
        RedisCluster cluster = TestServers.cluster();
        int node = cluster.masters().get(0);
        List<String> keys = new ArrayList<>(List.of("", "a", "{}", "{}x", "x{}y", "{a}{b}", "a{b", "{{a}}", "é{ü}"));
        for (int i = 0; i < 300; i++) {
            CacheKey key = CacheKey.of(CacheNames.ALL.get(i % CacheNames.ALL.size()), "p:" + UUID.randomUUID(),
                    UUID.randomUUID().toString());
            keys.addAll(List.of(key.redisKey(), key.leaseKey(), key.groupGenerationKey(),
                    CacheKey.cacheGenerationKey(key.cache()), CacheKey.topologyKey(), "random-" + UUID.randomUUID()));
        }
        for (String key : keys) {
            assertThat((long) HashSlot.of(key)).as(key).isEqualTo((Long) Resp.call(node, "CLUSTER", "KEYSLOT", key));
        }
        // Everything of one group, and every cache generation counter, share one slot.
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:x", "1");
        assertThat(HashSlot.of(key.leaseKey())).isEqualTo(HashSlot.of(key.redisKey()))
                .isEqualTo(HashSlot.of(key.groupGenerationKey()));
        assertThat(CacheNames.ALL.stream().map(c -> HashSlot.of(CacheKey.cacheGenerationKey(c))).distinct())
                .containsExactly(HashSlot.of(CacheKey.topologyKey()));
    }

    @Test
    void shouldReadTheSlotMapAndASignatureThatChangesWithAFailoverOnly() {
        RedisCluster cluster = TestServers.cluster();
        cluster.awaitHealthy(java.time.Duration.ofSeconds(60));
        int any = cluster.masters().get(0);
        URI template = URI.create("redis://127.0.0.1:" + any);
        ClusterTopology.View view = ClusterTopology.parse(Resp.string(any, "CLUSTER", "NODES"), template);
        for (String key : List.of("sc:{p:1}:g", "sc:{gen}:scene", "sc:{u:2}:preferences")) {
            int slot = HashSlot.of(key);
            assertThat(view.address(slot).getPort()).as(key).isEqualTo(cluster.masterOf(key));
            assertThat(view.owner(slot)).isEqualTo(Resp.string(cluster.masterOf(key), "CLUSTER", "MYID"));
        }
        assertThat(view.nodes()).hasSize(cluster.ports().size());
        assertThat(view.signature().split(",")).hasSize(3);
        // Asked again, of another node: the same signature (no failover in between).
        int other = cluster.masters().get(1);
        assertThat(ClusterTopology.parse(Resp.string(other, "CLUSTER", "NODES"), template).signature())
                .isEqualTo(view.signature());
    }

    @Test
    void shouldTakeEveryDeploymentItSupportsAndRefuseOthersWithAReason() {
        assertThat(RedisMode.of("CLUSTER")).isEqualTo(RedisMode.CLUSTER);
        assertThat(RedisMode.of("sentinel")).isEqualTo(RedisMode.SENTINEL);
        assertThat(RedisMode.of("standalone")).isEqualTo(RedisMode.STANDALONE);
        assertThatThrownBy(() -> RedisMode.of("replication"))
                .hasMessageContaining("REDIS_CLIENT_TYPE=replication is not supported");
    }
}

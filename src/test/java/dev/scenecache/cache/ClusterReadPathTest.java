package dev.scenecache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.scenecache.testing.ClusterProfile;
import dev.scenecache.testing.RedisProbe;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every test of {@link ReadPathTest}, again on a real Redis Cluster of 3 masters and 3 replicas: misses and
 * hits of each cache with no SQL on hits, garbage, a 50-way stampede, batched reads. Every command the
 * service sends there is checked to keep its keys in one hash slot (a cross-slot one fails the read).
 */
@QuarkusTest
@TestProfile(ClusterProfile.class)
class ClusterReadPathTest extends ReadPathTest {

    @Override
    protected RedisProbe newRedisProbe() {
        return RedisProbe.of(TestServers.cluster());
    }

    /**
     * On a cluster a batch is one pipeline per master: the full batch of 64 reads of 5 groups and the 6
     * others each take as many round trips as masters serve their groups.
     */
    @Override
    protected void assertBatches(long batches, List<CacheKey> keys) {
        Set<Integer> first = keys.subList(0, 64).stream()
                .map(k -> TestServers.cluster().masterOf(k.groupGenerationKey())).collect(Collectors.toSet());
        Set<Integer> rest = keys.subList(64, keys.size()).stream()
                .map(k -> TestServers.cluster().masterOf(k.groupGenerationKey())).collect(Collectors.toSet());
        assertThat(batches).isEqualTo(first.size() + rest.size());
    }

}

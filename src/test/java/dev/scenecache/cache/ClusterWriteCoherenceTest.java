package dev.scenecache.cache;

import dev.scenecache.testing.ClusterProfile;
import dev.scenecache.testing.RedisProbe;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every test of {@link WriteCoherenceTest}, again on a real Redis Cluster of 3 masters and 3 replicas; every command
 * the service sends there is checked to keep its keys in one hash slot (a cross-slot one fails the read).
 */
@QuarkusTest
@TestProfile(ClusterProfile.class)
class ClusterWriteCoherenceTest extends WriteCoherenceTest {

    @Override
    protected RedisProbe newRedisProbe() {
        return RedisProbe.of(TestServers.cluster());
    }
}

package dev.scenecache.testing;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The service on the test JVM's Redis Cluster ({@link TestServers#cluster()}), configured as a
 * deployment does it: {@code REDIS_CLIENT_TYPE=cluster} and every node in {@code REDIS_HOSTS}.
 */
public class ClusterProfile implements QuarkusTestProfile {

    /** Points the service at the cluster (started here, before Quarkus boots). */
    public static class ClusterServers implements io.quarkus.test.common.QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("REDIS_HOSTS", TestServers.cluster().url(), "REDIS_CLIENT_TYPE", "cluster");
        }

        @Override
        public void stop() {
            // The cluster lives as long as the test JVM.
        }
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(ClusterServers.class));
    }

    @Override
    public String getConfigProfile() {
        return "test";
    }
}

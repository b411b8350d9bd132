package dev.scenecache.testing;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts one real PostgreSQL and one real Redis per test JVM, on free loopback ports, and points the
 * service at them through the same environment variables a deployment uses ({@code PG_URL},
 * {@code REDIS_URL}). Tests reach the servers through {@link #postgres()} and {@link #redis()} to read
 * back data or to simulate an outage.
 */
public class TestServers implements QuarkusTestResourceLifecycleManager {

    private static PostgresServer postgres;
    private static RedisTestServer redis;
    private static RedisCluster cluster;

    public static synchronized PostgresServer postgres() {
        if (postgres == null) {
            Path target = Path.of("target").toAbsolutePath();
            postgres = PostgresServer.start(target.resolve("test-pg/data-" + UUID.randomUUID()),
                    target.resolve("test-pg/bin"), 0, PostgresServer.fastSettings());
            Runtime.getRuntime().addShutdownHook(new Thread(postgres::stop, "stop-test-postgres"));
        }
        return postgres;
    }

    public static synchronized RedisTestServer redis() {
        if (redis == null) {
            redis = RedisTestServer.start(Path.of("target", "test-redis").toAbsolutePath(), 0);
            Runtime.getRuntime().addShutdownHook(new Thread(redis::stop, "stop-test-redis"));
        }
        return redis;
    }

    /** A Redis Cluster of 3 masters and 3 replicas, started once per test JVM when a test asks for it. */
    public static synchronized RedisCluster cluster() {
        if (cluster == null) {
            cluster = RedisCluster.start(Path.of("target", "test-redis-cluster", UUID.randomUUID().toString())
                    .toAbsolutePath(), 3);
        }
        return cluster;
    }

    @Override
    public Map<String, String> start() {
        return Map.of(
                "PG_URL", postgres().url(),
                "PG_USER", postgres().user(),
                "PG_PASSWORD", "unused",
                "REDIS_URL", redis().url(),
                // In-process tests hold loads as long as they need to force a race: a read holding an expired
                // value must not give up on its source (2 s by default) in the middle of one on a slow machine.
                "cache.stale-if-error-timeout", "5s");
    }

    @Override
    public void stop() {
        // The servers live as long as the test JVM, so that every Quarkus boot reuses them.
    }
}

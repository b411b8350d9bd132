package dev.scenecache.cache.redis;

import java.util.Locale;

/**
 * The Redis deployments scenecache supports, from {@code REDIS_CLIENT_TYPE} (Quarkus'
 * {@code quarkus.redis.client-type}): one Redis (or one behind a proxy or a managed endpoint), Redis Sentinel
 * ({@code REDIS_HOSTS} the sentinels, {@code REDIS_MASTER_NAME} the master set), or Redis Cluster. Anything
 * else stops the start with the reason.
 */
public enum RedisMode {
    STANDALONE,
    SENTINEL,
    CLUSTER;

    public static RedisMode of(String clientType) {
        return switch (clientType.toLowerCase(Locale.ROOT)) {
            case "standalone" -> STANDALONE;
            case "sentinel" -> SENTINEL;
            case "cluster" -> CLUSTER;
            default -> throw new IllegalStateException("REDIS_CLIENT_TYPE=" + clientType
                    + " is not supported: use standalone (one Redis, or one behind a proxy), sentinel (Redis Sentinel:"
                    + " REDIS_HOSTS the sentinels, REDIS_MASTER_NAME the master set) or cluster (Redis Cluster)");
        };
    }
}

package dev.scenecache.cache.coherence;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.scenecache.cache.redis.RedisConnections;
import dev.scenecache.cache.redis.RedisMode;
import dev.scenecache.cache.redis.cluster.ClusterTopology;
import io.vertx.redis.client.RedisOptions;

final class SubscriptionTargets {

    private SubscriptionTargets() {
    }

    /**
     * Where the invalidation subscription connects: each node of a cluster in turn, the master Sentinel names
     * now (asked again at every connection), or the one Redis. One options object per node, made once.
     */
    static Supplier<List<RedisOptions>> of(ClusterTopology topology, RedisMode mode,
            List<URI> hosts, String masterName, RedisConnections connections) {
        // Quarkus' convention for the name: redis_* meters, client_name="coherence".
        if (mode == RedisMode.SENTINEL) {
            RedisOptions sentinel = connections.sentinelOptions(hosts, masterName).setMaxPoolSize(1)
                    .setMetricsName("redis|coherence");
            return () -> List.of(sentinel);
        }
        Map<URI, RedisOptions> byNode = new ConcurrentHashMap<>();
        Function<URI, RedisOptions> options = node -> byNode.computeIfAbsent(node,
                uri -> connections.options(uri.toString()).setMaxPoolSize(1).setMetricsName("redis|coherence"));
        return topology.enabled() ? () -> topology.nodes().stream().map(options).toList()
                : () -> List.of(options.apply(hosts.get(0)));
    }
}

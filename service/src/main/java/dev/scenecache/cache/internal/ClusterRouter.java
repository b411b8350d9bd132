package dev.scenecache.cache.internal;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;

/**
 * Redis Cluster only: sends each command of the tier to the master that serves its keys' slot, as the
 * last {@link ClusterTopology} poll found it, over a pooled connection of its own to that node.
 *
 * <p>
 * Why not the cluster client of Vert.x 4.5 that Quarkus ships: it opens a connection to every node of its
 * slot map for every command, and fails the command when any of them cannot be reached, so one dead node
 * stops the whole cluster for this instance until the dead node leaves the map; it also picks a node at
 * random for keyless commands, and it hides where a command went. Here a dead or stalled node fails only
 * the commands of its own slots (within the Redis timeout), a pipeline goes to the node this instance
 * chose (so that {@code CLUSTER MYID} at its end names the node that answered the rest), and a
 * redirection ({@code MOVED}, {@code ASK}) is not followed: it fails the command, as an error reply, and
 * the topology is polled at once; the caller goes to the source as for any Redis failure.
 *
 * <p>
 * Bounded: one client per node of the cluster ({@code quarkus.redis.max-pool-size} connections each,
 * {@code quarkus.redis.max-pool-waiting} waiting).
 */
@ApplicationScoped
public class ClusterRouter {

    private final Vertx vertx;
    private final ClusterTopology topology;
    private final Optional<String> password;
    private final int poolSize;
    private final int poolWaiting;
    private final ConcurrentHashMap<String, Redis> clients = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();

    public ClusterRouter(Vertx vertx, ClusterTopology topology,
            @ConfigProperty(name = "quarkus.redis.password") Optional<String> password,
            @ConfigProperty(name = "quarkus.redis.max-pool-size", defaultValue = "6") int poolSize,
            @ConfigProperty(name = "quarkus.redis.max-pool-waiting", defaultValue = "24") int poolWaiting) {
        this.vertx = vertx;
        this.topology = topology;
        this.password = password.filter(p -> !p.isEmpty());
        this.poolSize = poolSize;
        this.poolWaiting = poolWaiting;
    }

    /** One command, to the master of its keys' slot (any master for a keyless one). */
    Uni<Response> send(Request request, int slot) {
        return Uni.createFrom().deferred(() -> sendTo(target(slot), request));
    }

    /** Commands in one pipeline, to the master of {@code slot}. */
    Uni<List<Response>> batch(List<Request> requests, int slot) {
        return Uni.createFrom().deferred(() -> client(target(slot)).batch(requests));
    }

    /** One command to one node. */
    Uni<Response> sendTo(URI node, Request request) {
        return client(node).send(request);
    }

    private URI target(int slot) {
        if (slot < 0) {
            List<URI> nodes = topology.nodes();
            return nodes.get(Math.floorMod(next.getAndIncrement(), nodes.size()));
        }
        URI address = topology.addressOf(slot);
        if (address == null) {
            topology.suspect();
            throw new RedisTier.RedisUnavailable("no known master for slot " + slot, null);
        }
        return address;
    }

    private Redis client(URI node) {
        return clients.computeIfAbsent(node.toString(), endpoint -> {
            RedisOptions options = new RedisOptions().setConnectionString(endpoint).setMaxPoolSize(poolSize)
                    .setMaxPoolWaiting(poolWaiting).setMetricsName("redis|cluster");
            password.ifPresent(options::setPassword);
            return Redis.createClient(vertx, options);
        });
    }

    @PreDestroy
    void close() {
        clients.values().forEach(Redis::close);
        clients.clear();
    }
}

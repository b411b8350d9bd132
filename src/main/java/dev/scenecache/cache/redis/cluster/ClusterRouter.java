package dev.scenecache.cache.redis.cluster;

import java.net.URI;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.scenecache.cache.redis.RedisConnections;
import dev.scenecache.cache.redis.RedisUnavailable;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
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
 * chose, on a connection whose node proved its identity ({@code CLUSTER MYID}) when it was opened, and a
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
    private final RedisConnections connections;
    private final int poolSize;
    private final int poolWaiting;
    private final ConcurrentHashMap<String, Redis> clients = new ConcurrentHashMap<>();
    /** One identified connection per node, for the pipelines of L2 reads (bounded by the nodes). */
    private final ConcurrentHashMap<String, Uni<Identified>> identified = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();

    public ClusterRouter(Vertx vertx, ClusterTopology topology,
            RedisConnections connections,
            @ConfigProperty(name = "quarkus.redis.max-pool-size", defaultValue = "6") int poolSize,
            @ConfigProperty(name = "quarkus.redis.max-pool-waiting", defaultValue = "24") int poolWaiting) {
        this.vertx = vertx;
        this.topology = topology;
        this.connections = connections;
        this.poolSize = poolSize;
        this.poolWaiting = poolWaiting;
    }

    /** The node at an address is not the one this instance trusts there (a failover, a restart). */
    public static final class NotTheTrustedNode extends RuntimeException {
        NotTheTrustedNode(String message) {
            super(message, null, false, false);
        }
    }

    /** A connection to one node and the id that node gave ({@code CLUSTER MYID}) when it was opened. */
    private record Identified(RedisConnection connection, String nodeId) {
    }

    /**
     * Commands in one pipeline to {@code node}, on a connection of their own to it, which said at its
     * opening that its node is {@code nodeId}; failed with {@link NotTheTrustedNode} when another node is
     * there. A connection's node never changes (a restart closes it), so the proof costs one command
     * per connection, not one per pipeline. All the pipelines to a node share that connection (Redis
     * answers in order; the client pipelines them, up to its waiting-handlers bound).
     */
    public Uni<List<Response>> pipelineOn(URI node, String nodeId, List<Request> requests) {
        return identified(node).chain(connection -> {
            if (!connection.nodeId().equals(nodeId)) {
                topology.suspect();
                return Uni.createFrom().failure(new NotTheTrustedNode("node " + connection.nodeId() + " at " + node.getPort()
                        + ", not the trusted master " + nodeId));
            }
            return connection.connection().batch(requests);
        });
    }

    private Uni<Identified> identified(URI node) {
        String endpoint = node.toString();
        return identified.computeIfAbsent(endpoint, e -> client(node).connect()
                .chain(connection -> connection.send(Request.cmd(Command.CLUSTER).arg("MYID"))
                        .map(id -> {
                            // Dropped when it ends: the next pipeline opens and identifies a new one.
                            connection.exceptionHandler(t -> forget(endpoint, connection));
                            connection.endHandler(() -> forget(endpoint, connection));
                            return new Identified(connection, id.toString());
                        })
                        .onFailure().invoke(f -> connection.close().subscribe().with(x -> {
                        }, x -> {
                        })))
                .onFailure().invoke(f -> identified.remove(endpoint))
                .memoize().indefinitely());
    }

    private void forget(String endpoint, RedisConnection connection) {
        Uni<Identified> current = identified.get(endpoint);
        if (current != null) {
            identified.remove(endpoint, current);
        }
        connection.close().subscribe().with(x -> {
        }, x -> {
        });
    }

    /** One command to one node. */
    public Uni<Response> sendTo(URI node, Request request) {
        return client(node).send(request);
    }

    /** Where a command of {@code slot} goes: its master as last polled; any live node for -1 (keyless). */
    public URI target(int slot) {
        if (slot < 0) {
            List<URI> nodes = topology.nodes();
            return nodes.get(Math.floorMod(next.getAndIncrement(), nodes.size()));
        }
        URI address = topology.addressOf(slot);
        if (address == null) {
            topology.suspect();
            throw new RedisUnavailable("no known master for slot " + slot, null);
        }
        return address;
    }

    private Redis client(URI node) {
        return clients.computeIfAbsent(node.toString(), endpoint -> {
            RedisOptions options = connections.options(endpoint).setMaxPoolSize(poolSize)
                    .setMaxPoolWaiting(poolWaiting).setMetricsName("redis|cluster");
            return Redis.createClient(vertx, options);
        });
    }

    @PreDestroy
    void close() {
        identified.clear();
        clients.values().forEach(Redis::close);
        clients.clear();
    }
}

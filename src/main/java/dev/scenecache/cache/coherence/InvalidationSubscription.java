package dev.scenecache.cache.coherence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.local.L1Tier;
import dev.scenecache.cache.redis.CircuitBreaker;
import dev.scenecache.cache.redis.RedisCommands;
import dev.scenecache.cache.redis.RedisTier;
import dev.scenecache.cache.redis.ServerIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;

/**
 * This instance's subscription to the invalidation channel, the heartbeat channel and its own
 * acknowledgement channel, on a connection of its own, and the heartbeat that fences L1.
 *
 * <p>
 * <b>Fencing.</b> Every {@code cache.coherence.heartbeat} the instance publishes a heartbeat (its id)
 * on {@value Acknowledgements#HEARTBEATS}; L1 may be used only while its own last one was heard through
 * this subscription within {@code cache.coherence.fence-after}, which is shorter than the writers' ack
 * timeout. An instance that missed an invalidation (lost connection, partition, stalled Redis) has
 * therefore stopped using its L1 before a writer gives up waiting for its acknowledgement. A lost
 * subscription clears L1 at once; the reconnect reloads the cache generations, replays what is pending
 * and clears L1 again; L1 is trusted again from the second own heartbeat heard after that (then cleared
 * once more), when the other instances have heard this one and wait for its acknowledgements.
 *
 * <p>
 * <b>Where.</b> On one Redis, that Redis. On Redis Cluster any node will do ({@code PUBLISH} reaches
 * every node): the attempts go round the nodes of the last topology poll, so a subscription lost with
 * its node is re-established on another one. A subscription whose own heartbeat has not been heard for
 * twice the fence (a stalled node keeps its connections open) is dropped and made again elsewhere.
 */
final class InvalidationSubscription {

    private static final Logger LOG = Logger.getLogger(InvalidationSubscription.class);
    /** Every this many heartbeats (200 ms each), the command pool is asked whether its server is still the trusted one. */
    private static final int IDENTITY_EVERY_TICKS = 5;

    private final String instanceId;
    private final Vertx vertx;
    private final RedisTier tier;
    private final RedisCommands redis;
    private final L1Tier l1;
    private final CacheConfig config;
    private final Acknowledgements acks;
    private final PendingInvalidations pending;
    private final GenerationView generations;
    private final BooleanSupplier enabled;
    /** One Redis or Sentinel: who serves the data (null on Redis Cluster, where the topology fences). */
    private final DataOwner owner;
    private int ticks;
    /** Where to connect: one Redis, or the nodes of a cluster in turn. */
    private final Supplier<List<RedisOptions>> candidates;
    private final long fenceNanos;
    private int attempts;
    private Redis client;
    /** The node of the subscription, when there is one. */
    private volatile RedisOptions subscribedTo;
    /** A client per node to PUBLISH through, bypassing the tier (bounded by the nodes of the cluster). */
    private final ConcurrentHashMap<String, Redis> publishers = new ConcurrentHashMap<>();

    private volatile boolean subscribed;
    private volatile boolean generationsKnown;
    private volatile long lastHeartbeat;
    /** When the subscription was made (System.nanoTime). */
    private volatile long subscribedAt;
    /** Own heartbeats heard since the subscription was made; L1 is trusted from the second. */
    private volatile int heartbeatsHeard;
    private volatile RedisConnection connection;
    private volatile long heartbeatTimer = -1;
    private volatile boolean connecting;
    private volatile boolean stopped;

    InvalidationSubscription(String instanceId, Vertx vertx, Supplier<List<RedisOptions>> candidates,
            RedisTier tier, RedisCommands redis, L1Tier l1,
            CacheConfig config, Acknowledgements acks, PendingInvalidations pending, GenerationView generations,
            BooleanSupplier enabled, DataOwner owner) {
        this.instanceId = instanceId;
        this.vertx = vertx;
        this.tier = tier;
        this.redis = redis;
        this.l1 = l1;
        this.config = config;
        this.acks = acks;
        this.pending = pending;
        this.generations = generations;
        this.enabled = enabled;
        this.owner = owner;
        this.candidates = candidates;
        this.fenceNanos = config.coherence().fenceAfter().toNanos();
    }

    boolean subscribed() {
        return subscribed;
    }

    /** The cache generations have been read from Redis since start. */
    boolean generationsKnown() {
        return generationsKnown;
    }

    /** Since the subscription was made, this instance has heard its own heartbeat twice (see {@link #heartbeatFresh}). */
    boolean heartbeatConfirmed() {
        return subscribed && heartbeatsHeard >= 2;
    }

    /** This instance heard its own heartbeat recently enough to trust its L1. */
    boolean heartbeatFresh() {
        return subscribed && heartbeatsHeard >= 2 && System.nanoTime() - lastHeartbeat < fenceNanos;
    }

    /** When the current subscription was made (System.nanoTime): what was published before may not have been heard. */
    long subscribedAt() {
        return subscribedAt;
    }

    synchronized void connect() {
        if (connecting || connection != null || stopped || !enabled.getAsBoolean()) {
            return;
        }
        connecting = true;
        List<RedisOptions> nodes = candidates.get();
        RedisOptions target = nodes.get(Math.floorMod(attempts++, nodes.size()));
        if (client != null) {
            client.close();
        }
        client = Redis.createClient(vertx, target);
        client.connect()
                .chain(conn -> {
                    connection = conn;
                    conn.handler(this::onMessage);
                    conn.exceptionHandler(this::onConnectionLost);
                    conn.endHandler(() -> onConnectionLost(null));
                    // Who the server is, asked on this connection before it subscribes (a subscribed one
                    // takes no other command): the fence below trusts that one.
                    return (owner == null ? Uni.createFrom().<ServerIdentity> nullItem() : DataOwner.identify(conn))
                            .chain(seen -> conn.send(Request.cmd(Command.SUBSCRIBE).arg(Acknowledgements.CHANNEL)
                                    .arg(Acknowledgements.HEARTBEATS).arg(acks.ackChannel()))
                                    .replaceWith(seen))
                            .ifNoItem().after(config.redis().timeout().multipliedBy(10)).fail();
                })
                .chain(seen -> owner == null
                        ? tier.counters(CacheNames.ALL.stream().map(CacheKey::cacheGenerationKey).toList())
                        : owner.trust(seen))
                .chain(gens -> {
                    for (int i = 0; i < gens.size(); i++) {
                        generations.advance(CacheNames.ALL.get(i), gens.get(i));
                    }
                    // A replay that fails does not fail the subscription: L2 stays unread while invalidations wait,
                    // and the heartbeat tries the replay again (one slow command must not keep L1 and the
                    // acknowledgements down, while more writes pile up for the next attempt).
                    return pending.replay().onFailure().recoverWithNull();
                })
                .subscribe().with(ok -> {
                    connecting = false;
                    subscribedTo = target;
                    l1.clear();
                    generationsKnown = true;
                    heartbeatsHeard = 0;
                    lastHeartbeat = System.nanoTime();
                    subscribedAt = lastHeartbeat;
                    subscribed = true;
                    startHeartbeat();
                    LOG.infof("Cache invalidation subscription [%s] established on [%s]", instanceId,
                            target.getEndpoint().replaceAll("//[^@/]*@", "//"));
                }, failure -> {
                    connecting = false;
                    LOG.debugf("Cache invalidation subscription failed: [%s]", failure.toString());
                    drop();
                    scheduleReconnect();
                });
    }

    /**
     * PUBLISH of invalidations and acknowledgements, which must get out while any node can carry them:
     * first on the node this instance is subscribed to (the one it knows relays messages), then on each
     * other node in turn (the tier would pick the next node in round, maybe the failing one, and refuses
     * while that node's circuit is open), then through the tier. Each attempt is bounded by the Redis
     * timeout.
     */
    Uni<Long> publish(String channel, String message) {
        List<RedisOptions> order = new ArrayList<>();
        RedisOptions own = subscribedTo;
        if (own != null && subscribed) {
            order.add(own);
        }
        for (RedisOptions node : candidates.get()) {
            if (own == null || !node.getEndpoint().equals(own.getEndpoint())) {
                order.add(node);
            }
        }
        Uni<Long> attempt = redis.publish(channel, message).map(Response::toLong);
        for (int i = order.size() - 1; i >= 0; i--) {
            RedisOptions node = order.get(i);
            Uni<Long> next = attempt;
            attempt = Uni.createFrom().deferred(() -> publisher(node)
                    .send(Request.cmd(Command.PUBLISH).arg(channel).arg(message))
                    .ifNoItem().after(config.redis().timeout()).fail()
                    .map(Response::toLong))
                    .onFailure().recoverWithUni(() -> next);
        }
        return attempt;
    }

    private Redis publisher(RedisOptions node) {
        return publishers.computeIfAbsent(node.getEndpoint(), e -> Redis.createClient(vertx,
                new RedisOptions(node).setMaxPoolSize(2).setMaxPoolWaiting(256).setMetricsName("redis|coherence")));
    }

    /** Ends the subscription and its heartbeat (caching switched off). */
    synchronized void disconnect() {
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
            heartbeatTimer = -1;
        }
        drop();
    }

    /** Ends it for good (shutdown). */
    void close() {
        stopped = true;
        disconnect();
        synchronized (this) {
            if (client != null) {
                client.close();
            }
            publishers.values().forEach(Redis::close);
            publishers.clear();
        }
        LOG.infof("Cache invalidation subscription [%s] closed", instanceId);
    }

    private void onConnectionLost(Throwable failure) {
        if (connection == null) {
            return;
        }
        LOG.warnf("Cache invalidation subscription lost [%s]; L1 cleared until it is back",
                failure == null ? "closed" : failure.toString());
        drop();
        scheduleReconnect();
    }

    private synchronized void drop() {
        subscribed = false;
        if (owner != null) {
            // The connection broke: the server may be another one when it is back (a restart, a promoted
            // replica). L2 is not read until the reconnect has asked and fenced (DataOwner).
            generationsKnown = false;
        }
        l1.clear();
        RedisConnection conn = connection;
        connection = null;
        if (conn != null) {
            // No-op handlers, not null: the Mutiny wrapper would call a null handler when the socket ends.
            conn.handler(r -> {
            });
            conn.endHandler(() -> {
            });
            conn.exceptionHandler(t -> {
            });
            conn.close().subscribe().with(x -> {
            }, x -> {
            });
        }
    }

    private void scheduleReconnect() {
        if (!stopped && enabled.getAsBoolean()) {
            vertx.setTimer(config.redis().openFor().toMillis() / 2 + 1, id -> connect());
        }
    }

    private synchronized void startHeartbeat() {
        if (heartbeatTimer >= 0) {
            return;
        }
        heartbeatTimer = vertx.setPeriodic(config.coherence().heartbeat().toMillis(), id -> {
            if (!subscribed) {
                return;
            }
            acks.forgetSilent();
            if (System.nanoTime() - lastHeartbeat > 2 * fenceNanos) {
                onConnectionLost(new IllegalStateException("own heartbeat not heard for " + 2 * fenceNanos / 1_000_000
                        + " ms"));
                return;
            }
            redis.publish(Acknowledgements.HEARTBEATS, Membership.heartbeat(instanceId, pending.waiting())).subscribe()
                    .with(x -> {
                    }, x -> {
                    });
            if (owner != null && ++ticks % IDENTITY_EVERY_TICKS == 0) {
                owner.stillTrusted().subscribe().with(same -> {
                    if (!same && subscribed) {
                        onConnectionLost(new IllegalStateException("Redis is not the server this instance trusted any more"));
                    }
                }, failure -> {
                    // Redis did not answer: the breaker and the heartbeat deal with that.
                });
            }
            if (pending.waiting() && redis.breaker().state() == CircuitBreaker.State.CLOSED) {
                pending.replay().subscribe().with(x -> {
                }, x -> {
                });
            }
        });
    }

    private void onMessage(Response response) {
        // RESP2: ["message", channel, payload]; RESP3 pushes have the same shape.
        if (response == null || response.size() < 3 || !"message".equals(response.get(0).toString())) {
            return;
        }
        String channel = response.get(1).toString();
        String payload = response.get(2).toString();
        if (channel.equals(Acknowledgements.HEARTBEATS)) {
            acks.members().heard(payload);
            if (Membership.sender(payload).equals(instanceId)) {
                lastHeartbeat = System.nanoTime();
                if (++heartbeatsHeard == 2) {
                    // Trusted from now on; what was read before the others waited for us goes.
                    l1.clear();
                }
            }
        } else if (channel.equals(acks.ackChannel())) {
            acks.acknowledged(payload);
        } else if (channel.equals(Acknowledgements.CHANNEL)) {
            acks.receive(payload, ops -> InvalidationOps.applyToL1(ops, l1, generations), pending::applyForTheWriter);
        }
    }
}

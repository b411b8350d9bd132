package dev.scenecache.cache.internal;

import java.util.function.BooleanSupplier;

import org.jboss.logging.Logger;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;

/**
 * This instance's subscription to the invalidation channel and its own acknowledgement channel, on a
 * connection of its own, and the heartbeat that fences L1.
 *
 * <p>
 * <b>Fencing.</b> Every {@code cache.coherence.heartbeat} the instance publishes a heartbeat on its
 * own acknowledgement channel; L1 may be used only while the last one was heard through this
 * subscription within {@code cache.coherence.fence-after}, which is shorter than the writers' ack
 * timeout. An instance that missed an invalidation (lost connection, partition, stalled Redis) has
 * therefore stopped using its L1 before a writer gives up waiting for its acknowledgement. A lost
 * subscription clears L1 at once; the reconnect reloads the cache generations, replays what is pending
 * and clears L1 again before it is trusted.
 */
final class InvalidationSubscription {

    private static final String HEARTBEAT = "h";
    private static final Logger LOG = Logger.getLogger(InvalidationSubscription.class);

    private final String instanceId;
    private final Vertx vertx;
    private final RedisTier tier;
    private final L1Tier l1;
    private final CacheConfig config;
    private final Acknowledgements acks;
    private final PendingInvalidations pending;
    private final GenerationView generations;
    private final BooleanSupplier enabled;
    private final Redis client;
    private final long fenceNanos;

    private volatile boolean subscribed;
    private volatile boolean generationsKnown;
    private volatile long lastHeartbeat;
    private volatile RedisConnection connection;
    private volatile long heartbeatTimer = -1;
    private volatile boolean connecting;
    private volatile boolean stopped;

    InvalidationSubscription(String instanceId, Vertx vertx, RedisOptions options, RedisTier tier, L1Tier l1,
            CacheConfig config, Acknowledgements acks, PendingInvalidations pending, GenerationView generations,
            BooleanSupplier enabled) {
        this.instanceId = instanceId;
        this.vertx = vertx;
        this.tier = tier;
        this.l1 = l1;
        this.config = config;
        this.acks = acks;
        this.pending = pending;
        this.generations = generations;
        this.enabled = enabled;
        this.client = Redis.createClient(vertx, options);
        this.fenceNanos = config.coherence().fenceAfter().toNanos();
    }

    boolean subscribed() {
        return subscribed;
    }

    /** The cache generations have been read from Redis since start. */
    boolean generationsKnown() {
        return generationsKnown;
    }

    /** This instance heard its own heartbeat recently enough to trust its L1. */
    boolean heartbeatFresh() {
        return subscribed && System.nanoTime() - lastHeartbeat < fenceNanos;
    }

    synchronized void connect() {
        if (connecting || connection != null || stopped || !enabled.getAsBoolean()) {
            return;
        }
        connecting = true;
        client.connect()
                .chain(conn -> {
                    connection = conn;
                    conn.handler(this::onMessage);
                    conn.exceptionHandler(this::onConnectionLost);
                    conn.endHandler(() -> onConnectionLost(null));
                    return conn.send(Request.cmd(Command.SUBSCRIBE).arg(Acknowledgements.CHANNEL).arg(acks.ackChannel()))
                            .ifNoItem().after(config.redis().timeout().multipliedBy(10)).fail();
                })
                .chain(() -> tier.counters(CacheNames.ALL.stream().map(CacheKey::cacheGenerationKey).toList()))
                .chain(gens -> {
                    for (int i = 0; i < gens.size(); i++) {
                        generations.advance(CacheNames.ALL.get(i), gens.get(i));
                    }
                    return pending.replay();
                })
                .subscribe().with(ok -> {
                    connecting = false;
                    l1.clear();
                    generationsKnown = true;
                    subscribed = true;
                    startHeartbeat();
                    LOG.infof("Cache invalidation subscription [%s] established", instanceId);
                }, failure -> {
                    connecting = false;
                    LOG.debugf("Cache invalidation subscription failed: [%s]", failure.toString());
                    drop();
                    scheduleReconnect();
                });
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
        client.close();
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
            tier.publish(acks.ackChannel(), HEARTBEAT).subscribe().with(x -> {
            }, x -> {
            });
            if (pending.waiting() && tier.breaker().state() == CircuitBreaker.State.CLOSED) {
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
        if (channel.equals(acks.ackChannel())) {
            if (payload.equals(HEARTBEAT)) {
                lastHeartbeat = System.nanoTime();
            } else {
                acks.acknowledged(Long.parseLong(payload));
            }
        } else if (channel.equals(Acknowledgements.CHANNEL)) {
            acks.receive(payload, ops -> InvalidationOps.applyToL1(ops, l1, generations));
        }
    }
}

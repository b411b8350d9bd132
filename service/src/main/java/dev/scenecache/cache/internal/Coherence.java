package dev.scenecache.cache.internal;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Keeps every instance's L1 and view of the cache generations coherent, and decides when each tier
 * may be trusted.
 *
 * <p><b>Invalidation.</b> A write deletes its keys in Redis, then publishes the invalidation on
 * {@value #CHANNEL}; every instance (itself included) drops the keys from its L1 and acknowledges on
 * the writer's own channel (the writer acknowledges its own message in process, when its subscription
 * delivers it). The write answers only when all receivers counted by {@code PUBLISH} have
 * acknowledged, or after {@code cache.coherence.ack-timeout}.
 *
 * <p><b>Fencing.</b> An instance uses its L1 only while it hears its own heartbeat through the same
 * subscription within {@code cache.coherence.fence-after} (shorter than the ack timeout). An instance
 * that missed an invalidation (lost connection, partition) has therefore stopped using its L1 before
 * the writer gives up waiting for it. A lost subscription clears L1 at once; the reconnect reloads
 * the cache generations and clears L1 again before it is trusted.
 *
 * <p><b>Missed invalidations.</b> When Redis cannot take an invalidation (down, circuit open, caching
 * switched off) the write still succeeds; the invalidation is kept (bounded; beyond the bound, every
 * cache is flushed instead) and this instance stops reading L2 until it has been replayed, which
 * happens as soon as Redis answers again. Every instance's L1 is cleared after a replay.
 */
@ApplicationScoped
public class Coherence {

    static final String CHANNEL = "sc:inv";
    private static final String ACK_PREFIX = "sc:ack:";
    private static final String HEARTBEAT = "h";
    private static final int MAX_PENDING = 10_000;
    private static final Logger LOG = Logger.getLogger(Coherence.class);

    private final String instanceId = UUID.randomUUID().toString().substring(0, 13);
    private final String ackChannel = ACK_PREFIX + instanceId;
    private final Vertx vertx;
    private final RedisTier tier;
    private final L1Tier l1;
    private final CacheConfig config;
    private final Redis subscriberClient;
    private final long fenceNanos;
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentHashMap<Long, AckWaiter> waiters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> cacheGenerations = new ConcurrentHashMap<>();
    private final Set<String> pending = new LinkedHashSet<>();
    private final AtomicLong ackTimeouts = new AtomicLong();
    private final AtomicLong missedInvalidations = new AtomicLong();

    private volatile boolean enabled;
    private volatile boolean subscribed;
    private volatile boolean generationsKnown;
    private volatile boolean dirty;
    private volatile boolean pendingOverflow;
    /** A replay is running (guarded by {@code pending}); the heartbeat would otherwise start another. */
    private boolean replaying;
    private volatile long lastHeartbeat;
    private volatile RedisConnection subscription;
    private volatile long heartbeatTimer = -1;
    private volatile boolean connecting;
    private volatile boolean stopped;

    public Coherence(Vertx vertx, RedisTier tier, L1Tier l1, CacheConfig config,
            @ConfigProperty(name = "quarkus.redis.hosts") List<URI> hosts,
            @ConfigProperty(name = "quarkus.redis.password") Optional<String> password) {
        this.vertx = vertx;
        this.tier = tier;
        this.l1 = l1;
        this.config = config;
        this.fenceNanos = config.coherence().fenceAfter().toNanos();
        RedisOptions options = new RedisOptions().setConnectionString(hosts.get(0).toString()).setMaxPoolSize(1)
                .setMetricsName("redis|coherence"); // Quarkus' convention: redis_* meters, client_name="coherence"
        password.ifPresent(options::setPassword);
        this.subscriberClient = Redis.createClient(vertx, options);
        this.enabled = config.enabled();
    }

    void start(@Observes StartupEvent event) {
        if (enabled) {
            connect();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        disconnect();
        subscriberClient.close();
    }

    // --- what may be used ------------------------------------------------------------------------

    public boolean enabled() {
        return enabled;
    }

    /** L1 may serve only while the invalidation subscription is proven alive. */
    public boolean l1Usable() {
        return enabled && config.l1().enabled() && subscribed && System.nanoTime() - lastHeartbeat < fenceNanos;
    }

    /** L2 may serve once the cache generations are known and no invalidation of ours is waiting. */
    public boolean l2Usable() {
        return enabled && generationsKnown && !dirty && tier.breaker().state() != CircuitBreaker.State.OPEN;
    }

    public long cacheGeneration(String cache) {
        return cacheGenerations.getOrDefault(cache, 0L);
    }

    public boolean subscribed() {
        return subscribed;
    }

    public String instanceId() {
        return instanceId;
    }

    /** Whether this instance heard its own heartbeat recently enough to trust its L1. */
    public boolean heartbeatFresh() {
        return subscribed && System.nanoTime() - lastHeartbeat < fenceNanos;
    }

    /** Invalidations that Redis could not take yet; while there are any, L2 is not read. */
    public boolean waitingForReplay() {
        return dirty;
    }

    public int pendingInvalidations() {
        synchronized (pending) {
            return pending.size();
        }
    }

    public long ackTimeouts() {
        return ackTimeouts.get();
    }

    public long missedInvalidations() {
        return missedInvalidations.get();
    }

    /** Switches caching on this instance. Off: no Redis traffic at all; on: replays what was missed first. */
    public synchronized void setEnabled(boolean on) {
        if (on == enabled) {
            return;
        }
        enabled = on;
        l1.clear();
        if (on) {
            connect();
        } else {
            disconnect();
        }
    }

    // --- invalidation ------------------------------------------------------------------------------

    /**
     * The group's generation now, for write-throughs of a write about to start; -1 when Redis cannot
     * tell (the write then deletes instead of writing through). Never fails.
     */
    public Uni<Long> groupGeneration(String group) {
        if (!l2Writable()) {
            return Uni.createFrom().item(-1L);
        }
        return tier.currentGeneration(CacheKey.groupGenerationKey(group)).onFailure().recoverWithItem(-1L);
    }

    /** Drops the entries everywhere: Redis, this L1, every other instance's L1. */
    public Uni<Void> invalidateKeys(List<CacheKey> keys) {
        return write(keys.stream().map(RedisTier.WriteOp::delete).toList());
    }

    /**
     * Applies a write's cache operations (write-through puts, deletions) in Redis, one atomic script per
     * group with the invalidation published by the last one, then waits for every instance to have
     * dropped the keys from its L1. When Redis cannot take it, the keys are remembered for replay.
     */
    public Uni<Void> write(List<RedisTier.WriteOp> ops) {
        List<CacheKey> keys = ops.stream().map(RedisTier.WriteOp::key).toList();
        keys.forEach(l1::invalidate);
        List<String> messages = keys.stream().map(k -> "k\t" + k.cache() + "\t" + k.group() + "\t" + k.id()).toList();
        if (!l2Writable()) {
            return remember(messages);
        }
        List<List<RedisTier.WriteOp>> groups = byGroup(ops);
        return broadcast(messages, (channel, message) -> {
            Uni<Long> chain = Uni.createFrom().item(0L);
            for (int i = 0; i < groups.size(); i++) {
                List<RedisTier.WriteOp> group = groups.get(i);
                boolean last = i == groups.size() - 1;
                chain = chain.chain(() -> tier.write(group.get(0).key().group(), group,
                        last ? channel : null, last ? message : null));
            }
            return chain;
        }).onFailure().recoverWithUni(f -> remember(messages));
    }

    /** Drops every entry of a group (a project, a user) in O(1): its generation counter moves on. */
    public Uni<Void> invalidateGroup(String group) {
        l1.invalidateIf(k -> k.group().equals(group));
        List<String> ops = List.of("g\t" + group);
        if (!l2Writable()) {
            return remember(ops);
        }
        return tier.bumpGeneration(CacheKey.groupGenerationKey(group))
                .chain(() -> broadcast(ops))
                .onFailure().recoverWithUni(f -> remember(ops));
    }

    /** Drops every entry of a cache on every instance in O(1): the cache's generation counter moves on. */
    public Uni<Void> flush(String cache) {
        l1.invalidateIf(k -> k.cache().equals(cache));
        if (!l2Writable()) {
            return remember(List.of("f\t" + cache));
        }
        return tier.bumpGeneration(CacheKey.cacheGenerationKey(cache))
                .chain(gen -> {
                    cacheGenerations.merge(cache, gen, Math::max);
                    return broadcast(List.of("f\t" + cache + "\t" + gen));
                })
                .onFailure().recoverWithUni(f -> remember(List.of("f\t" + cache)));
    }

    private boolean l2Writable() {
        return enabled && tier.breaker().state() != CircuitBreaker.State.OPEN;
    }

    /**
     * Keeps invalidations Redis could not take for replay, stops reading L2 until then ({@code dirty}),
     * then applies them to this L1 once more. The second pass matters: a read that started after the
     * write's first local pass may have taken the old value from Redis (or from a script that timed
     * out here but still runs there), and would otherwise put it in L1 with nothing left to remove it;
     * its stamp now predates this pass, so L1 refuses it, and reads that start after it see
     * {@code dirty} and go to the source.
     */
    private Uni<Void> remember(List<String> ops) {
        missedInvalidations.addAndGet(ops.size());
        synchronized (pending) {
            for (String op : ops) {
                if (pending.size() >= MAX_PENDING) {
                    pendingOverflow = true;
                    pending.clear();
                    break;
                }
                pending.add(op);
            }
            dirty = true;
        }
        applyToL1(ops);
        return Uni.createFrom().voidItem();
    }

    /** Publishes the operations and waits for every receiver's acknowledgement, up to the ack timeout. */
    private Uni<Void> broadcast(List<String> ops) {
        return broadcast(ops, (channel, message) -> tier.publish(channel, message).map(Response::toLong));
    }

    /**
     * Waits for the acknowledgements of a message that {@code publisher} publishes (it answers the
     * number of receivers). The waiter is registered first: acknowledgements may overtake the answer.
     */
    private Uni<Void> broadcast(List<String> ops, java.util.function.BiFunction<String, String, Uni<Long>> publisher) {
        long seq = sequence.incrementAndGet();
        AckWaiter waiter = new AckWaiter();
        waiters.put(seq, waiter);
        java.util.concurrent.Executor caller = CallerContext.current();
        String message = instanceId + "\t" + seq + "\n" + String.join("\n", ops);
        return publisher.apply(CHANNEL, message)
                .chain(receivers -> {
                    waiter.expect(receivers);
                    return Uni.createFrom().completionStage(waiter.done)
                            .ifNoItem().after(config.coherence().ackTimeout()).recoverWithItem(() -> {
                                ackTimeouts.incrementAndGet();
                                LOG.warnf("Invalidation [%s] not acknowledged by every instance in time", seq);
                                return null;
                            });
                })
                .eventually(() -> waiters.remove(seq))
                .replaceWithVoid()
                .emitOn(caller);
    }

    // --- the subscription ------------------------------------------------------------------------

    private synchronized void connect() {
        if (connecting || subscription != null || stopped || !enabled) {
            return;
        }
        connecting = true;
        subscriberClient.connect()
                .chain(conn -> {
                    subscription = conn;
                    conn.handler(this::onMessage);
                    conn.exceptionHandler(this::onConnectionLost);
                    conn.endHandler(() -> onConnectionLost(null));
                    return conn.send(Request.cmd(Command.SUBSCRIBE).arg(CHANNEL).arg(ackChannel))
                            .ifNoItem().after(config.redis().timeout().multipliedBy(10)).fail();
                })
                .chain(() -> tier.counters(CacheNames.ALL.stream().map(CacheKey::cacheGenerationKey).toList()))
                .chain(gens -> {
                    for (int i = 0; i < gens.size(); i++) {
                        cacheGenerations.merge(CacheNames.ALL.get(i), gens.get(i), Math::max);
                    }
                    return replayPending();
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
                    dropSubscription();
                    scheduleReconnect();
                });
    }

    private void onConnectionLost(Throwable failure) {
        if (subscription == null) {
            return;
        }
        LOG.warnf("Cache invalidation subscription lost [%s]; L1 cleared until it is back",
                failure == null ? "closed" : failure.toString());
        dropSubscription();
        scheduleReconnect();
    }

    private synchronized void dropSubscription() {
        subscribed = false;
        l1.clear();
        RedisConnection conn = subscription;
        subscription = null;
        if (conn != null) {
            // No-op handlers, not null: the Mutiny wrapper would call a null handler when the socket ends.
            conn.handler(r -> {});
            conn.endHandler(() -> {});
            conn.exceptionHandler(t -> {});
            conn.close().subscribe().with(x -> {}, x -> {});
        }
    }

    private synchronized void disconnect() {
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
            heartbeatTimer = -1;
        }
        dropSubscription();
    }

    private void scheduleReconnect() {
        if (!stopped && enabled) {
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
            tier.publish(ackChannel, HEARTBEAT).subscribe().with(x -> {}, x -> {});
            if (dirty && tier.breaker().state() == CircuitBreaker.State.CLOSED) {
                replayPending().subscribe().with(x -> {}, x -> {});
            }
        });
    }

    /** Applies the invalidations this instance could not send; clears every L1 after it. One at a time. */
    private Uni<Void> replayPending() {
        List<String> ops;
        boolean overflow;
        synchronized (pending) {
            if (!dirty || replaying) {
                return Uni.createFrom().voidItem();
            }
            replaying = true;
            ops = new ArrayList<>(pending);
            overflow = pendingOverflow;
        }
        Uni<Void> replay = Uni.createFrom().voidItem();
        if (overflow) {
            for (String cache : CacheNames.ALL) {
                replay = replay.chain(() -> tier.bumpGeneration(CacheKey.cacheGenerationKey(cache))
                        .invoke(gen -> cacheGenerations.merge(cache, gen, Math::max)).replaceWithVoid());
            }
        }
        for (String op : ops) {
            String[] f = op.split("\t", -1);
            replay = replay.chain(() -> switch (f[0]) {
                case "k" -> tier.delete(List.of(new CacheKey(f[1], f[2], f[3])));
                case "g" -> tier.bumpGeneration(CacheKey.groupGenerationKey(f[1])).replaceWithVoid();
                default -> tier.bumpGeneration(CacheKey.cacheGenerationKey(f[1]))
                        .invoke(gen -> cacheGenerations.merge(f[1], gen, Math::max)).replaceWithVoid();
            });
        }
        return replay
                .chain(() -> broadcast(List.of("c")))
                .invoke(() -> {
                    synchronized (pending) {
                        ops.forEach(pending::remove);
                        if (overflow) {
                            pendingOverflow = false;
                        }
                        dirty = !pending.isEmpty() || pendingOverflow;
                    }
                    l1.clear();
                    LOG.infof("Replayed [%s] missed cache invalidations", ops.size());
                })
                .eventually(() -> {
                    synchronized (pending) {
                        replaying = false;
                    }
                });
    }

    // --- messages ----------------------------------------------------------------------------------

    private void onMessage(Response response) {
        // RESP2: ["message", channel, payload]; RESP3 pushes have the same shape.
        if (response == null || response.size() < 3 || !"message".equals(response.get(0).toString())) {
            return;
        }
        String channel = response.get(1).toString();
        String payload = response.get(2).toString();
        if (channel.equals(ackChannel)) {
            if (payload.equals(HEARTBEAT)) {
                lastHeartbeat = System.nanoTime();
            } else {
                ack(Long.parseLong(payload));
            }
        } else if (channel.equals(CHANNEL)) {
            apply(payload);
        }
    }

    private void apply(String message) {
        String[] lines = message.split("\n");
        String[] head = lines[0].split("\t");
        applyToL1(java.util.Arrays.asList(lines).subList(1, lines.length));
        if (head.length == 2) {
            if (head[0].equals(instanceId)) {
                // Our own message, heard through our subscription: acknowledged here, not through Redis.
                ack(Long.parseLong(head[1]));
            } else {
                tier.publish(ACK_PREFIX + head[0], head[1]).subscribe().with(x -> {}, x -> {});
            }
        }
    }

    /** Applies invalidation operations ({@code k}, {@code g}, {@code f}, {@code c} lines) to this L1. */
    private void applyToL1(List<String> ops) {
        for (String op : ops) {
            String[] f = op.split("\t", -1);
            switch (f[0]) {
                case "k" -> l1.invalidate(new CacheKey(f[1], f[2], f[3]));
                case "g" -> l1.invalidateIf(k -> k.group().equals(f[1]));
                case "f" -> {
                    if (f.length > 2) {
                        cacheGenerations.merge(f[1], Long.parseLong(f[2]), Math::max);
                    }
                    l1.invalidateIf(k -> k.cache().equals(f[1]));
                }
                case "c" -> l1.clear();
                default -> LOG.debugf("Unknown invalidation [%s]", f[0]);
            }
        }
    }

    private void ack(long seq) {
        AckWaiter waiter = waiters.get(seq);
        if (waiter != null) {
            waiter.ack();
        }
    }

    /** Counts acknowledgements, which may arrive before PUBLISH has told how many to expect. */
    private static final class AckWaiter {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private long received;
        private long expected = -1;

        synchronized void ack() {
            received++;
            check();
        }

        synchronized void expect(long receivers) {
            expected = receivers;
            check();
        }

        private void check() {
            if (expected >= 0 && received >= expected) {
                done.complete(null);
            }
        }
    }

    /** Operations grouped by their key's group, each group in one hash slot. */
    private static List<List<RedisTier.WriteOp>> byGroup(List<RedisTier.WriteOp> ops) {
        java.util.Map<String, List<RedisTier.WriteOp>> groups = new java.util.LinkedHashMap<>();
        for (RedisTier.WriteOp op : ops) {
            groups.computeIfAbsent(op.key().group(), g -> new ArrayList<>()).add(op);
        }
        return new ArrayList<>(groups.values());
    }
}

package dev.scenecache.cache.coherence;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.local.L1Tier;
import dev.scenecache.cache.redis.CircuitBreaker;
import dev.scenecache.cache.redis.RedisCommands;
import dev.scenecache.cache.redis.RedisConnections;
import dev.scenecache.cache.redis.RedisMode;
import dev.scenecache.cache.redis.RedisTier;
import dev.scenecache.cache.redis.WriteOp;
import dev.scenecache.cache.redis.cluster.ClusterRouter;
import dev.scenecache.cache.redis.cluster.ClusterTopology;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.redis.client.RedisOptions;

/**
 * Keeps every instance's L1 and view of the cache generations coherent, and decides when each tier
 * may be trusted. The parts, each with its own invariant:
 *
 * <ul>
 * <li><b>Invalidation</b> ({@link Acknowledgements}): a write deletes or writes through its keys in
 * Redis, then publishes the invalidation; every instance (itself included) drops the keys from its L1
 * and acknowledges. The write answers only when all receivers counted by {@code PUBLISH} have
 * acknowledged, or after {@code cache.coherence.ack-timeout}.
 * <li><b>Fencing</b> ({@link InvalidationSubscription}): an instance uses its L1 only while it hears
 * its own heartbeat through the same subscription within {@code cache.coherence.fence-after} (shorter
 * than the ack timeout), so an instance that missed an invalidation has stopped using its L1 before the
 * writer gives up waiting for it. A lost subscription clears L1 at once; the reconnect reloads the cache
 * generations and clears L1 again before it is trusted.
 * <li><b>Missed invalidations</b> ({@link PendingInvalidations}): when Redis cannot take an
 * invalidation (down, circuit open, caching switched off) the write still succeeds; the invalidation is
 * kept (bounded; beyond the bound, every cache is flushed instead) and this instance stops reading L2
 * until it has been replayed, which happens as soon as Redis answers again. Every instance's L1 is
 * cleared after a replay.
 * <li><b>Generations</b> ({@link GenerationView}): flushes move a cache's generation counter on; the
 * view only moves forward.
 * <li><b>Failovers</b> ({@link ClusterTopology}, Redis Cluster only): L2 answers only from the masters
 * this instance trusts; a new master is trusted after every cache generation has moved on, so data a
 * failover lost is never read.
 * </ul>
 */
@ApplicationScoped
public class Coherence {

    private final String instanceId = UUID.randomUUID().toString().substring(0, 13);
    private final RedisTier tier;
    private final RedisCommands redis;
    private final L1Tier l1;
    private final CacheConfig config;
    private final GenerationView generations = new GenerationView();
    private final Acknowledgements acks;
    private final PendingInvalidations pending;
    private final InvalidationSubscription subscription;
    private final ClusterTopology topology;

    private final KnownGenerations knownGenerations = new KnownGenerations();
    private final Fences fences = new Fences();
    private final TopologyReconciler reconciler;

    private volatile boolean enabled;

    public Coherence(Vertx vertx, RedisTier tier, RedisCommands redis, L1Tier l1, CacheConfig config, ClusterTopology topology,
            ClusterRouter router,
            @ConfigProperty(name = "quarkus.redis.hosts") List<URI> hosts,
            @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String clientType,
            @ConfigProperty(name = "quarkus.redis.master-name", defaultValue = "mymaster") String masterName,
            RedisConnections connections) {
        this.tier = tier;
        this.redis = redis;
        this.l1 = l1;
        this.config = config;
        this.topology = topology;
        this.enabled = config.enabled();
        this.reconciler = new TopologyReconciler(topology, router, tier, generations, config, vertx, () -> this.enabled,
                fences);
        // An instance is waited for while heard within twice the fence: longer than it trusts its own L1.
        this.acks = new Acknowledgements(instanceId, redis, config.coherence().ackTimeout(),
                config.coherence().fenceAfter().multipliedBy(2), !topology.enabled());
        this.pending = new PendingInvalidations(tier, l1, generations, acks);
        Supplier<List<RedisOptions>> candidates = SubscriptionTargets.of(topology, RedisMode.of(clientType), hosts,
                masterName, connections);
        DataOwner owner = topology.enabled() ? null
                : new DataOwner(redis, tier, generations, fences, knownGenerations::clear);
        this.subscription = new InvalidationSubscription(instanceId, vertx, candidates, tier, redis, l1, config, acks, pending,
                generations, () -> this.enabled, owner);
        acks.publishWith(subscription::publish);
        acks.applyLocallyWith(ops -> InvalidationOps.applyToL1(ops, l1, generations));
        // Hearing the channel (own heartbeats back, twice since subscribing): by then the others' are heard too.
        acks.hearingWith(subscription::heartbeatFresh);
        // An instance went silent holding invalidations nobody else will replay: Redis may still hold what its
        // writes replaced, so every cache is flushed (at the next replay, L2 unread until then).
        acks.members().onLostInvalidations(instance -> {
            fences.record(Fences.Cause.LOST_INVALIDATIONS, "instance " + instance
                    + " went silent holding invalidations that Redis had not taken");
            pending.flushAllAtReplay();
        });
    }

    void start(@Observes StartupEvent event) {
        reconciler.start();
        if (enabled) {
            subscription.connect();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        reconciler.stop();
        subscription.close();
    }

    // --- what may be used ------------------------------------------------------------------------

    public boolean enabled() {
        return enabled;
    }

    /** L1 may serve only while the invalidation subscription is proven alive. */
    public boolean l1Usable() {
        return enabled && config.l1().enabled() && subscription.heartbeatFresh();
    }

    /**
     * L2 may serve once the generations are known, while this instance hears the channel (it cannot have applied
     * what it did not hear), and no invalidation waits for replay here or on another instance ({@link Membership}).
     */
    public boolean l2Usable() {
        return enabled && subscription.generationsKnown() && subscription.heartbeatFresh() && !pending.waiting()
                && topology.usable() && redis.breaker().state() != CircuitBreaker.State.OPEN
                && acks.members().othersCaughtUp(subscription.subscribedAt());
    }

    /** Redis Cluster: whether a trusted slot map has been confirmed recently (always true on one Redis). */
    public boolean topologyUsable() {
        return topology.usable();
    }

    /** Redis Cluster: the masters L2 may be read from now (null on one Redis). */
    public ClusterTopology.View trustedMasters() {
        return topology.trusted();
    }

    public long cacheGeneration(String cache) {
        return generations.get(cache);
    }

    /** The fences this instance saw (Redis' data could not be trusted: every cache generation moved on). */
    public Fences fences() {
        return fences;
    }

    public boolean subscribed() {
        return subscription.subscribed();
    }

    public String instanceId() {
        return instanceId;
    }

    /** Whether this instance heard its own heartbeat recently enough to trust its L1. */
    public boolean heartbeatFresh() {
        return subscription.heartbeatFresh();
    }

    /** The subscription has heard this instance's own heartbeat twice since it was made (L1 is trusted from then). */
    public boolean heartbeatConfirmed() {
        return subscription.heartbeatConfirmed();
    }

    /** Invalidations that Redis could not take yet; while there are any, L2 is not read. */
    public boolean waitingForReplay() {
        return pending.waiting();
    }

    public int pendingInvalidations() {
        return pending.size();
    }

    public long ackTimeouts() {
        return acks.timeouts();
    }

    public long missedInvalidations() {
        return pending.missed();
    }

    /** Switches caching on this instance. Off: no Redis traffic at all; on: replays what was missed first. */
    public synchronized void setEnabled(boolean on) {
        if (on == enabled) {
            return;
        }
        enabled = on;
        l1.clear();
        knownGenerations.clear();
        if (on) {
            subscription.connect();
        } else {
            subscription.disconnect();
        }
    }

    // --- invalidation ------------------------------------------------------------------------------

    /**
     * A generation the group had at or before this call, for the write-throughs of a write about to start;
     * -1 when Redis cannot tell (the write then stores version floors instead of values). Never fails.
     *
     * <p>
     * What a write needs is a <em>lower bound</em> of the generation at its start, not the current value:
     * generations only move forward, and the write script stores a value only when its stamp equals the
     * generation it finds, and a version floor (a miss no older write can replace) otherwise. So a
     * generation this instance saw earlier (from a previous read of the counter or a previous write script,
     * {@link #knownGenerations}) serves as well as a new {@code GET}, without its round trip. When the group
     * has moved on since (invalidated here or by another instance), that write stores a floor, a miss, and
     * its script's answer brings the known generation up to date.
     */
    public Uni<Long> groupGeneration(String group) {
        if (!l2Writable()) {
            return Uni.createFrom().item(-1L);
        }
        // Only while L2 is trusted: while this instance has invalidations waiting for replay or a Redis Cluster
        // topology to confirm, a write asks Redis (and degrades to version floors when it cannot answer), as a
        // write whose cache step fails and is retried later must not carry a value past a newer write's
        // invalidation (ClusterFailoverIT saw it: an older write-through retried after a failover).
        Long known = l2Usable() ? knownGenerations.get(group) : null;
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return tier.currentGeneration(CacheKey.groupGenerationKey(group)).invoke(g -> knownGenerations.know(group, g))
                .onFailure().recoverWithItem(-1L);
    }

    /** Drops the entries everywhere: Redis, this L1, every other instance's L1. */
    public Uni<Void> invalidateKeys(List<CacheKey> keys) {
        return write(keys.stream().map(WriteOp::delete).toList());
    }

    /**
     * Applies a write's cache operations (write-through puts, deletions) in Redis, one atomic script per
     * group with the invalidation published by the last one, then waits for every instance to have
     * dropped the keys from its L1. When Redis cannot take it, the keys are remembered for replay.
     */
    public Uni<Void> write(List<WriteOp> ops) {
        List<CacheKey> keys = ops.stream().map(WriteOp::key).toList();
        keys.forEach(l1::invalidate);
        List<String> messages = keys.stream().map(InvalidationOps::key).toList();
        if (!l2Writable()) {
            return missed(messages);
        }
        List<List<WriteOp>> groups = byGroup(ops);
        L1WriteThrough l1Puts = groups.size() == 1 && acks.ownCopyReturns() && ops.stream().anyMatch(op -> op.l1() != null)
                ? new L1WriteThrough(ops, l1, this::l1Usable, this::cacheGeneration)
                : null;
        return reconciler.orOnceMoreAfterAPoll(() -> acks.broadcast(messages, (channel, message) -> {
            Uni<Long> chain = Uni.createFrom().item(0L);
            for (int i = 0; i < groups.size(); i++) {
                List<WriteOp> group = groups.get(i);
                String name = group.get(0).key().group();
                boolean last = i == groups.size() - 1;
                chain = chain.chain(() -> tier.write(name, group, last ? channel : null, last ? message : null)
                        .map(written -> {
                            knownGenerations.know(name, written.groupGeneration());
                            if (l1Puts != null) {
                                l1Puts.stored(written.stored());
                            }
                            return written.receivers();
                        }));
            }
            return chain;
        }, l1Puts == null ? null : l1Puts::ownCopyApplied)).invoke(() -> {
            if (l1Puts != null) {
                l1Puts.apply();
            }
        }).onFailure().recoverWithUni(f -> missed(messages));
    }

    /**
     * Invalidations Redis could not take: kept for replay (this instance stops reading L2 until then),
     * and still broadcast, through the node this instance is subscribed to: on Redis Cluster one failing
     * node (or this instance's stale slot map) fails the write's script while the others still carry the
     * channel and serve from their L1 and from the key's node. Every receiver drops the keys from its L1
     * and applies them to Redis (deleting entries and fill leases, moving generations on) before it
     * acknowledges, so that neither its L1 nor a fill that raced with the write keeps the old value.
     */
    private Uni<Void> missed(List<String> ops) {
        Uni<Void> kept = pending.remember(ops);
        if (!enabled) {
            return kept; // caching off: no Redis traffic at all
        }
        return kept.chain(() -> acks.broadcastForRedis(ops).onFailure().recoverWithNull().replaceWithVoid());
    }

    /** Drops every entry of a group (a project, a user) in O(1): its generation counter moves on. */
    public Uni<Void> invalidateGroup(String group) {
        l1.invalidateGroup(group);
        knownGenerations.forget(group);
        List<String> ops = List.of(InvalidationOps.group(group));
        if (!l2Writable()) {
            return missed(ops);
        }
        return reconciler.orOnceMoreAfterAPoll(() -> tier.bumpGeneration(CacheKey.groupGenerationKey(group)).replaceWithVoid())
                .chain(() -> acks.broadcast(ops))
                .onFailure().recoverWithUni(f -> missed(ops));
    }

    /** Drops every entry of a cache on every instance in O(1): the cache's generation counter moves on. */
    public Uni<Void> flush(String cache) {
        l1.invalidateCache(cache);
        List<String> missed = List.of(InvalidationOps.flush(cache));
        if (!l2Writable()) {
            return missed(missed);
        }
        return tier.bumpGeneration(CacheKey.cacheGenerationKey(cache))
                .chain(gen -> {
                    generations.advance(cache, gen);
                    return acks.broadcast(List.of(InvalidationOps.flush(cache, gen)));
                })
                .onFailure().recoverWithUni(f -> missed(missed));
    }

    private boolean l2Writable() {
        return enabled && redis.breaker().state() != CircuitBreaker.State.OPEN;
    }

    /** Operations grouped by their key's group, each group in one hash slot. */
    private static List<List<WriteOp>> byGroup(List<WriteOp> ops) {
        Map<String, List<WriteOp>> groups = new LinkedHashMap<>();
        for (WriteOp op : ops) {
            groups.computeIfAbsent(op.key().group(), g -> new ArrayList<>()).add(op);
        }
        return new ArrayList<>(groups.values());
    }
}

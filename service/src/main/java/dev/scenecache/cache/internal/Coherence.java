package dev.scenecache.cache.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
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
 * </ul>
 */
@ApplicationScoped
public class Coherence {

    private final String instanceId = UUID.randomUUID().toString().substring(0, 13);
    private final RedisTier tier;
    private final L1Tier l1;
    private final CacheConfig config;
    private final GenerationView generations = new GenerationView();
    private final Acknowledgements acks;
    private final PendingInvalidations pending;
    private final InvalidationSubscription subscription;

    private volatile boolean enabled;

    public Coherence(Vertx vertx, RedisTier tier, L1Tier l1, CacheConfig config,
            @ConfigProperty(name = "quarkus.redis.hosts") List<URI> hosts,
            @ConfigProperty(name = "quarkus.redis.password") Optional<String> password) {
        this.tier = tier;
        this.l1 = l1;
        this.config = config;
        this.enabled = config.enabled();
        this.acks = new Acknowledgements(instanceId, tier, config.coherence().ackTimeout());
        this.pending = new PendingInvalidations(tier, l1, generations, acks);
        RedisOptions options = new RedisOptions().setConnectionString(hosts.get(0).toString()).setMaxPoolSize(1)
                .setMetricsName("redis|coherence"); // Quarkus' convention: redis_* meters, client_name="coherence"
        password.ifPresent(options::setPassword);
        this.subscription = new InvalidationSubscription(instanceId, vertx, options, tier, l1, config, acks, pending,
                generations, () -> this.enabled);
    }

    void start(@Observes StartupEvent event) {
        if (enabled) {
            subscription.connect();
        }
    }

    void stop(@Observes ShutdownEvent event) {
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

    /** L2 may serve once the cache generations are known and no invalidation of ours is waiting. */
    public boolean l2Usable() {
        return enabled && subscription.generationsKnown() && !pending.waiting()
                && tier.breaker().state() != CircuitBreaker.State.OPEN;
    }

    public long cacheGeneration(String cache) {
        return generations.get(cache);
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
        if (on) {
            subscription.connect();
        } else {
            subscription.disconnect();
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
        List<String> messages = keys.stream().map(InvalidationOps::key).toList();
        if (!l2Writable()) {
            return pending.remember(messages);
        }
        List<List<RedisTier.WriteOp>> groups = byGroup(ops);
        return acks.broadcast(messages, (channel, message) -> {
            Uni<Long> chain = Uni.createFrom().item(0L);
            for (int i = 0; i < groups.size(); i++) {
                List<RedisTier.WriteOp> group = groups.get(i);
                boolean last = i == groups.size() - 1;
                chain = chain.chain(() -> tier.write(group.get(0).key().group(), group,
                        last ? channel : null, last ? message : null));
            }
            return chain;
        }).onFailure().recoverWithUni(f -> pending.remember(messages));
    }

    /** Drops every entry of a group (a project, a user) in O(1): its generation counter moves on. */
    public Uni<Void> invalidateGroup(String group) {
        l1.invalidateIf(k -> k.group().equals(group));
        List<String> ops = List.of(InvalidationOps.group(group));
        if (!l2Writable()) {
            return pending.remember(ops);
        }
        return tier.bumpGeneration(CacheKey.groupGenerationKey(group))
                .chain(() -> acks.broadcast(ops))
                .onFailure().recoverWithUni(f -> pending.remember(ops));
    }

    /** Drops every entry of a cache on every instance in O(1): the cache's generation counter moves on. */
    public Uni<Void> flush(String cache) {
        l1.invalidateIf(k -> k.cache().equals(cache));
        List<String> missed = List.of(InvalidationOps.flush(cache));
        if (!l2Writable()) {
            return pending.remember(missed);
        }
        return tier.bumpGeneration(CacheKey.cacheGenerationKey(cache))
                .chain(gen -> {
                    generations.advance(cache, gen);
                    return acks.broadcast(List.of(InvalidationOps.flush(cache, gen)));
                })
                .onFailure().recoverWithUni(f -> pending.remember(missed));
    }

    private boolean l2Writable() {
        return enabled && tier.breaker().state() != CircuitBreaker.State.OPEN;
    }

    /** Operations grouped by their key's group, each group in one hash slot. */
    private static List<List<RedisTier.WriteOp>> byGroup(List<RedisTier.WriteOp> ops) {
        Map<String, List<RedisTier.WriteOp>> groups = new LinkedHashMap<>();
        for (RedisTier.WriteOp op : ops) {
            groups.computeIfAbsent(op.key().group(), g -> new ArrayList<>()).add(op);
        }
        return new ArrayList<>(groups.values());
    }
}

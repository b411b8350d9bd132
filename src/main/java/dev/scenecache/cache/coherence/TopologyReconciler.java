package dev.scenecache.cache.coherence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.redis.RedisTier;
import dev.scenecache.cache.redis.cluster.ClusterRouter;
import dev.scenecache.cache.redis.cluster.ClusterTopology;
import dev.scenecache.common.CallerContext;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Redis Cluster: polls the slot map (every {@code cache.redis.topology-refresh}, and at once when a
 * command found it moved); an unchanged one confirms the trusted view, another one is trusted only once
 * {@code topology.lua} has moved every cache generation on when a master changed, so data a failover lost
 * is never read. A write whose Redis part failed is tried once more after the next poll if that poll
 * moved a master.
 */
final class TopologyReconciler {

    private static final Logger LOG = Logger.getLogger(TopologyReconciler.class);

    private final ClusterTopology topology;
    private final ClusterRouter router;
    private final RedisTier tier;
    private final GenerationView generations;
    private final CacheConfig config;
    private final Vertx vertx;
    private final BooleanSupplier enabled;
    private final Fences fences;

    private volatile boolean polling;
    private volatile long lastPoll;
    private long timer = -1;
    /** Writes waiting for the next topology poll (each waits four Redis timeouts at most). */
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> pollWaiters = new ConcurrentLinkedQueue<>();

    TopologyReconciler(ClusterTopology topology, ClusterRouter router, RedisTier tier, GenerationView generations,
            CacheConfig config, Vertx vertx, BooleanSupplier enabled, Fences fences) {
        this.topology = topology;
        this.router = router;
        this.tier = tier;
        this.generations = generations;
        this.config = config;
        this.vertx = vertx;
        this.enabled = enabled;
        this.fences = fences;
    }

    void start() {
        if (!topology.enabled()) {
            return;
        }
        // Looks every 50 ms whether a poll is due: every topology-refresh, or at once when a read found the
        // slot map moved.
        timer = vertx.setPeriodic(50, id -> {
            long refresh = config.redis().topologyRefresh().toNanos();
            if (enabled.getAsBoolean() && !polling && (topology.suspected() || System.nanoTime() - lastPoll >= refresh)) {
                poll();
            }
        });
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void poll() {
        polling = true;
        long started = System.nanoTime();
        lastPoll = started;
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        CompletableFuture<Void> waiter;
        while ((waiter = pollWaiters.poll()) != null) {
            waiting.add(waiter);
        }
        topology.poll(router).chain(view -> {
            ClusterTopology.View trusted = topology.trusted();
            if (trusted != null && trusted.signature().equals(view.signature())) {
                topology.confirm(started);
                return Uni.createFrom().voidItem();
            }
            List<String> keys = CacheNames.ALL.stream().map(CacheKey::cacheGenerationKey).toList();
            List<Long> floors = CacheNames.ALL.stream().map(c -> generations.get(c) + 1).toList();
            return tier.fence(view.signature(), keys, floors).invoke(result -> {
                for (int i = 0; i < result.generations().size(); i++) {
                    generations.advance(CacheNames.ALL.get(i), result.generations().get(i));
                }
                if (trusted != null && result.fenced()) {
                    fences.record(Fences.Cause.TOPOLOGY, "Redis Cluster masters changed");
                }
                topology.trust(view, started);
                LOG.infof("Redis Cluster topology trusted: [%s]", view.signature());
            }).replaceWithVoid();
        }).subscribe().with(ok -> {
            polling = false;
            waiting.forEach(w -> w.complete(null));
        }, failure -> {
            polling = false;
            waiting.forEach(w -> w.complete(null));
            LOG.debugf("Redis Cluster topology poll failed: [%s]", failure.toString());
        });
    }

    /**
     * When the Redis part of a write fails, it is tried once more after the next topology poll, if that poll
     * moved a master (a failover this instance had not seen yet would otherwise leave the new master with
     * the old entries and their fill leases while the others read it). On one Redis, or when nothing moved:
     * the failure.
     */
    Uni<Void> orOnceMoreAfterAPoll(Supplier<Uni<Void>> attempt) {
        if (!topology.enabled()) {
            return attempt.get();
        }
        return Uni.createFrom().deferred(() -> {
            ClusterTopology.View before = topology.lastPolled();
            return attempt.get().onFailure().recoverWithUni(failure -> afterNextPoll().chain(() -> {
                ClusterTopology.View after = topology.lastPolled();
                boolean moved = after != null && (before == null || !after.signature().equals(before.signature())
                        || !after.addresses().equals(before.addresses()));
                LOG.debugf("A write's cache step failed [%s]; after the next poll, moved: %s", failure.toString(), moved);
                return moved ? attempt.get() : Uni.createFrom().failure(failure);
            }));
        });
    }

    /** Completes when a topology poll that started after this call has ended, or after four Redis timeouts. */
    private Uni<Void> afterNextPoll() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        pollWaiters.add(done);
        topology.suspect();
        return Uni.createFrom().completionStage(done).ifNoItem().after(config.redis().timeout().multipliedBy(4))
                .recoverWithItem((Void) null).replaceWithVoid().emitOn(CallerContext.current());
    }
}

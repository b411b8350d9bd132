package dev.scenecache.cache.coherence;

import java.util.List;
import java.util.Objects;

import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.redis.RedisCommands;
import dev.scenecache.cache.redis.RedisTier;
import dev.scenecache.cache.redis.ServerIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;

/**
 * Which Redis, which data (one Redis, one behind a proxy, or Sentinel's master; Redis Cluster has
 * {@link TopologyReconciler}). Redis can forget or roll back what instances told it: a restart from an older
 * snapshot or an AOF that lost its tail brings back old entries and old generations, and a promoted replica
 * may have missed acknowledged writes. None of that is visible in the data, only in who serves it: the
 * server process and its replication history ({@link ServerIdentity}).
 *
 * <p>
 * The invariant: L2 is read only while this instance has {@link #trust trusted} the server that serves it,
 * and trusting a server whose data was written by another one moves every cache generation on first
 * ({@code topology.lua}, the same O(1) fence as a cluster failover; never backwards). A new server is always
 * reached through a new connection, so every (re)connection of the invalidation subscription asks the
 * server who it is, on that connection before it subscribes and on the command pool after, and fences
 * before the cache generations are known again; meanwhile L2 is not read ({@link InvalidationSubscription}
 * drops them with the connection). Every second the pool is asked again ({@link #stillTrusted}), so a
 * server that changed behind connections that did not break (a proxy that keeps them) is caught too. It
 * costs nothing on the read path.
 */
final class DataOwner {

    private final RedisCommands redis;
    private final RedisTier tier;
    private final GenerationView generations;
    private final Fences fences;
    private final Runnable forgetGroupGenerations;
    private volatile ServerIdentity trusted;

    DataOwner(RedisCommands redis, RedisTier tier, GenerationView generations, Fences fences,
            Runnable forgetGroupGenerations) {
        this.redis = redis;
        this.tier = tier;
        this.generations = generations;
        this.fences = fences;
        this.forgetGroupGenerations = forgetGroupGenerations;
    }

    /** Who the server at the other end of {@code conn} is ({@code INFO server}, {@code INFO replication}). */
    static Uni<ServerIdentity> identify(RedisConnection conn) {
        return conn.send(Request.cmd(Command.INFO).arg("server"))
                .chain(server -> conn.send(Request.cmd(Command.INFO).arg("replication"))
                        .map(replication -> ServerIdentity.parse(server + "\n" + replication)));
    }

    /** The identity the command pool's server gives now. */
    Uni<ServerIdentity> ask() {
        return redis.send(Request.cmd(Command.INFO).arg("server"))
                .chain(server -> redis.send(Request.cmd(Command.INFO).arg("replication"))
                        .map(replication -> ServerIdentity.parse(server + "\n" + replication)));
    }

    /**
     * Trusts the server the subscription reached ({@code seen}, asked on its own connection): the command
     * pool must reach the same master, then the fence runs with its signature. Answers the cache generations
     * now; fails when the two differ or the server is not a master (the subscription connects again).
     */
    Uni<List<Long>> trust(ServerIdentity seen) {
        if (!seen.master()) {
            return Uni.createFrom().failure(new IllegalStateException("Redis at this address is a " + seen.role()));
        }
        return ask().chain(pool -> {
            if (!Objects.equals(pool.runId(), seen.runId()) || !pool.master()) {
                return Uni.createFrom().failure(new IllegalStateException("the subscription reached Redis "
                        + seen.shortId() + ", the command pool " + pool.shortId() + " (" + pool.role() + ")"));
            }
            List<String> keys = CacheNames.ALL.stream().map(CacheKey::cacheGenerationKey).toList();
            List<Long> floors = CacheNames.ALL.stream().map(c -> generations.get(c) + 1).toList();
            return tier.fence(seen.signature(), keys, floors).map(result -> {
                record(trusted, seen, result.fenced());
                trusted = seen;
                return result.generations();
            });
        });
    }

    /** Whether the command pool still reaches the trusted server, as a master. */
    Uni<Boolean> stillTrusted() {
        ServerIdentity expected = trusted;
        return ask().map(now -> expected != null && now.master() && Objects.equals(now.runId(), expected.runId())
                && Objects.equals(now.replicationId(), expected.replicationId()));
    }

    ServerIdentity trusted() {
        return trusted;
    }

    private void record(ServerIdentity before, ServerIdentity now, boolean foreignData) {
        Fences.Cause cause = null;
        if (before != null && !Objects.equals(before.runId(), now.runId())) {
            cause = now.promotedFrom(before) ? Fences.Cause.FAILOVER : Fences.Cause.RESTART;
        } else if (before != null && !Objects.equals(before.replicationId(), now.replicationId())) {
            cause = Fences.Cause.REPLICATION;
        } else if (before == null && foreignData) {
            cause = Fences.Cause.RESTORED;
        }
        if (cause != null || foreignData) {
            forgetGroupGenerations.run();
        }
        if (cause != null) {
            fences.record(cause, "Redis " + (before == null ? "data of another server" : before.shortId()) + " -> "
                    + now.shortId() + " (" + now.role() + ")");
        }
    }
}

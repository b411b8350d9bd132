package dev.scenecache.cache.redis;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.LuaScript;
import dev.scenecache.cache.redis.cluster.ClusterTopology;
import dev.scenecache.cache.redis.cluster.HashSlot;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * L2: the cache's operations on Redis (the hit check, the read/fill/refresh/write scripts, generation
 * counters), each one command or script through {@link RedisCommands} (timeouts, circuit breakers). Never
 * {@code KEYS}: every key is known, whole groups and caches are invalidated by generation counters.
 */
@ApplicationScoped
public class RedisTier {

    /**
     * What a read found: the entry's bytes (a hit), or the group's generation and a lease to fill it,
     * with the expired value when the entry was current but past its fresh-until ({@code expired}: it may
     * be answered if the source fails, stale-if-error).
     */
    public record ReadResult(byte[] value, long groupGeneration, byte[] expired) {
        public ReadResult(byte[] value, long groupGeneration) {
            this(value, groupGeneration, null);
        }

        public boolean hit() {
            return value != null;
        }
    }

    /** What a refresh-ahead attempt found ({@link #refresh}). */
    public record RefreshResult(long groupGeneration, byte[] newer) {
        static final RefreshResult NOTHING = new RefreshResult(-1, null);

        /** This caller holds the lease: it reloads and fills with it. */
        public boolean leased() {
            return groupGeneration >= 0;
        }
    }

    /**
     * Returns the value when its generations are current; otherwise takes the fill lease (any older
     * lease is replaced, so only the latest reader's fill can land) and returns the group generation.
     */
    static final LuaScript READ = LuaScript.load("read");

    /**
     * Stores the value only while the reader's lease is still there (no invalidation since the read)
     * and the group generation in the value's header is still current (no group invalidation).
     */
    static final LuaScript FILL = LuaScript.load("fill");

    /**
     * A write's effect on one group, in one step: for each entry, its fill lease goes (no fill that
     * started before can land); then {@code d} deletes the entry and {@code p} stores the written value
     * unless an entry of the same or a newer version is there already (writes of one entity may finish
     * in any order; a deletion stores a tombstone of the highest version); {@code g} does what {@code p}
     * does after stamping the entry with the current group generation; a put stamped with an older group
     * generation (read before its group was invalidated) leaves the entry alone. Last, the invalidation is
     * published, and the number of receivers returned.
     * KEYS: group generation, then (entry, lease) per operation.
     * ARGV: channel ('' for none), message, then (kind, entry, ttl ms) per operation.
     */
    static final LuaScript WRITE = LuaScript.load("write");

    /**
     * Reads a generation counter, or moves it on to {@code max(current + 1, server clock in µs)}: never
     * back, even when Redis lost it, so a generation once passed is never current again.
     */
    static final LuaScript GENERATION = LuaScript.load("generation");

    /** Trusts a Redis Cluster topology, flushing L2 when a master changed (see {@link ClusterTopology}). */
    static final LuaScript TOPOLOGY = LuaScript.load("topology");

    /**
     * Refresh-ahead: takes the fill lease (only if no reload holds it) while the entry is still the one
     * the caller saw; answers the entry instead when it has been refreshed or written since.
     */
    static final LuaScript REFRESH = LuaScript.load("refresh");

    private final RedisCommands redis;
    private final Duration timeout;
    private final long leaseMillis;
    private final ReadBatcher batcher;
    private final ClusterTopology topology;

    public RedisTier(RedisCommands redis, CacheConfig config, MeterRegistry registry, ClusterTopology topology) {
        this.redis = redis;
        this.topology = topology;
        this.timeout = config.redis().timeout();
        this.leaseMillis = config.redis().leaseTtl().toMillis();
        DistributionSummary batchSizes = DistributionSummary.builder("cache.redis.read.batch")
                .description("Reads answered by each batched round trip of L2 hit checks")
                .register(registry);
        this.batcher = new ReadBatcher(redis::send, redis::sendPipeline, topology, config.redis().batchReads(),
                batchSizes::record);
    }

    /**
     * The entry when it is current, else the group generation with the fill lease taken.
     *
     * <p>
     * A hit, the common case, costs one plain {@code MGET} of the entry and its group generation (one
     * atomic command, so the pair is as consistent as inside a script), checked here exactly as
     * {@code read.lua} checks it ({@link EntryCodec#isCurrent}); the pairs of the reads an event loop
     * starts in one turn share one {@code MGET} ({@link ReadBatcher}). Anything else (missing, stale, a
     * floor, a missing generation) goes on to the script, which takes the lease: a miss costs a second
     * round trip, a hit no longer runs Lua.
     */
    public Uni<ReadResult> read(CacheKey key, long cacheGeneration, String leaseToken) {
        return read(key, cacheGeneration, leaseToken, topology.trusted());
    }

    /**
     * As {@link #read(CacheKey, long, String)}; on Redis Cluster answered only by the masters of
     * {@code masters}, the view trusted when {@code cacheGeneration} was read, and only while it is still
     * the trusted one (see {@link ClusterTopology}).
     */
    public Uni<ReadResult> read(CacheKey key, long cacheGeneration, String leaseToken, ClusterTopology.View masters) {
        return Uni.createFrom().deferred(() -> {
            // One timeout for both round trips: a read never waits longer than that because of Redis.
            long deadline = System.nanoTime() + timeout.toNanos();
            // One clock reading for both steps: the script judges freshness exactly as the MGET check did.
            long now = System.currentTimeMillis();
            return batcher.read(key, deadline, masters).chain(pair -> {
                byte[] value = currentEntry(pair[0], pair[1], cacheGeneration, now);
                return value != null ? Uni.createFrom().item(new ReadResult(value, -1))
                        : readOrLease(key, cacheGeneration, leaseToken, now, masters, RedisCommands.remaining(deadline));
            });
        });
    }

    /** The entry when it is current and fresh at {@code now}, else null. */
    private static byte[] currentEntry(Response entry, Response generation, long cacheGeneration, long now) {
        if (entry == null || generation == null) {
            return null;
        }
        Long groupGeneration = parseCounter(generation.toString());
        byte[] value = entry.toBytes();
        return groupGeneration != null && EntryCodec.isCurrent(value, cacheGeneration, groupGeneration)
                && EntryCodec.freshUntil(value) > now ? value : null;
    }

    /**
     * The entry when it is current, without taking a lease: the check a stale answer makes before it is
     * served ({@link TwoTierCache}) when no invalidation stamp can vouch for it. Null when not current.
     */
    public Uni<byte[]> currentEntry(CacheKey key, long cacheGeneration, ClusterTopology.View masters) {
        return Uni.createFrom().deferred(() -> batcher.read(key, System.nanoTime() + timeout.toNanos(), masters)
                .map(pair -> currentEntry(pair[0], pair[1], cacheGeneration, Long.MIN_VALUE)));
    }

    private Uni<ReadResult> readOrLease(CacheKey key, long cacheGeneration, String leaseToken, long now,
            ClusterTopology.View masters, Duration within) {
        List<String> keys = List.of(key.redisKey(), key.groupGenerationKey(), key.leaseKey());
        List<String> args = List.of(EntryCodec.hex(cacheGeneration), leaseToken, Long.toString(leaseMillis),
                Long.toString(now));
        Uni<Response> reply = topology.enabled() ? scriptOnTrustedMaster(READ, keys, args, masters, within)
                : redis.eval(READ, keys, args, within);
        return reply.map(r -> switch (r.type()) {
            case NUMBER -> new ReadResult(null, r.toLong());
            case MULTI -> new ReadResult(null, r.get(0).toLong(), r.get(1).toBytes());
            default -> new ReadResult(r.toBytes(), -1);
        });
    }

    /**
     * Refresh-ahead of an entry this instance saw fresh until {@code freshUntil}: the lease when this
     * caller is the one to reload it (across instances), the newer entry when another did already, else
     * nothing ({@link RefreshResult#NOTHING}).
     */
    public Uni<RefreshResult> refresh(CacheKey key, long cacheGeneration, long freshUntil, String leaseToken) {
        List<String> keys = List.of(key.redisKey(), key.groupGenerationKey(), key.leaseKey());
        List<String> args = List.of(EntryCodec.hex(cacheGeneration), EntryCodec.hex(freshUntil), leaseToken,
                Long.toString(leaseMillis));
        Uni<Response> reply = topology.enabled()
                ? scriptOnTrustedMaster(REFRESH, keys, args, topology.trusted(), timeout)
                : redis.eval(REFRESH, keys, args);
        return reply.map(r -> r.type() == ResponseType.NUMBER
                ? (r.toLong() >= 0 ? new RefreshResult(r.toLong(), null) : RefreshResult.NOTHING)
                : new RefreshResult(-1, r.toBytes()));
    }

    /**
     * Redis Cluster: the script on a connection to the master this instance trusts for the keys' slot,
     * proven by its {@code CLUSTER MYID} ({@link ClusterTopology}, {@link ClusterRouter#pipelineOn}).
     */
    private Uni<Response> scriptOnTrustedMaster(LuaScript script, List<String> keys, List<String> args,
            ClusterTopology.View masters, Duration within) {
        return Uni.createFrom().deferred(() -> {
            int slot = HashSlot.of(keys.get(0));
            String owner = masters == null ? null : masters.owner(slot);
            if (owner == null || topology.trusted() != masters) {
                return Uni.createFrom().failure(new RedisUnavailable("masters changed since the read started", null));
            }
            URI node = masters.address(slot);
            long deadline = System.nanoTime() + within.toNanos();
            return redis
                    .sendPipeline(node, owner, List.of(RedisCommands.evalRequest(Command.EVALSHA, script.sha(), keys, args)),
                            within)
                    .onFailure(RedisCommands::isNoScript)
                    .recoverWithUni(() -> redis.sendPipeline(node, owner,
                            List.of(RedisCommands.evalRequest(Command.EVAL, script.body(), keys, args)),
                            RedisCommands.remaining(deadline)))
                    .map(replies -> replies.get(0));
        });
    }

    /**
     * The fence ({@code topology.lua}): trusts the data of the Redis whose owner is {@code signature} (a
     * Redis Cluster's masters, {@link ClusterTopology}; one server's identity, {@link ServerIdentity}); when
     * another signature is stored, every cache generation moves on to at least {@code floors}, never back.
     * Answers the cache generations, in the order of {@code generationKeys}, and what it did.
     */
    public Uni<Fenced> fence(String signature, List<String> generationKeys, List<Long> floors) {
        List<String> keys = new ArrayList<>();
        keys.add(CacheKey.topologyKey());
        keys.addAll(generationKeys);
        List<String> args = new ArrayList<>();
        args.add(signature);
        floors.forEach(f -> args.add(Long.toString(f)));
        return redis.eval(TOPOLOGY, keys, args).map(reply -> {
            List<Long> generations = new ArrayList<>(generationKeys.size());
            for (int i = 0; i < generationKeys.size(); i++) {
                generations.add(reply.get(i).toLong());
            }
            int change = reply.size() > generationKeys.size() ? reply.get(generationKeys.size()).toInteger() : 0;
            return new Fenced(generations, change == 1, change == 2);
        });
    }

    /**
     * What {@link #reconcileTopology} did: the cache generations now; {@code fenced} when another signature
     * was stored (every generation moved on), {@code fresh} when none was (an empty or flushed Redis).
     */
    public record Fenced(List<Long> generations, boolean fenced, boolean fresh) {
    }

    /** True when the value landed; false when an invalidation overtook the fill. */
    public Uni<Boolean> fill(CacheKey key, String leaseToken, byte[] entry, long ttlMillis) {
        return redis.eval(FILL, List.of(key.redisKey(), key.groupGenerationKey(), key.leaseKey()),
                List.of(leaseToken, entry, ttlMillis)).map(r -> r.toLong() == 1L);
    }

    /**
     * Applies the operations (all of one group: one hash slot) and, when {@code channel} is not null,
     * publishes {@code message} in the same step; answers the number of receivers and the group generation
     * the script found.
     */
    public Uni<Written> write(String group, List<WriteOp> ops, String channel, String message) {
        List<String> keys = new ArrayList<>(1 + 2 * ops.size());
        keys.add(CacheKey.groupGenerationKey(group));
        List<Object> args = new ArrayList<>(2 + 3 * ops.size());
        args.add(channel == null ? "" : channel);
        args.add(message == null ? "" : message);
        for (WriteOp op : ops) {
            keys.add(op.key().redisKey());
            keys.add(op.key().leaseKey());
            if (op.entry() == null) {
                args.addAll(List.of("d", "", 0));
            } else {
                args.addAll(List.of(op.currentGroupGeneration() ? "g" : "p", op.entry(), op.ttlMillis()));
            }
        }
        return redis.eval(WRITE, keys, args).map(r -> {
            boolean[] stored = new boolean[ops.size()];
            for (int i = 0; i < stored.length && i + 2 < r.size(); i++) {
                stored[i] = r.get(i + 2).toLong() == 1L;
            }
            return new Written(r.get(0).toLong(), Long.parseLong(r.get(1).toString()), stored);
        });
    }

    /** Deletes entries and their fill leases; the keys must share one hash slot (one group). */
    public Uni<Void> delete(List<CacheKey> keys) {
        Request del = Request.cmd(Command.DEL);
        for (CacheKey key : keys) {
            del.arg(key.redisKey()).arg(key.leaseKey());
        }
        return redis.send(del).replaceWithVoid();
    }

    /** Moves the generation counter {@code key} on (see {@link #GENERATION}); answers the new generation. */
    public Uni<Long> bumpGeneration(String key) {
        return redis.eval(GENERATION, List.of(key), List.of("bump")).map(Response::toLong);
    }

    /** The generation counter {@code key} now, started (see {@link #GENERATION}) when Redis has none. */
    public Uni<Long> currentGeneration(String key) {
        // A plain GET when the counter exists (always, but after a loss of Redis' data); the script starts it.
        return Uni.createFrom().deferred(() -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            return redis.send(Request.cmd(Command.GET).arg(key), timeout).chain(value -> {
                Long current = value == null ? null : parseCounter(value.toString());
                return current != null ? Uni.createFrom().item(current)
                        : redis.eval(GENERATION, List.of(key), List.of("current"), RedisCommands.remaining(deadline))
                                .map(Response::toLong);
            });
        });
    }

    private static Long parseCounter(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The current value of each counter, 0 for those that do not exist. */
    public Uni<List<Long>> counters(List<String> keys) {
        Request mget = Request.cmd(Command.MGET);
        keys.forEach(mget::arg);
        return redis.send(mget).map(r -> {
            List<Long> values = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                Response v = r.get(i);
                values.add(v == null ? 0L : Long.parseLong(v.toString()));
            }
            return values;
        });
    }

}

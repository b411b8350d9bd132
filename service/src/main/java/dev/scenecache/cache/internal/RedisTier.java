package dev.scenecache.cache.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * L2: every Redis command of the cache, each with a timeout and behind one {@link CircuitBreaker}.
 * A call that times out, fails, or finds the circuit open fails with {@link RedisUnavailable}; callers
 * then use the source. Never {@code KEYS}: every key is known, whole groups and caches are invalidated
 * by generation counters.
 */
@ApplicationScoped
public class RedisTier {

    /** Thrown when Redis cannot be used for a call right now. */
    public static final class RedisUnavailable extends RuntimeException {
        RedisUnavailable(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

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
    static final String READ = script("read");

    /**
     * Stores the value only while the reader's lease is still there (no invalidation since the read)
     * and the group generation in the value's header is still current (no group invalidation).
     */
    static final String FILL = script("fill");

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
    static final String WRITE = script("write");

    /**
     * Reads a generation counter, or moves it on to {@code max(current + 1, server clock in µs)}: never
     * back, even when Redis lost it, so a generation once passed is never current again.
     */
    static final String GENERATION = script("generation");

    /** Trusts a Redis Cluster topology, flushing L2 when a master changed (see {@link ClusterTopology}). */
    static final String TOPOLOGY = script("topology");

    /**
     * Refresh-ahead: takes the fill lease (only if no reload holds it) while the entry is still the one
     * the caller saw; answers the entry instead when it has been refreshed or written since.
     */
    static final String REFRESH = script("refresh");

    /**
     * One operation of a {@link #WRITE}: delete the entry (no {@code entry}), or put it if it is newer;
     * with {@code currentGroupGeneration}, the script first stamps the entry with the group generation
     * it finds (for entries whose writer could not read it: tombstones and version floors).
     */
    public record WriteOp(CacheKey key, byte[] entry, long ttlMillis, boolean currentGroupGeneration, L1Tier.Entry l1) {
        public WriteOp(CacheKey key, byte[] entry, long ttlMillis, boolean currentGroupGeneration) {
            this(key, entry, ttlMillis, currentGroupGeneration, null);
        }

        public WriteOp(CacheKey key, byte[] entry, long ttlMillis) {
            this(key, entry, ttlMillis, false, null);
        }

        public static WriteOp delete(CacheKey key) {
            return new WriteOp(key, null, 0);
        }
    }

    private static final String READ_SHA = sha1(READ);
    private static final String FILL_SHA = sha1(FILL);
    private static final String WRITE_SHA = sha1(WRITE);
    private static final String GENERATION_SHA = sha1(GENERATION);
    private static final String TOPOLOGY_SHA = sha1(TOPOLOGY);
    private static final String REFRESH_SHA = sha1(REFRESH);

    /** A token bucket of upstream AI calls shared by every instance (see {@code ai.SpendLimits}). */
    static final String SPEND = script("spend");
    private static final String SPEND_SHA = sha1(SPEND);
    static final String SEMANTIC = script("semantic");
    private static final String SEMANTIC_SHA = sha1(SEMANTIC);

    private final Redis redis;
    private final Duration timeout;
    private final long leaseMillis;
    /** One Redis: the breaker of every command. Redis Cluster: one per node ({@link #breakerOf}); this one stays closed. */
    private final CircuitBreaker breaker;
    private final java.util.concurrent.ConcurrentHashMap<String, CircuitBreaker> nodeBreakers = new java.util.concurrent.ConcurrentHashMap<>();
    private final int failureThreshold;
    private final long openNanos;
    private final AtomicLong commands = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile String lastFailure;
    private final Timer roundTrips;
    private final ReadBatcher batcher;
    private final ClusterTopology topology;
    private final ClusterRouter router;

    /**
     * @param redis the Quarkus client: one Redis (on Redis Cluster, {@code router} sends every command)
     */
    public RedisTier(Redis redis, CacheConfig config, MeterRegistry registry, ClusterTopology topology,
            ClusterRouter router) {
        this.redis = redis;
        this.topology = topology;
        this.router = router;
        this.roundTrips = Timer.builder("cache.redis.latency")
                .description("Round-trip time of the Redis commands that answered")
                .publishPercentiles(0.5, 0.99)
                .distributionStatisticExpiry(Duration.ofMinutes(1))
                .register(registry);
        this.timeout = config.redis().timeout();
        this.leaseMillis = config.redis().leaseTtl().toMillis();
        this.failureThreshold = config.redis().failureThreshold();
        this.openNanos = config.redis().openFor().toNanos();
        this.breaker = new CircuitBreaker(config.redis().failureThreshold(), config.redis().openFor().toNanos(),
                System::nanoTime);
        DistributionSummary batchSizes = DistributionSummary.builder("cache.redis.read.batch")
                .description("Reads answered by each batched round trip of L2 hit checks")
                .register(registry);
        this.batcher = new ReadBatcher(this::send, this::sendPipeline, topology, config.redis().batchReads(),
                batchSizes::record);
    }

    public CircuitBreaker breaker() {
        return breaker;
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
                        : readOrLease(key, cacheGeneration, leaseToken, now, masters, remaining(deadline));
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
        Uni<Response> reply = topology.enabled() ? scriptOnTrustedMaster(READ_SHA, READ, keys, args, masters, within)
                : script(READ_SHA, READ, keys, args, within);
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
                ? scriptOnTrustedMaster(REFRESH_SHA, REFRESH, keys, args, topology.trusted(), timeout)
                : script(REFRESH_SHA, REFRESH, keys, args, timeout);
        return reply.map(r -> r.type() == ResponseType.NUMBER
                ? (r.toLong() >= 0 ? new RefreshResult(r.toLong(), null) : RefreshResult.NOTHING)
                : new RefreshResult(-1, r.toBytes()));
    }

    /**
     * Redis Cluster: the script on a connection to the master this instance trusts for the keys' slot,
     * proven by its {@code CLUSTER MYID} ({@link ClusterTopology}, {@link ClusterRouter#pipelineOn}).
     */
    private Uni<Response> scriptOnTrustedMaster(String sha, String body, List<String> keys, List<String> args,
            ClusterTopology.View masters, Duration within) {
        return Uni.createFrom().deferred(() -> {
            int slot = HashSlot.of(keys.get(0));
            String owner = masters == null ? null : masters.owner(slot);
            if (owner == null || topology.trusted() != masters) {
                return Uni.createFrom().failure(new RedisUnavailable("masters changed since the read started", null));
            }
            java.net.URI node = masters.address(slot);
            long deadline = System.nanoTime() + within.toNanos();
            return sendPipeline(node, owner, List.of(evalRequest(Command.EVALSHA, sha, keys, args)), within)
                    .onFailure(RedisTier::isNoScript)
                    .recoverWithUni(() -> sendPipeline(node, owner, List.of(evalRequest(Command.EVAL, body, keys, args)),
                            remaining(deadline)))
                    .map(replies -> replies.get(0));
        });
    }

    /**
     * Redis Cluster: trusts a topology whose signature is {@code signature}; when it is not the one
     * reconciled last, every cache generation moves on to at least {@code floors} (see
     * {@link ClusterTopology}). Answers the cache generations, in the order of {@code generationKeys}.
     */
    public Uni<List<Long>> reconcileTopology(String signature, List<String> generationKeys, List<Long> floors) {
        List<String> keys = new ArrayList<>();
        keys.add(CacheKey.topologyKey());
        keys.addAll(generationKeys);
        List<String> args = new ArrayList<>();
        args.add(signature);
        floors.forEach(f -> args.add(Long.toString(f)));
        return script(TOPOLOGY_SHA, TOPOLOGY, keys, args).map(reply -> {
            List<Long> generations = new ArrayList<>(generationKeys.size());
            reply.forEach(g -> generations.add(g.toLong()));
            return generations;
        });
    }

    /**
     * Takes one token from the bucket at {@code key} (refilled at {@code perMinute} a minute, holding at
     * most that many); answers 0, or the ms until a token is there (none taken).
     */
    public Uni<Long> takeToken(String key, int perMinute) {
        return script(SPEND_SHA, SPEND, List.of(key), List.of(Integer.toString(perMinute))).map(Response::toLong);
    }

    /**
     * Puts {@code record} first in the semantic index at {@code key} ({@code semantic.lua}): an older record
     * of the same decision is dropped, and those beyond {@code keep}; the index lives {@code ttlMillis}.
     */
    public Uni<Long> semanticAdd(String key, byte[] record, int keep, long ttlMillis) {
        java.util.function.Function<Command, Request> build = command -> Request.cmd(command)
                .arg(command == Command.EVALSHA ? SEMANTIC_SHA : SEMANTIC).arg(1).arg(key).arg(record)
                .arg(record.length).arg(keep).arg(ttlMillis);
        return withScriptFallback(build.apply(Command.EVALSHA), () -> build.apply(Command.EVAL)).map(Response::toLong);
    }

    /** True when the value landed; false when an invalidation overtook the fill. */
    public Uni<Boolean> fill(CacheKey key, String leaseToken, byte[] entry, long ttlMillis) {
        Request request = Request.cmd(Command.EVALSHA).arg(FILL_SHA).arg(3)
                .arg(key.redisKey()).arg(key.groupGenerationKey()).arg(key.leaseKey())
                .arg(leaseToken).arg(entry).arg(ttlMillis);
        return withScriptFallback(request, () -> Request.cmd(Command.EVAL).arg(FILL).arg(3)
                .arg(key.redisKey()).arg(key.groupGenerationKey()).arg(key.leaseKey())
                .arg(leaseToken).arg(entry).arg(ttlMillis))
                .map(r -> r.toLong() == 1L);
    }

    /**
     * What a {@link #WRITE} answers: the publication's receivers (0 without one), the group's generation, and
     * for each operation whether it stored its value (a put that found no newer version and whose group
     * generation was current; never a delete, a floor or a tombstone).
     */
    public record Written(long receivers, long groupGeneration, boolean[] stored) {
    }

    /**
     * Applies the operations (all of one group: one hash slot) and, when {@code channel} is not null,
     * publishes {@code message} in the same step; answers the number of receivers and the group generation
     * the script found.
     */
    public Uni<Written> write(String group, List<WriteOp> ops, String channel, String message) {
        java.util.function.Function<Command, Request> build = command -> {
            Request request = Request.cmd(command).arg(command == Command.EVALSHA ? WRITE_SHA : WRITE)
                    .arg(1 + 2 * ops.size()).arg(CacheKey.groupGenerationKey(group));
            for (WriteOp op : ops) {
                request.arg(op.key().redisKey()).arg(op.key().leaseKey());
            }
            request.arg(channel == null ? "" : channel).arg(message == null ? "" : message);
            for (WriteOp op : ops) {
                if (op.entry() == null) {
                    request.arg("d").arg("").arg(0);
                } else {
                    request.arg(op.currentGroupGeneration() ? "g" : "p").arg(op.entry()).arg(op.ttlMillis());
                }
            }
            return request;
        };
        return withScriptFallback(build.apply(Command.EVALSHA), () -> build.apply(Command.EVAL))
                .map(r -> {
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
        return send(del).replaceWithVoid();
    }

    /** Moves the generation counter {@code key} on (see {@link #GENERATION}); answers the new generation. */
    public Uni<Long> bumpGeneration(String key) {
        return script(GENERATION_SHA, GENERATION, List.of(key), List.of("bump")).map(Response::toLong);
    }

    /** The generation counter {@code key} now, started (see {@link #GENERATION}) when Redis has none. */
    public Uni<Long> currentGeneration(String key) {
        // A plain GET when the counter exists (always, but after a loss of Redis' data); the script starts it.
        return Uni.createFrom().deferred(() -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            return send(Request.cmd(Command.GET).arg(key), timeout).chain(value -> {
                Long current = value == null ? null : parseCounter(value.toString());
                return current != null ? Uni.createFrom().item(current)
                        : script(GENERATION_SHA, GENERATION, List.of(key), List.of("current"), remaining(deadline))
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
        return send(mget).map(r -> {
            List<Long> values = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                Response v = r.get(i);
                values.add(v == null ? 0L : Long.parseLong(v.toString()));
            }
            return values;
        });
    }

    /**
     * A keyless command for each node of the deployment (every node of a cluster, replicas included, as
     * the last topology poll lists them), each guarded as any command; a node's failure is its answer.
     */
    public Uni<List<Uni<Response>>> toEveryNode(Request request) {
        if (!topology.enabled()) {
            return Uni.createFrom().item(List.of(send(request)));
        }
        Uni<List<java.net.URI>> nodes = topology.lastPolled() != null ? Uni.createFrom().item(topology.nodes())
                : topology.poll(router).map(view -> topology.nodes()).onFailure().recoverWithItem(topology::nodes);
        return nodes.map(list -> list.stream()
                .map(node -> guarded(breakerOf(node), () -> router.sendTo(node, request), timeout).memoize().indefinitely())
                .toList());
    }

    public Uni<Response> publish(String channel, String message) {
        return send(Request.cmd(Command.PUBLISH).arg(channel).arg(message));
    }

    /** One command, bounded by the timeout and guarded by the circuit breaker. */
    public Uni<Response> send(Request request) {
        return send(request, timeout);
    }

    private Uni<Response> send(Request request, Duration timeout) {
        if (!topology.enabled()) {
            return guarded(breaker, () -> redis.send(request), timeout);
        }
        return Uni.createFrom().deferred(() -> {
            java.net.URI node = router.target(slotOf(request));
            return guarded(breakerOf(node), () -> router.sendTo(node, request), timeout);
        });
    }

    /**
     * Redis Cluster: the circuit breaker of one node, so that a dead or stalled node fails fast for its
     * own slots only (one breaker for the whole cluster would send every slot to the source, and keep
     * the writes to healthy masters out of Redis, while one node is down). Bounded by the nodes.
     */
    private CircuitBreaker breakerOf(java.net.URI node) {
        return nodeBreakers.computeIfAbsent(node.toString(), n -> new CircuitBreaker(failureThreshold, openNanos,
                System::nanoTime));
    }

    /** Redis Cluster: the nodes whose circuit is open or half-open now (host:port). */
    public List<String> unreachableNodes() {
        List<String> nodes = new ArrayList<>();
        nodeBreakers.forEach((node, b) -> {
            if (b.state() != CircuitBreaker.State.CLOSED) {
                java.net.URI uri = java.net.URI.create(node);
                nodes.add(uri.getHost() + ":" + uri.getPort());
            }
        });
        return nodes;
    }

    /**
     * Redis Cluster: several commands in one pipeline to {@code node} (the master this instance trusts
     * for their slots), bounded by the timeout and guarded by the circuit breaker as one command. A
     * command there whose slot has moved answers a redirection, an error reply.
     */
    Uni<List<Response>> sendPipeline(java.net.URI node, String nodeId, List<Request> requests, Duration timeout) {
        return guarded(breakerOf(node), () -> {
            requests.forEach(RedisTier::slotOf); // each command in one slot
            return router.pipelineOn(node, nodeId, requests);
        }, timeout).onFailure().invoke(f -> {
            // A redirection, a dead node: whatever it is, look at the topology now.
            topology.suspect();
        }).onFailure(RedisTier::isSlotMapMismatch)
                .transform(f -> new RedisUnavailable("slot map changed: " + f.getMessage(), f));
    }

    /**
     * Redis Cluster: the one hash slot of the command's keys, -1 for a keyless command; a command whose
     * keys are in several slots is a bug of ours (Redis would refuse it) and fails.
     */
    private static int slotOf(Request request) {
        if (!(request.getDelegate() instanceof io.vertx.redis.client.impl.RequestImpl impl)) {
            throw new IllegalStateException("Unknown request type " + request.getDelegate().getClass());
        }
        int slot = -1;
        for (byte[] key : impl.keys()) {
            int keySlot = HashSlot.of(key);
            if (slot >= 0 && keySlot != slot) {
                throw new IllegalStateException("Cross-slot Redis command " + request.command() + ": slots " + slot
                        + " and " + keySlot);
            }
            slot = keySlot;
        }
        return slot;
    }

    /**
     * A redirection (the slot moved since the last topology poll), or another node than the trusted one
     * at its address: not a failure of Redis.
     */
    private static boolean isSlotMapMismatch(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        return isCommandError(failure) && (message.contains("MOVED ") || message.contains("ASK "))
                || failure instanceof ClusterRouter.NotTheTrustedNode
                || failure.getCause() instanceof ClusterRouter.NotTheTrustedNode;
    }

    /**
     * Why Redis failed last, for the health reasons: the innermost cause (a refused connection, a
     * certificate that does not verify, a wrong password: Redis' own error, which never repeats it).
     */
    public String lastFailure() {
        return lastFailure;
    }

    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null || root.getMessage().isBlank() ? root.getClass().getSimpleName()
                : root.getMessage();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private <T> Uni<T> guarded(CircuitBreaker breaker, java.util.function.Supplier<Uni<T>> call, Duration timeout) {
        return Uni.createFrom().deferred(() -> {
            if (!breaker.allow()) {
                return Uni.createFrom().failure(new RedisUnavailable("circuit open", null));
            }
            long start = System.nanoTime();
            commands.incrementAndGet();
            java.util.concurrent.Executor caller = CallerContext.current();
            return call.get()
                    .ifNoItem().after(timeout).failWith(() -> new TimeoutException("Redis did not answer in " + timeout))
                    .onItemOrFailure().invoke((item, failure) -> {
                        if (failure == null || isCommandError(failure) || isSlotMapMismatch(failure)) {
                            breaker.onSuccess();
                            roundTrips.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                        } else {
                            failures.incrementAndGet();
                            lastFailure = describe(failure);
                            breaker.onFailure();
                        }
                    })
                    .onFailure(f -> !isCommandError(f)).transform(f -> new RedisUnavailable(f.toString(), f))
                    .emitOn(caller);
        });
    }

    private Uni<Response> script(String sha, String body, List<String> keys, List<String> args) {
        return script(sha, body, keys, args, timeout);
    }

    /** The script by its SHA, or by its body once when Redis does not know it; both within {@code within}. */
    private Uni<Response> script(String sha, String body, List<String> keys, List<String> args, Duration within) {
        return withScriptFallback(evalRequest(Command.EVALSHA, sha, keys, args),
                () -> evalRequest(Command.EVAL, body, keys, args), within);
    }

    /** What is left until {@code deadline} (a millisecond at least: a send needs some time to fail cleanly). */
    static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    /** EVALSHA, and EVAL once when Redis does not know the script yet (restarted, flushed). */
    private Uni<Response> withScriptFallback(Request evalsha, java.util.function.Supplier<Request> eval) {
        return withScriptFallback(evalsha, eval, timeout);
    }

    /** EVALSHA, and EVAL once when Redis does not know the script yet (restarted, flushed); both within {@code within}. */
    private Uni<Response> withScriptFallback(Request evalsha, java.util.function.Supplier<Request> eval, Duration within) {
        return Uni.createFrom().deferred(() -> {
            long deadline = System.nanoTime() + within.toNanos();
            return send(evalsha, within).onFailure(RedisTier::isNoScript)
                    .recoverWithUni(() -> send(eval.get(), remaining(deadline)));
        });
    }

    /** NOSCRIPT, alone or in a pipeline's error ("ERR [0] NOSCRIPT ..."). */
    private static boolean isNoScript(Throwable failure) {
        return isCommandError(failure) && String.valueOf(failure.getMessage()).contains("NOSCRIPT");
    }

    private static Request evalRequest(Command command, String script, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return request;
    }

    /** An error reply (NOSCRIPT, WRONGTYPE, ...) means Redis is up: it does not count against the circuit. */
    private static boolean isCommandError(Throwable failure) {
        return failure instanceof io.vertx.redis.client.impl.types.ErrorType;
    }

    public long commands() {
        return commands.get();
    }

    public long failures() {
        return failures.get();
    }

    /** A Lua script of {@code src/main/resources/lua/}. */
    private static String script(String name) {
        try (var in = RedisTier.class.getResourceAsStream("/lua/" + name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("Missing Lua script " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.scenecache.cache.redis;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.LuaScript;
import dev.scenecache.cache.redis.cluster.ClusterRouter;
import dev.scenecache.cache.redis.cluster.ClusterTopology;
import dev.scenecache.cache.redis.cluster.HashSlot;
import dev.scenecache.common.CallerContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.impl.RequestImpl;
import io.vertx.redis.client.impl.types.ErrorType;

/**
 * The wire: every Redis command of the service, each bounded by a timeout and guarded by a
 * {@link CircuitBreaker} (one for one Redis; one per node on Redis Cluster, so that a dead node fails
 * fast for its own slots only). A call that times out, fails, or finds the circuit open fails with
 * {@link RedisUnavailable}; an error reply (NOSCRIPT, WRONGTYPE, a redirection) means Redis is up and does
 * not count against the circuit. Scripts run by SHA and once by body when Redis does not know them.
 * Never {@code KEYS}.
 */
@ApplicationScoped
public class RedisCommands {

    private final Redis redis;
    private final Duration timeout;
    /** One Redis: the breaker of every command. Redis Cluster: one per node ({@link #breakerOf}); this one stays closed. */
    private final CircuitBreaker breaker;
    private final ConcurrentHashMap<String, CircuitBreaker> nodeBreakers = new ConcurrentHashMap<>();
    private final int failureThreshold;
    private final long openNanos;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile String lastFailure;
    private final Timer roundTrips;
    private final ClusterTopology topology;
    private final ClusterRouter router;

    /**
     * @param redis the Quarkus client: one Redis (on Redis Cluster, {@code router} sends every command)
     */
    public RedisCommands(Redis redis, CacheConfig config, MeterRegistry registry, ClusterTopology topology,
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
        this.failureThreshold = config.redis().failureThreshold();
        this.openNanos = config.redis().openFor().toNanos();
        this.breaker = new CircuitBreaker(failureThreshold, openNanos, System::nanoTime);
    }

    /** The circuit of one Redis (on Redis Cluster, the nodes' own: {@link #unreachableNodes}). */
    public CircuitBreaker breaker() {
        return breaker;
    }

    /** The timeout of every command ({@code CACHE_REDIS_TIMEOUT}). */
    public Duration timeout() {
        return timeout;
    }

    /** One command, bounded by the timeout and guarded by the circuit breaker. */
    public Uni<Response> send(Request request) {
        return send(request, timeout);
    }

    Uni<Response> send(Request request, Duration timeout) {
        if (!topology.enabled()) {
            return guarded(breaker, () -> redis.send(request), timeout);
        }
        return Uni.createFrom().deferred(() -> {
            URI node = router.target(slotOf(request));
            return guarded(breakerOf(node), () -> router.sendTo(node, request), timeout);
        });
    }

    /**
     * Redis Cluster: the circuit breaker of one node, so that a dead or stalled node fails fast for its
     * own slots only (one breaker for the whole cluster would send every slot to the source, and keep
     * the writes to healthy masters out of Redis, while one node is down). Bounded by the nodes.
     */
    private CircuitBreaker breakerOf(URI node) {
        return nodeBreakers.computeIfAbsent(node.toString(), n -> new CircuitBreaker(failureThreshold, openNanos,
                System::nanoTime));
    }

    /** Redis Cluster: the nodes whose circuit is open or half-open now (host:port). */
    public List<String> unreachableNodes() {
        List<String> nodes = new ArrayList<>();
        nodeBreakers.forEach((node, b) -> {
            if (b.state() != CircuitBreaker.State.CLOSED) {
                URI uri = URI.create(node);
                nodes.add(uri.getHost() + ":" + uri.getPort());
            }
        });
        return nodes;
    }

    /**
     * A keyless command for each node of the deployment (every node of a cluster, replicas included, as
     * the last topology poll lists them), each guarded as any command; a node's failure is its answer.
     */
    public Uni<List<Uni<Response>>> toEveryNode(Request request) {
        if (!topology.enabled()) {
            return Uni.createFrom().item(List.of(send(request)));
        }
        Uni<List<URI>> nodes = topology.lastPolled() != null ? Uni.createFrom().item(topology.nodes())
                : topology.poll(router).map(view -> topology.nodes()).onFailure().recoverWithItem(topology::nodes);
        return nodes.map(list -> list.stream()
                .map(node -> guarded(breakerOf(node), () -> router.sendTo(node, request), timeout).memoize().indefinitely())
                .toList());
    }

    public Uni<Response> publish(String channel, String message) {
        return send(Request.cmd(Command.PUBLISH).arg(channel).arg(message));
    }

    /**
     * Redis Cluster: several commands in one pipeline to {@code node} (the master this instance trusts
     * for their slots), bounded by the timeout and guarded by the circuit breaker as one command. A
     * command there whose slot has moved answers a redirection, an error reply.
     */
    Uni<List<Response>> sendPipeline(URI node, String nodeId, List<Request> requests, Duration timeout) {
        return guarded(breakerOf(node), () -> {
            requests.forEach(RedisCommands::slotOf); // each command in one slot
            return router.pipelineOn(node, nodeId, requests);
        }, timeout).onFailure().invoke(f -> {
            // A redirection, a dead node: whatever it is, look at the topology now.
            topology.suspect();
        }).onFailure(RedisCommands::isSlotMapMismatch)
                .transform(f -> new RedisUnavailable("slot map changed: " + f.getMessage(), f));
    }

    /**
     * Redis Cluster: the one hash slot of the command's keys, -1 for a keyless command; a command whose
     * keys are in several slots is a bug of ours (Redis would refuse it) and fails.
     */
    private static int slotOf(Request request) {
        if (!(request.getDelegate() instanceof RequestImpl impl)) {
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

    private <T> Uni<T> guarded(CircuitBreaker breaker, Supplier<Uni<T>> call, Duration timeout) {
        return Uni.createFrom().deferred(() -> {
            if (!breaker.allow()) {
                return Uni.createFrom().failure(new RedisUnavailable("circuit open", null));
            }
            long start = System.nanoTime();
            sent.incrementAndGet();
            Executor caller = CallerContext.current();
            return call.get()
                    .ifNoItem().after(timeout).failWith(() -> new TimeoutException("Redis did not answer in " + timeout))
                    .onItemOrFailure().invoke((item, failure) -> {
                        if (failure == null || isCommandError(failure) || isSlotMapMismatch(failure)) {
                            breaker.onSuccess();
                            roundTrips.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                        } else {
                            failed.incrementAndGet();
                            lastFailure = describe(failure);
                            breaker.onFailure();
                        }
                    })
                    .onFailure(f -> !isCommandError(f)).transform(f -> new RedisUnavailable(f.toString(), f))
                    .emitOn(caller);
        });
    }

    /**
     * Runs {@code script} with its keys (one hash slot) and arguments ({@code String}, {@code byte[]} or a
     * number each), within the timeout.
     */
    public Uni<Response> eval(LuaScript script, List<String> keys, List<?> args) {
        return eval(script, keys, args, timeout);
    }

    /** The script by its SHA, or by its body once when Redis does not know it; both within {@code within}. */
    public Uni<Response> eval(LuaScript script, List<String> keys, List<?> args, Duration within) {
        return withScriptFallback(evalRequest(Command.EVALSHA, script.sha(), keys, args),
                () -> evalRequest(Command.EVAL, script.body(), keys, args), within);
    }

    /** What is left until {@code deadline} (a millisecond at least: a send needs some time to fail cleanly). */
    static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    /** EVALSHA, and EVAL once when Redis does not know the script yet (restarted, flushed); both within {@code within}. */
    private Uni<Response> withScriptFallback(Request evalsha, Supplier<Request> eval, Duration within) {
        return Uni.createFrom().deferred(() -> {
            long deadline = System.nanoTime() + within.toNanos();
            return send(evalsha, within).onFailure(RedisCommands::isNoScript)
                    .recoverWithUni(() -> send(eval.get(), remaining(deadline)));
        });
    }

    /** NOSCRIPT, alone or in a pipeline's error ("ERR [0] NOSCRIPT ..."). */
    static boolean isNoScript(Throwable failure) {
        return isCommandError(failure) && String.valueOf(failure.getMessage()).contains("NOSCRIPT");
    }

    static Request evalRequest(Command command, String script, List<String> keys, List<?> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        keys.forEach(request::arg);
        for (Object arg : args) {
            if (arg instanceof byte[] bytes) {
                request.arg(bytes);
            } else if (arg instanceof Number number) {
                request.arg(number.longValue());
            } else {
                request.arg(String.valueOf(arg));
            }
        }
        return request;
    }

    /** An error reply (NOSCRIPT, WRONGTYPE, ...) means Redis is up: it does not count against the circuit. */
    private static boolean isCommandError(Throwable failure) {
        return failure instanceof ErrorType;
    }

    /** Commands sent (every attempt, answered or not). */
    public long sent() {
        return sent.get();
    }

    /** Commands that failed (timeouts, refused connections; not error replies). */
    public long failed() {
        return failed.get();
    }
}

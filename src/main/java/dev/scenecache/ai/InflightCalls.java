package dev.scenecache.ai;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.scenecache.cache.SharedRedis;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * One upstream call for identical decisions in flight on several instances (on one instance, the
 * cache's single flight already shares the load).
 *
 * <p>
 * The first caller takes a lease in Redis ({@code SET <base>:f NX PX}), calls, hands the answer over
 * in {@code <base>:r} (30 s) and drops the lease. A caller that finds the lease taken polls for the
 * handover every 50 ms until {@code ai.inflight-wait}, then calls itself: a crashed or slow instance
 * delays the others, never blocks them. Failures are not handed over (never cached): the waiters then
 * call themselves. Without Redis, everyone calls.
 */
@ApplicationScoped
public class InflightCalls {

    private static final Duration POLL = Duration.ofMillis(50);
    private static final long HANDOVER_MILLIS = 30_000;

    private final SharedRedis redis;
    private final ObjectMapper mapper;
    private final AiConfig config;

    public InflightCalls(SharedRedis redis, ObjectMapper mapper, AiConfig config) {
        this.redis = redis;
        this.mapper = mapper;
        this.config = config;
    }

    /** The answer, from {@code call} or from another instance's identical call; {@code mine[0]} says which. */
    public Uni<BrainAnswer> once(String base, Supplier<Uni<BrainAnswer>> call, boolean[] mine) {
        if (!redis.usable()) {
            mine[0] = true;
            return call.get();
        }
        String token = UUID.randomUUID().toString();
        long leaseMillis = config.timeout().toMillis() + 5_000;
        return redis.send(Request.cmd(Command.SET).arg(base + ":f").arg(token).arg("NX").arg("PX").arg(leaseMillis))
                .map(r -> r != null && "OK".equals(r.toString()))
                .onFailure().recoverWithItem(true)
                .chain(leader -> {
                    if (leader) {
                        mine[0] = true;
                        return call.get()
                                .call(answer -> handOver(base, answer))
                                .onTermination().call(() -> release(base));
                    }
                    long deadline = System.nanoTime() + config.inflightWait().toNanos();
                    return waitFor(base, deadline).chain(answer -> {
                        if (answer != null) {
                            mine[0] = false;
                            return Uni.createFrom().item(answer);
                        }
                        mine[0] = true;
                        return call.get();
                    });
                });
    }

    private Uni<BrainAnswer> waitFor(String base, long deadline) {
        return redis.send(Request.cmd(Command.GET).arg(base + ":r"))
                .onFailure().recoverWithNull()
                .chain(r -> {
                    BrainAnswer answer = decode(r);
                    if (answer != null) {
                        return Uni.createFrom().item(answer);
                    }
                    if (System.nanoTime() > deadline) {
                        return Uni.createFrom().nullItem();
                    }
                    return Uni.createFrom().voidItem().onItem().delayIt().by(POLL).chain(() -> waitFor(base, deadline));
                });
    }

    private Uni<Void> handOver(String base, BrainAnswer answer) {
        try {
            return redis.send(Request.cmd(Command.SET).arg(base + ":r").arg(mapper.writeValueAsBytes(answer)).arg("PX")
                    .arg(HANDOVER_MILLIS)).replaceWithVoid().onFailure().recoverWithNull();
        } catch (Exception e) {
            return Uni.createFrom().voidItem();
        }
    }

    private Uni<Void> release(String base) {
        return redis.send(Request.cmd(Command.DEL).arg(base + ":f")).replaceWithVoid().onFailure().recoverWithNull();
    }

    private BrainAnswer decode(Response r) {
        if (r == null) {
            return null;
        }
        try {
            return mapper.readValue(r.toBytes(), BrainAnswer.class);
        } catch (Exception e) {
            return null;
        }
    }
}

package dev.scenecache.cache.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.IntConsumer;

import dev.scenecache.cache.CacheKey;
import io.netty.util.concurrent.FastThreadLocal;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Coalesces the hit checks of L2 reads ({@code MGET entry group-generation}) that the requests of one
 * event loop start during one turn of that loop into one {@code MGET} of all their pairs: one round
 * trip, one command for Redis to parse and one reply to write, instead of one each. Under load an event
 * loop picks up several requests per turn, so most of the per-command cost (system calls on both sides,
 * the client's pool and promise) is shared; with a single request in flight, the batch is that request.
 *
 * <p>
 * Invariants:
 * <ul>
 * <li><b>Same answer as alone.</b> Reader {@code i} gets the values at {@code 2i} and {@code 2i + 1}; one
 * {@code MGET} is atomic in Redis, so each pair is as consistent as in a command of its own.</li>
 * <li><b>No fresher write missed.</b> The batch is sent in the same turn of the loop as its reads
 * started (or at once when full), after them: it sees every write acknowledged before any of them
 * started.</li>
 * <li><b>No longer wait.</b> The batch's timeout is what is left of its earliest reader's timeout, so no
 * reader waits for Redis longer than when alone; a failure or timeout fails every reader of the
 * batch (each then goes to the source, as alone) and counts once against the circuit breaker.</li>
 * <li><b>Bounded.</b> At most {@value #MAX_READS} reads per batch; a full batch is sent at once.</li>
 * <li><b>Event loops only.</b> A batch lives in its event loop's thread and is only touched there; reads
 * from other threads (workers, no Vert.x context) are sent alone.</li>
 * <li><b>Not on Redis Cluster.</b> The keys of one batch may hash to several slots; the cluster client
 * splits such an {@code MGET} and older versions of it did not keep the replies in order. The
 * service sends every read alone there ({@code quarkus.redis.client-type=cluster}).</li>
 * </ul>
 * Hand-written: the reactive Redis client has no automatic batching (Lettuce's auto-batching is for its
 * own client; Vert.x flushes every command).
 */
final class ReadBatcher {

    static final int MAX_READS = 64;

    /** Sends one request within a timeout (the tier's guarded send). */
    private final BiFunction<Request, Duration, Uni<Response>> send;
    private final boolean enabled;
    /** Told the number of reads of every batch sent. */
    private final IntConsumer sizes;
    private final FastThreadLocal<Batch> batches = new FastThreadLocal<>() {
        @Override
        protected Batch initialValue() {
            return new Batch();
        }
    };

    ReadBatcher(BiFunction<Request, Duration, Uni<Response>> send, boolean enabled, IntConsumer sizes) {
        this.send = send;
        this.enabled = enabled;
        this.sizes = sizes;
    }

    /** The key's entry and its group generation (either may be null), read before {@code deadline}. */
    Uni<Response[]> read(CacheKey key, long deadline) {
        return Uni.createFrom().deferred(() -> {
            Context context = Vertx.currentContext();
            if (!enabled || context == null || !context.isEventLoopContext() || !Context.isOnEventLoopThread()) {
                return send.apply(pair(key), RedisTier.remaining(deadline)).map(r -> new Response[] { r.get(0), r.get(1) });
            }
            return Uni.createFrom().<Response[]> emitter(
                    emitter -> batches.get().add(new Pending(key, deadline, CallerContext.current(), emitter), context));
        });
    }

    private static Request pair(CacheKey key) {
        return Request.cmd(Command.MGET).arg(key.redisKey()).arg(key.groupGenerationKey());
    }

    private record Pending(CacheKey key, long deadline, Executor caller, UniEmitter<? super Response[]> emitter) {
        void complete(Response entry, Response generation) {
            caller.execute(() -> emitter.complete(new Response[] { entry, generation }));
        }

        void fail(Throwable failure) {
            caller.execute(() -> emitter.fail(failure));
        }
    }

    /** The reads one event loop has started and not yet sent; used only by that loop's thread. */
    private final class Batch {
        private List<Pending> reads = new ArrayList<>();
        private boolean flushScheduled;

        void add(Pending read, Context context) {
            reads.add(read);
            if (reads.size() >= MAX_READS) {
                flush();
            } else if (!flushScheduled) {
                flushScheduled = true;
                // Runs after the loop has handled the I/O of this turn: the reads of the other requests
                // it picked up join this batch.
                context.runOnContext(v -> {
                    flushScheduled = false;
                    flush();
                });
            }
        }

        private void flush() {
            if (reads.isEmpty()) {
                return;
            }
            List<Pending> sent = reads;
            reads = new ArrayList<>();
            Request mget = Request.cmd(Command.MGET);
            long earliest = Long.MAX_VALUE;
            for (Pending read : sent) {
                mget.arg(read.key().redisKey()).arg(read.key().groupGenerationKey());
                earliest = Math.min(earliest, read.deadline());
            }
            sizes.accept(sent.size());
            send.apply(mget, RedisTier.remaining(earliest)).subscribe().with(
                    values -> {
                        for (int i = 0; i < sent.size(); i++) {
                            Pending read = sent.get(i);
                            try {
                                read.complete(values.get(2 * i), values.get(2 * i + 1));
                            } catch (RuntimeException e) {
                                // A short reply, or a reader's continuation that threw: that reader fails
                                // (a no-op once completed), and the readers after it are still answered.
                                read.fail(e);
                            }
                        }
                    },
                    failure -> sent.forEach(read -> {
                        try {
                            read.fail(failure);
                        } catch (RuntimeException e) {
                            // Its continuation threw; the other readers are still told.
                        }
                    }));
        }
    }
}

package dev.scenecache.cache.redis;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.IntConsumer;

import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.redis.cluster.ClusterRouter;
import dev.scenecache.cache.redis.cluster.ClusterTopology;
import dev.scenecache.cache.redis.cluster.HashSlot;
import dev.scenecache.common.CallerContext;
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
 * <li><b>Never across slots on Redis Cluster.</b> A cross-slot {@code MGET} is refused by Redis, and
 * the cluster client of Vert.x 4.5 splits it without keeping the replies in key order
 * (vertx-redis-client #537). There a batch is one pipeline per node (the master this instance trusts
 * for the slots, {@link ClusterTopology}) of one {@code MGET} per hash slot, on a connection whose node
 * said its {@code CLUSTER MYID} when it was opened: when another node is at that address now (the slot
 * map moved under us), every read of that pipeline fails (each goes to the source) and the topology is
 * polled at once.</li>
 * </ul>
 * Hand-written: the reactive Redis client has no automatic batching (Lettuce's auto-batching is for its
 * own client; Vert.x flushes every command).
 */
final class ReadBatcher {

    static final int MAX_READS = 64;

    /** Sends one request within a timeout (the tier's guarded send). */
    private final BiFunction<Request, Duration, Uni<Response>> send;
    /** Sends one pipeline within a timeout (the tier's guarded batch), for Redis Cluster. */
    private final PipelineSender sendPipeline;
    private final ClusterTopology topology;
    private final boolean enabled;
    /** Told the number of reads of every batch sent. */
    private final IntConsumer sizes;
    private final FastThreadLocal<Batch> batches = new FastThreadLocal<>() {
        @Override
        protected Batch initialValue() {
            return new Batch();
        }
    };

    ReadBatcher(BiFunction<Request, Duration, Uni<Response>> send,
            PipelineSender sendPipeline, ClusterTopology topology,
            boolean enabled, IntConsumer sizes) {
        this.send = send;
        this.sendPipeline = sendPipeline;
        this.topology = topology;
        this.enabled = enabled;
        this.sizes = sizes;
    }

    /** The key's entry and its group generation (either may be null), read before {@code deadline}. */
    Uni<Response[]> read(CacheKey key, long deadline, ClusterTopology.View masters) {
        return Uni.createFrom().deferred(() -> {
            Context context = Vertx.currentContext();
            boolean alone = !enabled || context == null || !context.isEventLoopContext() || !Context.isOnEventLoopThread();
            if (alone && !topology.enabled()) {
                return send.apply(pair(key), RedisCommands.remaining(deadline)).map(r -> new Response[] { r.get(0), r.get(1) });
            }
            return Uni.createFrom().<Response[]> emitter(emitter -> {
                Pending read = new Pending(key, topology.enabled() ? HashSlot.of(key.groupGenerationKey()) : -1, masters,
                        deadline, CallerContext.current(), emitter);
                if (alone) {
                    sendToNodes(List.of(read));
                } else {
                    batches.get().add(read, context);
                }
            });
        });
    }

    private static Request pair(CacheKey key) {
        return Request.cmd(Command.MGET).arg(key.redisKey()).arg(key.groupGenerationKey());
    }

    /** Sends one pipeline to one node within a timeout (the tier's guarded pipeline), for Redis Cluster. */
    interface PipelineSender {
        /** To {@code node}, whose {@code CLUSTER MYID} must be {@code nodeId}. */
        Uni<List<Response>> send(URI node, String nodeId, List<Request> requests, Duration timeout);
    }

    /** A read; on Redis Cluster with its slot and the masters trusted when it started. */
    private record Pending(CacheKey key, int slot, ClusterTopology.View masters, long deadline, Executor caller,
            UniEmitter<? super Response[]> emitter) {
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
            if (topology.enabled()) {
                sendToNodes(sent);
                return;
            }
            Request mget = Request.cmd(Command.MGET);
            long earliest = Long.MAX_VALUE;
            for (Pending read : sent) {
                mget.arg(read.key().redisKey()).arg(read.key().groupGenerationKey());
                earliest = Math.min(earliest, read.deadline());
            }
            sizes.accept(sent.size());
            send.apply(mget, RedisCommands.remaining(earliest)).subscribe().with(
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
                    failure -> failAll(sent, failure));
        }
    }

    private static void failAll(List<Pending> reads, Throwable failure) {
        for (Pending read : reads) {
            try {
                read.fail(failure);
            } catch (RuntimeException e) {
                // Its continuation threw; the other readers are still told.
            }
        }
    }

    /**
     * Redis Cluster: one pipeline per trusted master, of one {@code MGET} per slot, on a connection to the
     * node that proved to be that master ({@link ClusterRouter#pipelineOn}).
     */
    private void sendToNodes(List<Pending> sent) {
        Map<String, Map<Integer, List<Pending>>> byNode = new LinkedHashMap<>();
        ClusterTopology.View trusted = topology.trusted();
        for (Pending read : sent) {
            String owner = read.masters() == null ? null : read.masters().owner(read.slot());
            if (owner == null || read.masters() != trusted) {
                // Started under other masters (a failover was reconciled meanwhile): its generation may
                // be the old one, which the new masters' data must not be checked against.
                read.fail(new RedisUnavailable("masters changed since the read started", null));
                continue;
            }
            byNode.computeIfAbsent(owner, o -> new LinkedHashMap<>()).computeIfAbsent(read.slot(), s -> new ArrayList<>())
                    .add(read);
        }
        byNode.forEach((node, bySlot) -> {
            List<Request> pipeline = new ArrayList<>(bySlot.size() + 1);
            List<List<Pending>> groups = new ArrayList<>(bySlot.values());
            List<Pending> all = new ArrayList<>();
            long earliest = Long.MAX_VALUE;
            for (List<Pending> group : groups) {
                Request mget = Request.cmd(Command.MGET);
                for (Pending read : group) {
                    mget.arg(read.key().redisKey()).arg(read.key().groupGenerationKey());
                    earliest = Math.min(earliest, read.deadline());
                }
                pipeline.add(mget);
                all.addAll(group);
            }
            sizes.accept(all.size());
            URI address = trusted.addresses().get(node);
            if (address == null) {
                failAll(all, new RedisUnavailable("no address for master " + node, null));
                return;
            }
            sendPipeline.send(address, node, pipeline, RedisCommands.remaining(earliest)).subscribe().with(replies -> {
                for (int g = 0; g < groups.size(); g++) {
                    Response values = replies.get(g);
                    List<Pending> group = groups.get(g);
                    for (int i = 0; i < group.size(); i++) {
                        Pending read = group.get(i);
                        try {
                            read.complete(values.get(2 * i), values.get(2 * i + 1));
                        } catch (RuntimeException e) {
                            read.fail(e);
                        }
                    }
                }
            }, failure -> failAll(all, failure));
        });
    }
}

package dev.scenecache.cache.coherence;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.scenecache.cache.redis.RedisCommands;
import dev.scenecache.common.CallerContext;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * The acknowledgement protocol of invalidations. A message is {@code <instance>\t<seq>} followed by its
 * operations ({@link InvalidationOps}), one per line, published on {@value #CHANNEL}. Every receiver
 * applies it to its L1 first, then acknowledges on the sender's own channel ({@code sc:ack:<instance>})
 * with {@code <seq>\t<receiver>}; the sender acknowledges its own copy in process when its subscription
 * delivers it.
 *
 * <p>
 * <b>Whom a sender waits for.</b> Every live instance it knows, and at least as many as {@code PUBLISH}
 * counted. Every instance publishes a heartbeat on {@value #HEARTBEATS} every
 * {@code cache.coherence.heartbeat} and hears everybody's: the live instances are those heard within
 * {@code cache.coherence.fence-after}. On one Redis, {@code PUBLISH}'s count alone would do; on Redis
 * Cluster it counts only the subscribers of the node that ran it, so the membership is what makes the
 * wait complete there. A newcomer trusts its L1 only after it has heard its own heartbeat twice
 * ({@link InvalidationSubscription}): by then the others have heard it too and wait for it.
 *
 * <p>
 * The wait ends when every instance waited for has acknowledged or stopped being live (it died, or
 * cannot hear the channel and has fenced its L1), or at the ack timeout, which is longer than the fence
 * after which an instance that cannot hear the channel stops using its L1.
 */
final class Acknowledgements {

    static final String CHANNEL = "sc:inv";
    static final String ACK_PREFIX = "sc:ack:";
    static final String HEARTBEATS = "sc:hb";
    /** Head flag of a message whose operations its sender could not apply to Redis. */
    private static final String TO_REDIS = "r";
    private static final Logger LOG = Logger.getLogger(Acknowledgements.class);

    private final String instanceId;
    private final RedisCommands redis;
    private final Duration timeout;
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentHashMap<Long, AckWaiter> waiters = new ConcurrentHashMap<>();
    private final AtomicLong timeouts = new AtomicLong();
    private final Membership members;
    private final boolean countReceivers;
    /** PUBLISH of acknowledgements and broadcasts: through the subscription's node, else any node. */
    private volatile BiFunction<String, String, Uni<Long>> publisher;
    /** Applies operations to this instance's L1 (the writer's second pass, on Redis Cluster). */
    private volatile Consumer<List<String>> localPass = ops -> {
    };
    /** Whether this instance hears the channel now: only then does it know who is live. */
    private volatile BooleanSupplier hearing = () -> true;

    /**
     * @param liveFor an instance is live while its last heartbeat was heard within this
     * @param countReceivers whether {@code PUBLISH}'s count is the number of subscribers (one Redis), not
     *        only those of one node (Redis Cluster)
     */
    Acknowledgements(String instanceId, RedisCommands redis, Duration timeout, Duration liveFor, boolean countReceivers) {
        this.instanceId = instanceId;
        this.redis = redis;
        this.timeout = timeout;
        this.members = new Membership(instanceId, liveFor.toNanos());
        this.countReceivers = countReceivers;
        this.publisher = (channel, message) -> redis.publish(channel, message).map(Response::toLong);
    }

    /** How to apply operations to this instance's L1. */
    void applyLocallyWith(Consumer<List<String>> localPass) {
        this.localPass = localPass;
    }

    /** Tells whether this instance hears the channel now (its own heartbeat came back recently). */
    void hearingWith(BooleanSupplier hearing) {
        this.hearing = hearing;
    }

    /** Publishes acknowledgements and broadcasts with {@code publisher} from now on. */
    void publishWith(BiFunction<String, String, Uni<Long>> publisher) {
        this.publisher = publisher;
    }

    /** Who is out there (from the heartbeats). */
    Membership members() {
        return members;
    }

    /** The instances heard within the live window, this one included when it hears itself. */
    Set<String> live() {
        return members.live();
    }

    /**
     * Ends the waits for instances that are no longer live, reports those that went silent holding
     * invalidations, and forgets those silent for long (the membership stays bounded).
     */
    void forgetSilent() {
        Set<String> live = live();
        waiters.values().forEach(w -> w.retain(live));
        members.sweep();
    }

    /** The channel this instance's acknowledgements (and its own heartbeats) arrive on. */
    String ackChannel() {
        return ACK_PREFIX + instanceId;
    }

    long timeouts() {
        return timeouts.get();
    }

    /** Publishes the operations and waits for every receiver's acknowledgement, up to the ack timeout. */
    Uni<Void> broadcast(List<String> ops) {
        return broadcast(ops, publisher);
    }

    /**
     * Waits for the acknowledgements of a message that {@code publisher} publishes on {@code channel}
     * (it answers the number of receivers). The waiter is registered first: acknowledgements may
     * overtake the answer. The result is emitted on the caller's context.
     */
    Uni<Void> broadcast(List<String> ops, BiFunction<String, String, Uni<Long>> publisher) {
        return broadcast(ops, publisher, false, null);
    }

    /**
     * As {@link #broadcast(List, BiFunction)}, and runs {@code onOwnCopy} when this instance's own copy of the
     * message is applied to its L1 (one Redis only; on the subscription's thread, right after the second
     * pass and before any later message of the channel): invalidations of later writes come after it.
     */
    Uni<Void> broadcast(List<String> ops, BiFunction<String, String, Uni<Long>> publisher, Runnable onOwnCopy) {
        return broadcast(ops, publisher, false, onOwnCopy);
    }

    /**
     * Broadcasts invalidations that this instance could not apply to Redis: every receiver applies them
     * to Redis as well (it may reach the node this one could not, on Redis Cluster) before acknowledging.
     */
    Uni<Void> broadcastForRedis(List<String> ops) {
        return broadcast(ops, publisher, true, null);
    }

    /** Whether the writer's own copy comes back through its subscription (one Redis), see {@link #broadcast}. */
    boolean ownCopyReturns() {
        return countReceivers;
    }

    private Uni<Void> broadcast(List<String> ops, BiFunction<String, String, Uni<Long>> publisher, boolean toRedis,
            Runnable onOwnCopy) {
        long seq = sequence.incrementAndGet();
        // Without PUBLISH's count (Redis Cluster), who must acknowledge is known only while this instance
        // hears the heartbeats; when it does not, it waits the whole ack timeout: by then every instance
        // has either received the message or stopped using its L1.
        // On one Redis the writer also waits for its own copy (PUBLISH counts it): its arrival is the
        // second pass over the writer's L1. On Redis Cluster that copy crosses the cluster bus; the writer
        // makes the second pass itself when PUBLISH has run, and waits for the others only.
        Set<String> others = live();
        if (!countReceivers) {
            others.remove(instanceId);
        }
        AckWaiter waiter = new AckWaiter(others, !countReceivers && !hearing.getAsBoolean(), onOwnCopy);
        waiters.put(seq, waiter);
        Executor caller = CallerContext.current();
        String message = instanceId + "\t" + seq + (toRedis ? "\t" + TO_REDIS : "") + "\n" + String.join("\n", ops);
        return publisher.apply(CHANNEL, message)
                .chain(receivers -> {
                    if (!countReceivers) {
                        localPass.accept(ops);
                    }
                    waiter.expect(countReceivers ? receivers : 0);
                    return Uni.createFrom().completionStage(waiter.done)
                            .ifNoItem().after(timeout).recoverWithItem(() -> {
                                timeouts.incrementAndGet();
                                LOG.warnf("Invalidation [%s] not acknowledged by every instance in time", seq);
                                return null;
                            });
                })
                .eventually(() -> waiters.remove(seq))
                .replaceWithVoid()
                .emitOn(caller);
    }

    /**
     * Handles a message heard on {@value #CHANNEL}: hands its operations to {@code apply}, then
     * acknowledges it (in process for our own messages, through Redis for the others').
     */
    void receive(String message, Consumer<List<String>> apply,
            Function<List<String>, Uni<Void>> applyToRedis) {
        String[] lines = message.split("\n");
        String[] head = lines[0].split("\t");
        List<String> ops = Arrays.asList(lines).subList(1, lines.length);
        boolean own = head.length >= 2 && head[0].equals(instanceId);
        if (own && !countReceivers) {
            // Redis Cluster: the writer made its second pass when PUBLISH ran (broadcast); applied
            // again now, after the write answered, it would only drop what was read since (fresh values).
            return;
        }
        apply.accept(ops);
        if (head.length < 2) {
            return;
        }
        if (own) {
            long seq = Long.parseLong(head[1]);
            AckWaiter waiter = waiters.get(seq);
            if (waiter != null && waiter.onOwnCopy != null) {
                waiter.onOwnCopy.run();
            }
            acknowledged(seq, instanceId);
            return;
        }
        Uni<Void> redis = head.length > 2 && TO_REDIS.equals(head[2])
                ? applyToRedis.apply(ops).onFailure().recoverWithNull()
                : Uni.createFrom().voidItem();
        redis.chain(() -> publisher.apply(ACK_PREFIX + head[0], head[1] + "\t" + instanceId)).subscribe().with(x -> {
        }, x -> {
        });
    }

    /** An acknowledgement on our channel: {@code <seq>\t<receiver>} (or {@code <seq>} from older versions). */
    void acknowledged(String payload) {
        String[] f = payload.split("\t");
        acknowledged(Long.parseLong(f[0]), f.length > 1 ? f[1] : null);
    }

    /** An acknowledgement of our message {@code seq} by {@code receiver} (null: unknown). */
    void acknowledged(long seq, String receiver) {
        AckWaiter waiter = waiters.get(seq);
        if (waiter != null) {
            waiter.ack(receiver);
        }
    }

    /**
     * Counts acknowledgements (which may arrive before PUBLISH has told how many to expect) and ticks off
     * the live instances of the moment the message was sent.
     */
    private static final class AckWaiter {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final Set<String> waitingFor;
        /** Who is live is unknown: only the timeout ends the wait. */
        private final boolean unknown;
        private long received;
        private long expected = -1;
        /** Run when this instance's own copy has been applied (null: nothing to run). */
        final Runnable onOwnCopy;

        AckWaiter(Set<String> live, boolean unknown, Runnable onOwnCopy) {
            this.waitingFor = new HashSet<>(live);
            this.unknown = unknown;
            this.onOwnCopy = onOwnCopy;
        }

        synchronized void ack(String receiver) {
            received++;
            if (receiver != null) {
                waitingFor.remove(receiver);
            }
            check();
        }

        synchronized void expect(long receivers) {
            expected = receivers;
            check();
        }

        /** Stops waiting for instances that are no longer live. */
        synchronized void retain(Set<String> live) {
            waitingFor.retainAll(live);
            check();
        }

        private void check() {
            if (!unknown && expected >= 0 && received >= expected && waitingFor.isEmpty()) {
                done.complete(null);
            }
        }
    }
}

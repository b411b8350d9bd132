package dev.scenecache.cache.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * The acknowledgement protocol of invalidations. A message is {@code <instance>\t<seq>} followed by its
 * operations ({@link InvalidationOps}), one per line, published on {@value #CHANNEL}. Every receiver
 * applies it to its L1 first, then acknowledges on the sender's own channel ({@code sc:ack:<instance>});
 * the sender acknowledges its own copy in process when its subscription delivers it. The sender waits
 * until as many acknowledgements as {@code PUBLISH} counted receivers have arrived, or until the ack
 * timeout, which is longer than the fence after which a receiver that cannot hear the channel stops
 * using its L1 ({@link InvalidationSubscription}).
 */
final class Acknowledgements {

    static final String CHANNEL = "sc:inv";
    static final String ACK_PREFIX = "sc:ack:";
    private static final Logger LOG = Logger.getLogger(Acknowledgements.class);

    private final String instanceId;
    private final RedisTier tier;
    private final Duration timeout;
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentHashMap<Long, AckWaiter> waiters = new ConcurrentHashMap<>();
    private final AtomicLong timeouts = new AtomicLong();

    Acknowledgements(String instanceId, RedisTier tier, Duration timeout) {
        this.instanceId = instanceId;
        this.tier = tier;
        this.timeout = timeout;
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
        return broadcast(ops, (channel, message) -> tier.publish(channel, message).map(Response::toLong));
    }

    /**
     * Waits for the acknowledgements of a message that {@code publisher} publishes on {@code channel}
     * (it answers the number of receivers). The waiter is registered first: acknowledgements may
     * overtake the answer. The result is emitted on the caller's context.
     */
    Uni<Void> broadcast(List<String> ops, BiFunction<String, String, Uni<Long>> publisher) {
        long seq = sequence.incrementAndGet();
        AckWaiter waiter = new AckWaiter();
        waiters.put(seq, waiter);
        Executor caller = CallerContext.current();
        String message = instanceId + "\t" + seq + "\n" + String.join("\n", ops);
        return publisher.apply(CHANNEL, message)
                .chain(receivers -> {
                    waiter.expect(receivers);
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
    void receive(String message, java.util.function.Consumer<List<String>> apply) {
        String[] lines = message.split("\n");
        String[] head = lines[0].split("\t");
        apply.accept(java.util.Arrays.asList(lines).subList(1, lines.length));
        if (head.length == 2) {
            if (head[0].equals(instanceId)) {
                acknowledged(Long.parseLong(head[1]));
            } else {
                tier.publish(ACK_PREFIX + head[0], head[1]).subscribe().with(x -> {
                }, x -> {
                });
            }
        }
    }

    /** An acknowledgement of our message {@code seq}. */
    void acknowledged(long seq) {
        AckWaiter waiter = waiters.get(seq);
        if (waiter != null) {
            waiter.ack();
        }
    }

    /** Counts acknowledgements, which may arrive before PUBLISH has told how many to expect. */
    private static final class AckWaiter {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private long received;
        private long expected = -1;

        synchronized void ack() {
            received++;
            check();
        }

        synchronized void expect(long receivers) {
            expected = receivers;
            check();
        }

        private void check() {
            if (expected >= 0 && received >= expected) {
                done.complete(null);
            }
        }
    }
}

package dev.scenecache.cache.redis;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Stops calling a failing Redis. Closed: calls pass, {@code threshold} consecutive failures open it.
 * Open: calls fail fast for {@code openNanos}, then one probe is let through (half-open); its success
 * closes the circuit, its failure opens it again.
 *
 * <p>
 * Hand-written rather than SmallRye Fault Tolerance's {@code @CircuitBreaker}: that one guards one
 * annotated method, while every Redis command of the cache must share one state, which health,
 * metrics and the stats endpoint read.
 */
public final class CircuitBreaker {

    public enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private final int threshold;
    private final long openNanos;
    private final LongSupplier clock;
    private final AtomicReference<State> state = new AtomicReference<>(State.CLOSED);
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicLong openedAt = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();

    public CircuitBreaker(int threshold, long openNanos, LongSupplier clock) {
        this.threshold = threshold;
        this.openNanos = openNanos;
        this.clock = clock;
    }

    /** Whether a call may go to Redis now. In the open state, lets exactly one probe through per period. */
    public boolean allow() {
        State current = state.get();
        if (current == State.CLOSED) {
            return true;
        }
        if (current == State.OPEN && clock.getAsLong() - openedAt.get() >= openNanos) {
            return state.compareAndSet(State.OPEN, State.HALF_OPEN);
        }
        return false;
    }

    public void onSuccess() {
        consecutiveFailures.set(0);
        state.set(State.CLOSED);
    }

    public void onFailure() {
        State current = state.get();
        if (current == State.HALF_OPEN || consecutiveFailures.incrementAndGet() >= threshold) {
            if (state.getAndSet(State.OPEN) != State.OPEN) {
                opened.incrementAndGet();
            }
            openedAt.set(clock.getAsLong());
        }
    }

    public State state() {
        return state.get();
    }

    /** How many times the circuit has opened since start. */
    public long timesOpened() {
        return opened.get();
    }
}

package dev.scenecache.cache;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/**
 * A cached source that tests control: its values, how often it was called, and a gate that holds a
 * load after it has read its value and before it returns, to force the fill/invalidate race.
 * (Tests reach it through its CDI proxy, so everything goes through methods, not fields.)
 */
@ApplicationScoped
public class CacheProbe {

    private final Map<UUID, String> values = new ConcurrentHashMap<>();
    private final AtomicInteger loads = new AtomicInteger();
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    private volatile CompletableFuture<Void> loading = new CompletableFuture<>();
    private volatile Throwable failure;

    @CacheRead(cache = CacheNames.SCENE)
    public Uni<JsonDocument> read(@CacheGroup("p") UUID group, @CacheId UUID id) {
        loads.incrementAndGet();
        String value = values.get(id);
        loading.complete(null);
        // The failure (if any) is read after the gate: a held load can be made to fail when released.
        // A copy of the gate: a load given up on (a timeout cancels it) must not cancel the gate itself.
        return Uni.createFrom().completionStage(gate.copy())
                .chain(x -> failure != null ? Uni.createFrom().failure(failure)
                        : Uni.createFrom().item(new JsonDocument(value.getBytes(StandardCharsets.UTF_8), 1)));
    }

    public void put(UUID id, String json) {
        values.put(id, json);
    }

    public int loads() {
        return loads.get();
    }

    /** The next loads wait, after reading their value, until {@link #release()}. */
    public CompletableFuture<Void> hold() {
        gate = new CompletableFuture<>();
        loading = new CompletableFuture<>();
        return loading;
    }

    /**
     * The race scaffold: starts {@code read}, and answers once its load has read its value from the source
     * and is held there (before it returns and fills). The test then does what must overtake the load (a
     * write, a failure to come) and {@link HeldRead#release releases} it.
     */
    public <T> HeldRead<T> startHeld(Supplier<Uni<T>> read) throws Exception {
        CompletableFuture<Void> loaded = hold();
        CompletableFuture<T> result = read.get().subscribeAsCompletionStage();
        loaded.get(10, TimeUnit.SECONDS);
        return new HeldRead<>(result, this::release);
    }

    /** A read whose load is held at the source ({@link #startHeld}). */
    public record HeldRead<T>(CompletableFuture<T> result, Runnable releaser) {

        /** Lets the held load go on; answers the read's outcome. */
        public CompletableFuture<T> release() {
            releaser.run();
            return result;
        }
    }

    /** The next loads fail with {@code failure} (null: they answer again). */
    public void failWith(Throwable failure) {
        this.failure = failure;
    }

    public void release() {
        gate.complete(null);
    }
}

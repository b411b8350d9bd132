package dev.scenecache.cache;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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

    /** The next loads fail with {@code failure} (null: they answer again). */
    public void failWith(Throwable failure) {
        this.failure = failure;
    }

    public void release() {
        gate.complete(null);
    }
}

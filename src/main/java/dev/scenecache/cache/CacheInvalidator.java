package dev.scenecache.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.cache.redis.WriteOp;
import dev.scenecache.cache.write.WriteThroughs;
import dev.scenecache.common.Tracing;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;

/**
 * The write side of the cache, for services. Every method completes once every tier of every instance
 * has dropped (or been given) the written entries, or, when Redis cannot be reached, once the
 * invalidation is kept for replay and this instance has stopped trusting Redis; none ever fails.
 *
 * <p>
 * A write that knows the new state of an entity writes it through, so the next read is a hit:
 *
 * <pre>
 * CacheWrite w = invalidator.begin(group);        // reads the group's generation, in parallel with...
 * Panache.withTransaction(() -> w.beforeCommit(work))   // ...the transaction, which waits for it to commit
 *     .call(view -> w.put(key, json).invalidate(listKey).apply())
 * </pre>
 *
 * (A single autocommitted statement goes through {@link CacheWrite#commit} instead.)
 * The generation, known before the commit, keeps a write-through that races with the deletion of its
 * whole group (a project) out of the cache: the deletion moves the generation on only after its own
 * commit, which comes after ours, and the write script stores a version floor (a miss) instead of a value
 * stamped with an older generation. Any generation the group had before the write started will do, so
 * {@link Coherence#groupGeneration} answers the one this instance remembers when it has one, without
 * asking Redis.
 */
@ApplicationScoped
public class CacheInvalidator {

    private final Coherence coherence;
    private final WriteThroughs cache;
    private final Tracing tracing;

    public CacheInvalidator(Coherence coherence, WriteThroughs cache, Tracing tracing) {
        this.coherence = coherence;
        this.cache = cache;
        this.tracing = tracing;
    }

    /**
     * Starts a write of entries of {@code group}: call before the database transaction, and wrap the
     * transaction's work in {@link CacheWrite#beforeCommit}.
     */
    public CacheWrite begin(String group) {
        return new CacheWrite(coherence.groupGeneration(group));
    }

    public Uni<Void> invalidate(CacheKey... keys) {
        return traced("keys", keys.length, () -> coherence.invalidateKeys(List.of(keys)));
    }

    /** Every entry of the group (all of a project's keys), in O(1). */
    public Uni<Void> invalidateGroup(String group) {
        return traced("group", 1, () -> coherence.invalidateGroup(group));
    }

    /** Every entry of one cache, on every instance, in O(1). */
    public Uni<Void> flush(String cache) {
        return traced("flush", 1, () -> coherence.flush(cache));
    }

    /**
     * A {@code cache.write} span (tracing on): the Redis script, the invalidation's publication and the wait
     * for every instance's acknowledgement, with what kind of write and how many operations.
     */
    private Uni<Void> traced(String kind, int operations, Supplier<Uni<Void>> write) {
        Span span = tracing.start("cache.write");
        span.setAttribute("cache.write.kind", kind);
        span.setAttribute("cache.write.operations", operations);
        return Tracing.within(span, write);
    }

    /** The cache operations of one committed write, applied together by {@link #apply()}. */
    public final class CacheWrite {
        /** The group's generation, being read since {@link #begin}; -1 when Redis could not tell. */
        private final Uni<Long> groupGeneration;
        private final List<LongFunction<WriteOp>> ops = new ArrayList<>();

        private CacheWrite(Uni<Long> generation) {
            this.groupGeneration = generation.memoize().indefinitely();
            this.groupGeneration.subscribe().with(g -> {
            }, f -> {
            }); // now, not when the transaction ends
        }

        /** The transaction's work, then the wait for the group generation: both before the commit. */
        public <T> Uni<T> beforeCommit(Uni<T> work) {
            return work.call(() -> groupGeneration);
        }

        /** A statement that commits by itself (autocommit), sent once the group generation is known. */
        public <T> Uni<T> commit(Supplier<Uni<T>> statement) {
            return groupGeneration.chain(generation -> statement.get());
        }

        /** The entry now shows {@code document} (unless a newer version is already cached). */
        public CacheWrite put(CacheKey key, JsonDocument document) {
            ops.add(generation -> cache.writeThrough(key, document, generation));
            return this;
        }

        /** The entity is gone: reads answer 404 from the cache, and no older write can bring it back. */
        public CacheWrite deleted(CacheKey key, String detail) {
            ops.add(generation -> cache.tombstone(key, detail, generation));
            return this;
        }

        public CacheWrite invalidate(CacheKey... keys) {
            for (CacheKey key : keys) {
                ops.add(generation -> WriteOp.delete(key));
            }
            return this;
        }

        public Uni<Void> apply() {
            return groupGeneration.chain(generation -> traced("entries", ops.size(),
                    () -> coherence.write(ops.stream().map(op -> op.apply(generation)).toList())));
        }
    }
}

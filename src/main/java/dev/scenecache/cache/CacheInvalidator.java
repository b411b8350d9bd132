package dev.scenecache.cache;

import dev.scenecache.cache.internal.Coherence;
import dev.scenecache.cache.internal.RedisTier;
import dev.scenecache.cache.internal.TwoTierCache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * The write side of the cache, for services. Every method completes once every tier of every instance
 * has dropped (or been given) the written entries, or, when Redis cannot be reached, once the
 * invalidation is kept for replay and this instance has stopped trusting Redis; none ever fails.
 *
 * <p>A write that knows the new state of an entity writes it through, so the next read is a hit:
 * <pre>
 * invalidator.begin(group)                        // before the transaction: the group's generation
 *     .chain(w -> transaction.call(view -> w.put(key, json).invalidate(listKey).apply()))
 * </pre>
 * The generation read first makes a write-through that races with the deletion of its whole group
 * (a project) land as a deletion instead.
 */
@ApplicationScoped
public class CacheInvalidator {

    private final Coherence coherence;
    private final TwoTierCache cache;

    public CacheInvalidator(Coherence coherence, TwoTierCache cache) {
        this.coherence = coherence;
        this.cache = cache;
    }

    /** Starts a write of entries of {@code group}; call before the database transaction. */
    public Uni<CacheWrite> begin(String group) {
        return coherence.groupGeneration(group).map(CacheWrite::new);
    }

    public Uni<Void> invalidate(CacheKey... keys) {
        return coherence.invalidateKeys(List.of(keys));
    }

    /** Every entry of the group (all of a project's keys), in O(1). */
    public Uni<Void> invalidateGroup(String group) {
        return coherence.invalidateGroup(group);
    }

    /** Every entry of one cache, on every instance, in O(1). */
    public Uni<Void> flush(String cache) {
        return coherence.flush(cache);
    }

    /** The cache operations of one committed write, applied together by {@link #apply()}. */
    public final class CacheWrite {
        private final long groupGeneration;
        private final List<RedisTier.WriteOp> ops = new ArrayList<>();

        private CacheWrite(long groupGeneration) {
            this.groupGeneration = groupGeneration;
        }

        /** The entry now shows {@code document} (unless a newer version is already cached). */
        public CacheWrite put(CacheKey key, JsonDocument document) {
            ops.add(cache.writeThrough(key, document, groupGeneration));
            return this;
        }

        /** The entity is gone: reads answer 404 from the cache, and no older write can bring it back. */
        public CacheWrite deleted(CacheKey key, String detail) {
            ops.add(cache.tombstone(key, detail, groupGeneration));
            return this;
        }

        public CacheWrite invalidate(CacheKey... keys) {
            for (CacheKey key : keys) {
                ops.add(RedisTier.WriteOp.delete(key));
            }
            return this;
        }

        public Uni<Void> apply() {
            return coherence.write(ops);
        }
    }
}

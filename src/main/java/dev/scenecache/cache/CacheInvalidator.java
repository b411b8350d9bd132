package dev.scenecache.cache;

import dev.scenecache.cache.internal.Coherence;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The write side of the cache, for services to call after their transaction has committed. Each
 * method completes once every tier of every instance has dropped the entries (or, when Redis cannot
 * be reached, once the invalidation is kept for replay and this instance has stopped trusting Redis);
 * it never fails.
 */
@ApplicationScoped
public class CacheInvalidator {

    private final Coherence coherence;

    public CacheInvalidator(Coherence coherence) {
        this.coherence = coherence;
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
}

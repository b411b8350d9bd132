package dev.scenecache.cache.read;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheSpec;
import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.cache.local.L1Tier;

/**
 * Puts what a read found or loaded into L1, while this instance hears every invalidation
 * ({@link Coherence#l1Usable()}) and only if no invalidation of the key was applied since {@code stamp}, the
 * key's L1 stamp read before the value was ({@link L1Tier#putIfUnchanged}). An entry is kept through its
 * stale-if-error grace; a not-found only until its fresh-until.
 */
@ApplicationScoped
class LocalCopies {

    private final L1Tier l1;
    private final Coherence coherence;
    private final TtlPolicy ttl;

    LocalCopies(L1Tier l1, Coherence coherence, TtlPolicy ttl) {
        this.l1 = l1;
        this.coherence = coherence;
        this.ttl = ttl;
    }

    void keep(CacheKey key, Answer answer, CacheSpec spec, int weight, long stamp) {
        if (coherence.l1Usable()) {
            boolean negative = answer.notFound() != null;
            long keepUntil = negative ? answer.freshUntil() : answer.freshUntil() + ttl.graceOf(spec, answer.value());
            l1.putIfUnchanged(key, new L1Tier.Entry(answer.value(), negative,
                    negative ? answer.notFound().getMessage() : null, weight, answer.storedAt(), answer.freshUntil(),
                    keepUntil), stamp);
        }
    }
}

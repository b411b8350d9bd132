package dev.scenecache.cache.analytics;

import java.util.Locale;

/**
 * Why a tier did not answer a read (docs/architecture.md, "Cache analytics"). Each instance tells from what
 * it saw of the key ({@link KeyHistory}); what it never saw is {@link #COLD}.
 */
public enum MissCause {
    /** The tier never held the key, as far as this instance knows (first read, or forgotten by the history). */
    COLD,
    /** Its entry was past its TTL (the cache's, or L1's own shorter bound). */
    EXPIRED,
    /** A write's invalidation (or a flush, or a fence that cleared the tier) dropped it after it was stored. */
    INVALIDATED,
    /** Dropped for room: L1's size bound, or Redis lost it before its TTL (memory eviction, restart, failover). */
    EVICTED,
    /** The tier was not asked: caching off, L1 not trusted (invalidations not heard), Redis failing or fenced. */
    BYPASSED;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /** The value of the metrics' {@code cause} tag and of the analytics' keys. */
    public String tag() {
        return tag;
    }
}

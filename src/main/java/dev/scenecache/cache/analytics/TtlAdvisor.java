package dev.scenecache.cache.analytics;

/**
 * The TTL a cache should have, from how its entries ended among those that were read again afterwards
 * (docs/architecture.md, "Cache analytics"):
 *
 * <pre>
 * fewer than MIN_ENDINGS endings                  -> keep      not enough data
 * invalidated / endings  >= 1/2                   -> keep      writes end entries before their TTL: a longer one keeps nothing more
 * identical reloads / expiries >= 0.9             -> double    the content outlives the TTL (never above the maximum)
 * identical reloads / expiries <  0.5             -> halve     the content changed behind the cache before its TTL ended (never below the minimum)
 * otherwise                                       -> keep      the TTL fits
 * </pre>
 *
 * A reload is identical when the source gave back byte-identical content (the same encoded payload) after
 * the entry expired. Decisions are relative to {@code current}: the TTL in use, so that an adaptive TTL
 * ({@code CACHE_TTL_ADAPTIVE}) walks towards its fit one window at a time, within its bounds.
 */
public final class TtlAdvisor {

    /** Below this many endings in a window, nothing is concluded. */
    public static final long MIN_ENDINGS = 20;
    static final double INVALIDATIONS_DOMINATE = 0.5;
    static final double OUTLIVES = 0.9;
    static final double CHANGES_BEHIND = 0.5;

    /** How the entries read again ended within a window. */
    public record Endings(long expired, long identical, long invalidated) {
        public long total() {
            return expired + invalidated;
        }
    }

    /** A recommended TTL, in ms, and why. */
    public record Advice(long ttlMillis, String reason) {
    }

    private TtlAdvisor() {
    }

    public static Advice advise(Endings e, long currentMillis, long minMillis, long maxMillis) {
        long current = Math.max(minMillis, Math.min(maxMillis, currentMillis));
        if (e.total() < MIN_ENDINGS) {
            return new Advice(current, "not enough data");
        }
        if (e.invalidated() >= INVALIDATIONS_DOMINATE * e.total()) {
            return new Advice(current, "writes end most entries before their TTL");
        }
        double identical = (double) e.identical() / e.expired();
        if (identical >= OUTLIVES) {
            return new Advice(Math.min(maxMillis, current * 2), "expired entries reloaded unchanged");
        }
        if (identical < CHANGES_BEHIND) {
            return new Advice(Math.max(minMillis, current / 2), "expired entries reloaded changed");
        }
        return new Advice(current, "the TTL fits");
    }
}

package dev.scenecache.cache;

/**
 * How a cached read was answered, as the {@code X-Cache} / {@code X-Cache-Tier} headers and the standard
 * {@code Cache-Status} header (RFC 9211) say it.
 */
public enum CacheOutcome {
    /** An expired entry answered because the database was unavailable (stale-if-error), from Redis. */
    STALE_L2("HIT", "L2", "scenecache; hit; detail=stale-if-error"),
    /** The same, from the in-process tier. */
    STALE_L1("HIT", "L1", "scenecache; hit; detail=stale-if-error"),
    BYPASS("BYPASS", null, "scenecache; fwd=bypass"),
    /** Loaded from the source and not stored (too large, or a not-found this cache does not keep). */
    MISS_NOT_STORED("MISS", null, "scenecache; fwd=miss"),
    MISS("MISS", null, "scenecache; fwd=miss; stored"),
    /** A decision of an earlier prompt that means the same (the semantic decision cache). */
    HIT_SEMANTIC("HIT", "SEMANTIC", "scenecache; hit; detail=semantic"),
    HIT_L2("HIT", "L2", "scenecache; hit; detail=l2"),
    HIT_L1("HIT", "L1", "scenecache; hit; detail=l1");

    private final String header;
    private final String tier;
    private final String cacheStatus;

    CacheOutcome(String header, String tier, String cacheStatus) {
        this.header = header;
        this.tier = tier;
        this.cacheStatus = cacheStatus;
    }

    public String header() {
        return header;
    }

    /** {@code L1} or {@code L2} on a hit ({@code SEMANTIC} for a semantic decision), else null. */
    public String tier() {
        return tier;
    }

    /** The value of the {@code Cache-Status} header. */
    public String cacheStatus() {
        return cacheStatus;
    }

    /** Answered from an expired entry (stale-if-error): the response also carries {@code Age}. */
    public boolean stale() {
        return this == STALE_L1 || this == STALE_L2;
    }

    /**
     * Of two reads in one request, the one that says the most about freshness: stale, BYPASS, MISS,
     * SEMANTIC, L2, L1.
     */
    public CacheOutcome worse(CacheOutcome other) {
        return other == null || ordinal() <= other.ordinal() ? this : other; // declared least fresh first
    }
}

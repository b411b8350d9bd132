package dev.scenecache.cache;

/** How a cached read was answered, as the {@code X-Cache} / {@code X-Cache-Tier} headers say it. */
public enum CacheOutcome {
    HIT_L1("HIT", "L1"),
    HIT_L2("HIT", "L2"),
    MISS("MISS", null),
    BYPASS("BYPASS", null);

    private final String header;
    private final String tier;

    CacheOutcome(String header, String tier) {
        this.header = header;
        this.tier = tier;
    }

    public String header() {
        return header;
    }

    /** {@code L1} or {@code L2} on a hit, else null. */
    public String tier() {
        return tier;
    }

    /** Of two reads in one request, the one that says the most about freshness: BYPASS, MISS, L2, L1. */
    public CacheOutcome worse(CacheOutcome other) {
        return other == null || other.ordinal() < ordinal() ? this : other;
    }
}

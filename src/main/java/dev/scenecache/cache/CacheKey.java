package dev.scenecache.cache;

/**
 * The key of one cache entry: its cache, its group (the Redis Cluster hash tag) and its id inside the
 * group ({@code ""} when the group holds one entry of the cache).
 */
public record CacheKey(String cache, String group, String id) {

    /**
     * The key rule, one function for reads and writes alike: the group of the entries of one thing (a
     * project {@code p}, a user {@code u}) is {@code <kind>:<value>}. {@link CacheRead} builds it from its
     * {@link CacheGroup} parameter, writes and invalidations through {@link CacheNames#projectGroup} and
     * {@link CacheNames#userGroup}, so both always name the same entries.
     */
    public static String group(String kind, Object value) {
        return kind + ":" + value;
    }

    /** The id of an entry from its {@link CacheId} parts: their text, joined by {@code ':'}. */
    public static String id(Object... parts) {
        if (parts.length == 1) {
            return String.valueOf(parts[0]);
        }
        StringBuilder id = new StringBuilder();
        for (Object part : parts) {
            if (!id.isEmpty()) {
                id.append(':');
            }
            id.append(part);
        }
        return id.toString();
    }

    /**
     * A key of a feature's own (not a cache entry) in {@code group}'s hash slot: {@code sc:{<group>}:<name>},
     * for {@link SharedRedis}; dropped with nothing else, it must expire by itself.
     */
    public static String featureKey(String group, String name) {
        return CacheNames.KEY_PREFIX + "{" + group + "}:" + name;
    }

    public static CacheKey of(String cache, String group) {
        return new CacheKey(cache, group, "");
    }

    public static CacheKey of(String cache, String group, String id) {
        return new CacheKey(cache, group, id);
    }

    /** {@code sc:{<group>}:<cache>[:<id>]} */
    public String redisKey() {
        String base = CacheNames.KEY_PREFIX + "{" + group + "}:" + cache;
        return id.isEmpty() ? base : base + ":" + id;
    }

    /** The fill lease of this entry, in the same hash slot. */
    public String leaseKey() {
        return redisKey() + ":l";
    }

    /** The generation counter of this entry's group, in the same hash slot. */
    public String groupGenerationKey() {
        return groupGenerationKey(group);
    }

    public static String groupGenerationKey(String group) {
        return CacheNames.KEY_PREFIX + "{" + group + "}:g";
    }

    /** The generation counter of a whole cache; all of them share one hash slot ({@code {gen}}). */
    public static String cacheGenerationKey(String cache) {
        return CacheNames.KEY_PREFIX + "{gen}:" + cache;
    }

    /** Where the signature of the last Redis Cluster topology that was reconciled is kept (with the counters). */
    public static String topologyKey() {
        return CacheNames.KEY_PREFIX + "{gen}:topology";
    }
}

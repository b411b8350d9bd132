package dev.scenecache.cache;

/**
 * The key of one cache entry: its cache, its group (the Redis Cluster hash tag) and its id inside the
 * group ({@code ""} when the group holds one entry of the cache).
 */
public record CacheKey(String cache, String group, String id) {

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

package dev.scenecache.cache.redis;

import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.local.L1Tier;

/**
 * One operation of a {@code write.lua}: delete the entry (no {@code entry}), or put it if it is newer;
 * with {@code currentGroupGeneration}, the script first stamps the entry with the group generation
 * it finds (for entries whose writer could not read it: tombstones and version floors).
 */
public record WriteOp(CacheKey key, byte[] entry, long ttlMillis, boolean currentGroupGeneration, L1Tier.Entry l1) {
    public WriteOp(CacheKey key, byte[] entry, long ttlMillis, boolean currentGroupGeneration) {
        this(key, entry, ttlMillis, currentGroupGeneration, null);
    }

    public WriteOp(CacheKey key, byte[] entry, long ttlMillis) {
        this(key, entry, ttlMillis, false, null);
    }

    public static WriteOp delete(CacheKey key) {
        return new WriteOp(key, null, 0);
    }
}

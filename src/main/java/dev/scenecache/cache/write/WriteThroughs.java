package dev.scenecache.cache.write;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.JsonDocument;
import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.cache.local.L1Tier;
import dev.scenecache.cache.read.TtlPolicy;
import dev.scenecache.cache.redis.DocumentCodec;
import dev.scenecache.cache.redis.EntryCodec;
import dev.scenecache.cache.redis.WriteOp;

/**
 * The Redis operations of a write's cache step ({@code write.lua}, applied by {@link Coherence#write}):
 * the committed value written through, or a tombstone for a deleted entity. Both are stamped with the
 * group generation the writer had at or before the write started; the script stores a value only while
 * that generation is current and no newer version is there, so writes of one entity may finish in any
 * order (docs/architecture.md, "A write's cache step").
 */
@ApplicationScoped
public class WriteThroughs {

    private final Coherence coherence;
    private final CacheConfig config;
    private final TtlPolicy ttl;

    public WriteThroughs(Coherence coherence, CacheConfig config, TtlPolicy ttl) {
        this.coherence = coherence;
        this.config = config;
        this.ttl = ttl;
    }

    /**
     * The operation that writes a just-committed value through: stored unless a newer version is there, or
     * dropped when the group generation it was read under has moved on. When the value cannot be stored
     * safely (group generation unknown: Redis did not answer in time; too large), a version floor takes its
     * place: a plain deletion would let a slower write of an older version land after it.
     */
    public WriteOp writeThrough(CacheKey key, JsonDocument document, long groupGeneration) {
        byte[] payload = DocumentCodec.INSTANCE.encode(document);
        long cacheGeneration = coherence.cacheGeneration(key.cache());
        long ttlMillis = ttl.jitter(ttl.ttlMillis(key.cache()));
        if (payload.length > config.maxEntryBytes() || groupGeneration < 0) {
            return new WriteOp(key, EntryCodec.floor(cacheGeneration, document.version()), ttlMillis, true);
        }
        long now = System.currentTimeMillis();
        long grace = ttl.graceMillis(key.cache());
        // What this instance's L1 keeps if the script stores the value (Coherence#write decides).
        L1Tier.Entry l1Entry = new L1Tier.Entry(document, false, null, payload.length, now, now + ttlMillis,
                now + ttlMillis + grace);
        return new WriteOp(key, EntryCodec.encode(false, payload, cacheGeneration, groupGeneration, document.version(),
                now, now + ttlMillis, config.compressAboveBytes()), ttlMillis + grace, false, l1Entry);
    }

    /**
     * The operation that marks a deleted entity: a not-found entry no older write can replace. Without a
     * known group generation the script stamps the current one (a tombstone in a group deleted meanwhile
     * only says what is true: not found).
     */
    public WriteOp tombstone(CacheKey key, String detail, long groupGeneration) {
        long now = System.currentTimeMillis();
        long ttlMillis = ttl.ttlMillis(key.cache());
        byte[] entry = EntryCodec.encode(true, detail.getBytes(StandardCharsets.UTF_8),
                coherence.cacheGeneration(key.cache()), Math.max(0, groupGeneration), EntryCodec.TOMBSTONE_VERSION,
                now, now + ttlMillis, Integer.MAX_VALUE);
        return new WriteOp(key, entry, ttlMillis, groupGeneration < 0);
    }
}

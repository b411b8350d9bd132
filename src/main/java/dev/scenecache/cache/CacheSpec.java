package dev.scenecache.cache;

/** How a cache stores its values: the codec, the TTL (before jitter), and whether a 404 is cached. */
public record CacheSpec(String cache, ValueCodec codec, long ttlMillis, boolean negative) {
}

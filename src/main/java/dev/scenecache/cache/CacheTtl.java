package dev.scenecache.cache;

import java.time.Duration;

/**
 * A cached value that asks for a shorter life than its cache's TTL (a failed component build, say).
 * Both tiers keep it for at most {@link #cacheTtl()}; {@code null} means the cache's own TTL.
 */
public interface CacheTtl {
    Duration cacheTtl();
}

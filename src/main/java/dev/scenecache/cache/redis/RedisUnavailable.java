package dev.scenecache.cache.redis;

/**
 * Redis cannot be used for a call right now: it timed out, failed, or found the circuit open. Callers
 * then use the source; a request never fails because of it.
 */
public final class RedisUnavailable extends RuntimeException {
    public RedisUnavailable(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}

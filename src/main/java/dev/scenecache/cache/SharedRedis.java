package dev.scenecache.cache;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.cache.redis.RedisCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The cache's Redis, for a feature that needs Redis for a purpose of its own (the AI spend bucket, the
 * semantic index, the cross-instance single flight of brain calls): every command bounded by the cache's
 * timeout and guarded by its circuit breakers, on one Redis or a cluster alike. A feature owns its keys
 * (under {@link CacheNames#KEY_PREFIX}, with a hash tag when a script touches several) and its scripts
 * ({@link LuaScript}). A failed call fails with an exception the feature must recover from: Redis is never
 * a reason to fail a request.
 */
@ApplicationScoped
public class SharedRedis {

    private final RedisCommands redis;
    private final Coherence coherence;

    public SharedRedis(RedisCommands redis, Coherence coherence) {
        this.redis = redis;
        this.coherence = coherence;
    }

    /**
     * Whether Redis may be used now: caching on, Redis answering and nothing of the cache waiting to be
     * replayed there. When false, do without it (an instance-local fallback).
     */
    public boolean usable() {
        return coherence.l2Usable();
    }

    /** One command. */
    public Uni<Response> send(Request request) {
        return redis.send(request);
    }

    /**
     * {@code script} with its keys (all in one hash slot) and arguments ({@code String}, {@code byte[]} or a
     * number each).
     */
    public Uni<Response> eval(LuaScript script, List<String> keys, List<?> args) {
        return redis.eval(script, keys, args);
    }
}

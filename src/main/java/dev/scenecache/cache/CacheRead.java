package dev.scenecache.cache;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

/**
 * Read-through caching of a method that returns {@code Uni<T>}, in two tiers: an in-process L1
 * (Caffeine) in front of Redis (L2), then the method itself.
 *
 * <p>
 * <b>Key.</b> The parameter annotated {@link CacheGroup} names the key's group (a project, a user);
 * all keys of one group share a Redis Cluster hash tag, and a group can be invalidated in O(1)
 * ({@link CacheInvalidator#invalidateGroup}). The parameters annotated {@link CacheId}, in order, name
 * the entry inside the group; with none, the group holds one entry of this cache. Key:
 * {@code sc:{<group>}:<cache>[:<id>...]}.
 *
 * <p>
 * <b>What is cached.</b> The item the Uni emits; a {@link JsonDocument} is kept as its bytes, any
 * other type as compact JSON. When {@link #negative()} is set, a 404 failure is cached too, briefly
 * ({@code cache.negative-ttl}), and dropped by the invalidation that creating the entity does.
 * Other failures are never cached.
 *
 * <p>
 * <b>Guarantees.</b> Concurrent misses of one key run the method once per instance. A fill that
 * raced with an invalidation never lands (a lease checked atomically in Redis, an invalidation counter
 * in process). When Redis is slow, down, or caching is switched off, the method runs directly and the
 * response says {@code X-Cache: BYPASS}; the cache never fails a call.
 *
 * <p>
 * <b>Order.</b> The interceptor runs at {@code Interceptor.Priority.PLATFORM_BEFORE + 100}, before
 * {@code @WithSession} (200), so a hit opens no database session.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface CacheRead {

    /** One of {@link CacheNames#ALL}. */
    @Nonbinding
    String cache() default "";

    /** Whether a 404 ({@code ProblemException} with status 404) is cached as a negative entry. */
    @Nonbinding
    boolean negative() default true;
}
